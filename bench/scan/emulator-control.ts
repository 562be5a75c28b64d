// The benchmark's side of the emulator's control endpoint (/_emulator/..., admin key header): the request
// and sign-in logs, the server-side summary, and resetting the logs between contenders.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import type { RequestRecord, SignInRecord } from '../../emulator/context.ts';
import type { UsageSummary } from '../../emulator/index.ts';
import type { HostReady } from './emulator-host.ts';

export type { RequestRecord, SignInRecord, UsageSummary };

export interface EmulatorControlClient {
  summary(): Promise<UsageSummary>;
  requests(): Promise<RequestRecord[]>;
  signIns(): Promise<SignInRecord[]>;
  /**
   * Emulated time minus this machine's wall clock, ms. The emulator's clock starts at the `now` taken
   * before the tenant was generated, so it runs behind by the generation time: log times need this.
   */
  clockOffsetMs(): Promise<number>;
  resetLog(): Promise<void>;
  close(): Promise<void>;
}

export async function connectControl(host: HostReady): Promise<EmulatorControlClient> {
  const agent = new Agent({ connect: { ca: await readFile(host.caCertPath, 'utf8') } });
  const call = async <T>(method: 'GET' | 'DELETE', path: string): Promise<T> => {
    const res = await request(`${host.origin}/_emulator${path}`, {
      method,
      dispatcher: agent,
      headers: { 'x-emulator-admin-key': host.adminKey },
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} /_emulator${path}: ${res.statusCode} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    summary: () => call<UsageSummary>('GET', '/summary'),
    requests: () => call<RequestRecord[]>('GET', '/requests'),
    signIns: () => call<SignInRecord[]>('GET', '/sign-ins'),
    async clockOffsetMs() {
      const before = Date.now();
      const { now } = await call<{ now: number }>('GET', '/clock');
      return now - (before + Date.now()) / 2;
    },
    resetLog: () => call<void>('DELETE', '/requests'),
    close: () => agent.close(),
  };
}
