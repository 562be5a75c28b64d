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
    resetLog: () => call<void>('DELETE', '/requests'),
    close: () => agent.close(),
  };
}
