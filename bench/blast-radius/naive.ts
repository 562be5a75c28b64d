// The naive way to learn each identity's blast radius, as issue 9 names it: for every service principal,
// `GET /servicePrincipals/{id}/appRoleAssignments`, and in every subscription, `roleAssignments` filtered to
// that principal. Its requests are computed from the tenant's ground truth at any size, and measured against
// the emulator at a small one to show the formula counts what a real run sends.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { BlastRadiusHostReady, NaiveGroundTruth } from './emulator-host.ts';

/** The emulator's cost table (facts §1.2): appRoleAssignments is listed at 2 RU, 1 with `$select`. */
export const APP_ROLE_ASSIGNMENTS_RU = 2;
/** Graph's medium budget, and ARM's read buckets (per subscription per principal), as the emulator has them. */
const GRAPH_BUDGET = { bucket: 5000, perSecond: 500 };
const ARM_READS = { bucket: 250, perSecond: 25 };
const ARM_API = '2022-04-01';

export interface NaiveComputed {
  /** `appRoleAssignments` pages (Graph requests). */
  graphRequests: number;
  graphResourceUnits: number;
  /** `GET /subscriptions` plus, per subscription, one filtered `roleAssignments` page per principal. */
  armRequests: number;
  /**
   * The fastest the limits allow, both buckets full at the start: Graph's RU budget, and ARM's 25 reads a second
   * per subscription (the subscriptions read side by side).
   */
  graphSecondsAtLimit: number;
  armSecondsAtLimit: number;
}

export function computeNaive(truth: NaiveGroundTruth): NaiveComputed {
  const graphResourceUnits = truth.appRoleAssignmentPages * APP_ROLE_ASSIGNMENTS_RU;
  return {
    graphRequests: truth.appRoleAssignmentPages,
    graphResourceUnits,
    armRequests: 1 + truth.subscriptions * truth.rbacPagesPerSubscription,
    graphSecondsAtLimit: Math.max(0, graphResourceUnits - GRAPH_BUDGET.bucket) / GRAPH_BUDGET.perSecond,
    armSecondsAtLimit: Math.max(0, truth.rbacPagesPerSubscription - ARM_READS.bucket) / ARM_READS.perSecond,
  };
}

export interface NaiveRun {
  wallMs: number;
  concurrency: number;
  /** 429s the client waited out (Retry-After) and retried. */
  retried: number;
}

interface Page {
  value?: Array<{ id?: string; subscriptionId?: string }>;
  '@odata.nextLink'?: string;
  nextLink?: string | null;
}

async function token(agent: Agent, host: BlastRadiusHostReady, secret: string, resource: string) {
  const res = await request(`${host.origin}/${host.tenantId}/oauth2/v2.0/token`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: host.clientId,
      client_secret: secret,
      scope: `${resource}/.default`,
    }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token for ${resource}: ${res.statusCode}`);
  return body.access_token;
}

/**
 * Reads a list to its end, one page after another; a 429 pauses every worker of the same pool for its
 * Retry-After, as a careful script would, and the page is asked again.
 */
async function readAll(
  agent: Agent,
  bearer: string,
  first: string,
  pool: { pausedUntil: number; retried: number },
): Promise<Page['value']> {
  const out: NonNullable<Page['value']> = [];
  let url: string | null | undefined = first;
  while (url) {
    const wait = pool.pausedUntil - Date.now();
    if (wait > 0) await sleep(wait);
    const res = await request(url, { dispatcher: agent, headers: { authorization: `Bearer ${bearer}` } });
    if (res.statusCode === 429) {
      await res.body.dump();
      pool.retried += 1;
      const seconds = Number(res.headers['retry-after'] ?? 1);
      pool.pausedUntil = Math.max(pool.pausedUntil, Date.now() + seconds * 1000);
      continue;
    }
    const page = (await res.body.json()) as Page;
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${JSON.stringify(page)}`);
    out.push(...(page.value ?? []));
    url = page['@odata.nextLink'] ?? page.nextLink;
  }
  return out;
}

async function inPool(
  urls: readonly string[],
  concurrency: number,
  read: (url: string) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) await read(urls[next++]!);
    }),
  );
}

/**
 * Lists the service principals (`$select=id`, pages of 999: the inventory reads them anyway) and the
 * subscriptions, then asks about each principal: Graph with `concurrency` requests in flight, and each
 * subscription with as many of its own, all side by side.
 */
export async function runNaive(host: BlastRadiusHostReady, concurrency: number): Promise<NaiveRun> {
  const agent = new Agent({
    connect: { ca: await readFile(host.caCertPath, 'utf8') },
    connections: concurrency * 4,
    keepAliveTimeout: 60_000,
  });
  try {
    const secret = (await readFile(host.secretPath, 'utf8')).trim();
    const started = performance.now();
    const [graph, arm] = await Promise.all([
      token(agent, host, secret, 'https://graph.microsoft.com'),
      token(agent, host, secret, 'https://management.azure.com'),
    ]);
    const graphPool = { pausedUntil: 0, retried: 0 };
    const principals = await readAll(
      agent,
      graph,
      `${host.origin}/v1.0/servicePrincipals?$select=id&$top=999`,
      graphPool,
    );
    const ids = (principals ?? []).map((p) => p.id!);
    const armTenantPool = { pausedUntil: 0, retried: 0 };
    const subscriptions = (
      (await readAll(agent, arm, `${host.origin}/subscriptions?api-version=2022-12-01`, armTenantPool)) ?? []
    ).map((s) => s.subscriptionId!);
    const armPools = subscriptions.map(() => ({ pausedUntil: 0, retried: 0 }));
    await Promise.all([
      inPool(
        ids.map((id) => `${host.origin}/v1.0/servicePrincipals/${id}/appRoleAssignments`),
        concurrency,
        (url) => readAll(agent, graph, url, graphPool),
      ),
      ...subscriptions.map((subscription, i) =>
        inPool(
          ids.map(
            (id) =>
              `${host.origin}/subscriptions/${subscription}/providers/Microsoft.Authorization/roleAssignments` +
              `?api-version=${ARM_API}&$filter=${encodeURIComponent(`principalId eq '${id}'`)}`,
          ),
          concurrency,
          (url) => readAll(agent, arm, url, armPools[i]!),
        ),
      ),
    ]);
    return {
      wallMs: performance.now() - started,
      concurrency,
      retried: [graphPool, armTenantPool, ...armPools].reduce((sum, p) => sum + p.retried, 0),
    };
  } finally {
    await agent.close();
  }
}
