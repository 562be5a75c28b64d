// The download part of the bound: the same list pages Lanyard fetched, one chain of nextLinks per list, all
// chains at once over keep-alive connections, no budget pacing and nothing done with the pages but parsing
// them. Run against an emulator with throttling off (same tenant, same latency), so it measures only the
// chains' round trips and the transfer.
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import type { HostReady } from './emulator-host.ts';

export interface ChainResult {
  first: string;
  pages: number;
  objects: number;
  bytes: number;
  ms: number;
}

export interface BareCrawlResult {
  chains: ChainResult[];
  /** From the first request of any chain to the last response of all. */
  ms: number;
}

async function accessToken(agent: Agent, host: HostReady): Promise<string> {
  const secret = (await readFile(host.secretPath, 'utf8')).trim();
  const res = await request(`${host.origin}/${host.tenantId}/oauth2/v2.0/token`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: host.clientId,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token request failed with ${res.statusCode}`);
  return body.access_token;
}

async function crawl(agent: Agent, token: string, origin: string, first: string): Promise<ChainResult> {
  const started = performance.now();
  const result: ChainResult = { first, pages: 0, objects: 0, bytes: 0, ms: 0 };
  let url: string | undefined = `${origin}${first}`;
  while (url) {
    const res = await request(url, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 300)}`);
    const page = JSON.parse(text) as { value: unknown[]; '@odata.nextLink'?: string };
    result.pages += 1;
    result.objects += page.value.length;
    result.bytes += Buffer.byteLength(text);
    url = page['@odata.nextLink'];
  }
  result.ms = performance.now() - started;
  return result;
}

/** `paths` are the chains' first requests as Lanyard sent them (path and query, no origin). */
export async function runBareCrawl(host: HostReady, paths: string[]): Promise<BareCrawlResult> {
  const agent = new Agent({
    connect: { ca: await readFile(host.caCertPath, 'utf8') },
    connections: paths.length,
    keepAliveTimeout: 60_000,
  });
  try {
    const token = await accessToken(agent, host);
    const started = performance.now();
    const chains = await Promise.all(paths.map((p) => crawl(agent, token, host.origin, p)));
    return { chains, ms: performance.now() - started };
  } finally {
    await agent.close();
  }
}
