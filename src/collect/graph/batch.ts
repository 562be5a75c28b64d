// JSON $batch for reads: 20 requests per call, each item judged on its own (Graph throttles and fails items
// individually inside a 200 batch), throttled and failed items retried in a later batch (facts §4). The
// rounds run under the transport's one retry policy (cockatiel): same attempts, backoff and 429 handling.
import type { RetryPolicy } from 'cockatiel';
import { AuthFailed } from '../../core/errors.ts';
import { type BudgetLease, type GraphBudget, throttleScope } from './budget.ts';
import { estimateCost, type RequestCost } from './cost.ts';
import { judgeResponse, normaliseGraphError } from './graph-errors.ts';
import { RetryableFailure, withRetries } from './retry.ts';
import type { TokenSource } from './token-source.ts';
import type { RequestOptions, TransportEvent, TransportStats } from './transport-types.ts';

/** Graph's limit of requests per $batch. */
export const BATCH_LIMIT = 20;

export interface BatchRequest {
  /** Unique within the call; defaults to the position. */
  id?: string;
  /** Relative to the version, e.g. `/applications/{id}/owners?$select=id`. */
  url: string;
}

export interface BatchResponse<T = unknown> {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: T;
}

interface WireItem {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface BatchDeps {
  url: string;
  options: RequestOptions;
  /** The transport's retry policy, without its per-request retry counting: items are counted here. */
  policy: RetryPolicy;
  post(body: unknown, cost: RequestCost): Promise<{ responses?: WireItem[] }>;
  budget: GraphBudget;
  tokens: TokenSource;
  counters: TransportStats;
  emit(event: TransportEvent): void;
}

export async function runBatch<T>(requests: BatchRequest[], deps: BatchDeps): Promise<BatchResponse<T>[]> {
  const items = requests.map((r, i) => ({
    id: r.id ?? String(i),
    url: r.url.startsWith('/') ? r.url : `/${r.url}`,
  }));
  if (new Set(items.map((i) => i.id)).size !== items.length)
    throw new Error('batch request ids must be unique');
  // Graph charges each item on its own: a batch costing more than a full bucket would only draw 429s for the
  // items past it, so small budgets get smaller batches.
  const perItem = Math.max(1, ...items.map((i) => estimateCost('GET', i.url).resourceUnits));
  const size = Math.max(1, Math.min(BATCH_LIMIT, Math.floor(deps.budget.capacity / perItem)));
  const chunks: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  const answered = new Map<string, BatchResponse<T>>();
  await Promise.all(chunks.map((chunk) => runChunk(chunk, deps, answered)));
  return items.map((i) => answered.get(i.id)!);
}

async function runChunk<T>(
  chunk: { id: string; url: string }[],
  deps: BatchDeps,
  answered: Map<string, BatchResponse<T>>,
): Promise<void> {
  let todo = chunk;
  let reauthenticated = false;
  await withRetries(
    deps.policy,
    async () => {
      const costs = todo.map((item) => estimateCost('GET', item.url));
      // Each item counts against the keyCredentials limit on its own; the RU of all items go in one take.
      const keyLeases: BudgetLease[] = [];
      const resourceUnits = costs.reduce((sum, c) => sum + c.resourceUnits, 0);
      const token = await deps.tokens.current();
      let reply: { responses?: WireItem[] };
      try {
        for (const cost of costs) {
          if (cost.keyCredentials) {
            keyLeases.push(
              await deps.budget.acquire({ resourceUnits: 0, keyCredentials: true }, deps.options.signal),
            );
          }
        }
        reply = await deps.post(
          { requests: todo.map((i) => ({ id: i.id, method: 'GET', url: i.url })) },
          { resourceUnits, keyCredentials: false },
        );
      } finally {
        for (const lease of keyLeases) lease.release();
      }
      deps.counters.batchedRequests += todo.length;
      const byId = new Map((reply.responses ?? []).map((r) => [String(r.id), r]));
      const again: typeof todo = [];
      let retry: RetryableFailure | null = null;
      // What Graph charged for the items (x-ms-resource-unit of each, else our estimate).
      let charged = 0;
      for (const item of todo) {
        const wire = byId.get(item.id);
        const headers = lowerCase(wire?.headers ?? {});
        const units = Number(headers['x-ms-resource-unit']);
        charged += Number.isFinite(units) && units > 0 ? units : estimateCost('GET', item.url).resourceUnits;
        const status = wire?.status ?? 500;
        const context = { method: 'GET', path: item.url.split('?')[0]!, permission: deps.options.permission };
        const bodyText = JSON.stringify(wire?.body ?? null);
        const verdict = judgeResponse(status, headers);
        if (verdict.kind === 'ok' || status === 404) {
          answered.set(item.id, { id: item.id, status, headers, body: wire!.body as T });
          continue;
        }
        if (verdict.kind === 'fail') throw normaliseGraphError(status, bodyText, context);
        if (verdict.kind === 'reauthenticate') {
          if (reauthenticated) throw normaliseGraphError(401, bodyText, context);
          reauthenticated = true;
          deps.emit({ type: 'token', reason: 'challenge' });
          await deps.tokens.refresh(token.generation, verdict.claims);
          retry ??= new RetryableFailure(
            'reauthenticated',
            new AuthFailed('Graph rejected the refreshed token'),
          );
        } else if (verdict.kind === 'throttled') {
          deps.counters.throttled += 1;
          const wait = verdict.retryAfterMs ?? 1000;
          // The budget holds every request for the Retry-After, so the next round waits on it, not here.
          deps.budget.pause(wait, throttleScope(headers['x-ms-throttle-scope']));
          deps.emit({ type: 'throttled', method: 'GET', path: context.path, retryAfterMs: wait });
          retry = new RetryableFailure('throttled', normaliseGraphError(429, bodyText, context));
        } else {
          // A transient item failure backs off, whatever else the round saw.
          retry = new RetryableFailure('transient', normaliseGraphError(status, bodyText, context));
        }
        again.push(item);
      }
      deps.counters.resourceUnits += charged;
      deps.budget.learn(
        { resourceUnits, keyCredentials: false },
        { resourceUnits: charged, limitPercentage: null },
      );
      if (!retry) return;
      deps.counters.retries += again.length;
      todo = again;
      throw retry;
    },
    deps.options.signal,
  );
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
