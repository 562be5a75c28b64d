// JSON `$batch` (facts §4): up to 20 requests with unique ids and relative urls, each dispatched through the
// same routing, throttling and permission steps as a top-level call. A throttled item is a 429 with its own
// Retry-After while the batch is 200; an item whose dependency failed is a 424; a malformed batch is a 400.
import type { CallerIdentity } from '../context.ts';
import type { TenantState } from '../tenant/model.ts';
import { dispatch, type GraphRuntime, type Outcome, type SubRequest } from './dispatch.ts';
import { errorBody, GraphError, graphErrors, type RequestIds } from './errors.ts';
import type { GraphVersion } from './schema.ts';

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  body: unknown;
  dependsOn: string[];
}

export interface BatchItemRecord {
  method: string;
  path: string;
  outcome: Outcome;
  bytes: number;
}

/** Item response headers as Graph spells them inside a batch. */
const HEADER_CASE: Record<string, string> = {
  'content-type': 'Content-Type',
  'retry-after': 'Retry-After',
  'cache-control': 'Cache-Control',
};

function parseItems(body: Buffer, limit: number): BatchItem[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw graphErrors.invalidJson();
  }
  const requests = (parsed as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw graphErrors.badRequest("The batch request body must hold a non-empty 'requests' array.");
  }
  // Unconfirmed wording: no source quotes Graph's message for a batch over the limit.
  if (requests.length > limit) {
    throw graphErrors.badRequest(`Number of requests in the batch exceeds the limit of ${limit}.`);
  }
  const items = requests.map((raw: Record<string, unknown>): BatchItem => {
    const { id, method, url, headers, body, dependsOn } = raw ?? {};
    if (typeof id !== 'string' || id === '' || typeof method !== 'string' || typeof url !== 'string') {
      throw graphErrors.badRequest("Each batch request needs a string 'id', 'method' and 'url'.");
    }
    if (
      dependsOn !== undefined &&
      (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string'))
    ) {
      throw graphErrors.badRequest(`'dependsOn' of request '${id}' must be an array of request ids.`);
    }
    const lowered: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries((headers ?? {}) as Record<string, unknown>))
      lowered[k.toLowerCase()] = String(v);
    return {
      id,
      method: method.toUpperCase(),
      url,
      headers: lowered,
      body,
      dependsOn: (dependsOn as string[]) ?? [],
    };
  });
  const ids = new Set<string>();
  for (const item of items) {
    const key = item.id.toLowerCase();
    if (ids.has(key))
      throw graphErrors.badRequest(`Batch request ids must be unique: '${item.id}' appears twice.`);
    ids.add(key);
  }
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (!ids.has(dep.toLowerCase())) {
        throw graphErrors.badRequest(`Request '${item.id}' depends on '${dep}', which is not in the batch.`);
      }
    }
  }
  return items;
}

/** Orders items so each runs after what it depends on; a cycle is a malformed batch. */
function executionOrder(items: BatchItem[]): BatchItem[] {
  const byId = new Map(items.map((i) => [i.id.toLowerCase(), i]));
  const state = new Map<BatchItem, 'visiting' | 'done'>();
  const order: BatchItem[] = [];
  const visit = (item: BatchItem) => {
    const s = state.get(item);
    if (s === 'done') return;
    if (s === 'visiting')
      throw graphErrors.badRequest(`The dependsOn chain of request '${item.id}' forms a cycle.`);
    state.set(item, 'visiting');
    for (const dep of item.dependsOn) visit(byId.get(dep.toLowerCase())!);
    state.set(item, 'done');
    order.push(item);
  };
  for (const item of items) visit(item);
  return order;
}

function itemBody(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

export interface BatchRun {
  /** The whole batch response, already serialised. */
  text: string;
  items: BatchItemRecord[];
}

export function runBatch(
  rt: GraphRuntime,
  caller: CallerIdentity,
  tenant: TenantState,
  outer: { origin: string; version: GraphVersion; body: Buffer; ids: RequestIds },
): BatchRun {
  const items = parseItems(outer.body, rt.limits.batchLimit);
  const order = executionOrder(items);
  const status = new Map<string, number>();
  const texts = new Map<BatchItem, string>();
  const records: BatchItemRecord[] = [];
  for (const item of order) {
    const relative = item.url.replace(/^\/+/, '');
    const path = `/${outer.version}/${relative}`;
    let outcome: Outcome;
    if (item.dependsOn.some((d) => (status.get(d.toLowerCase()) ?? 0) >= 400)) {
      // Unconfirmed body: the docs give only the 424 status for a failed dependency.
      const error = new GraphError(424, 'FailedDependency', 'The request depends on a request that failed.');
      outcome = failedItem(error, outer.ids, 0);
    } else if (/^[a-z]+:/i.test(item.url)) {
      outcome = failedItem(
        graphErrors.badRequest('Batch request urls must be relative to the version root.'),
        outer.ids,
        0,
      );
    } else if (item.body != null && !item.headers['content-type']) {
      outcome = failedItem(
        graphErrors.badRequest('A request with a body needs a Content-Type header.'),
        outer.ids,
        0,
      );
    } else {
      const request: SubRequest = {
        method: item.method,
        version: outer.version,
        url: new URL(path, outer.origin),
        headers: item.headers,
        body: itemBody(item.body),
      };
      outcome = dispatch(rt, caller, tenant, request, outer.ids);
    }
    status.set(item.id.toLowerCase(), outcome.status);
    const text = serialiseItem(item.id, outcome);
    texts.set(item, text);
    records.push({ method: item.method, path, outcome, bytes: Buffer.byteLength(text) });
  }
  return { text: `{"responses":[${items.map((i) => texts.get(i)).join(',')}]}`, items: records };
}

function failedItem(error: GraphError, ids: RequestIds, resourceUnits: number): Outcome {
  return {
    status: error.status,
    headers: {},
    body: errorBody(error.code, error.message, ids),
    contentType: 'application/json',
    objects: 0,
    resourceUnits,
    throttled: false,
  };
}

function serialiseItem(id: string, outcome: Outcome): string {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(outcome.headers)) headers[HEADER_CASE[k] ?? k] = v;
  headers['Content-Type'] = outcome.contentType;
  // Non-JSON bodies travel base64-encoded in a JSON batch (OData JSON batch format).
  const body =
    typeof outcome.body === 'string' && !outcome.contentType.startsWith('application/json')
      ? JSON.stringify(Buffer.from(outcome.body).toString('base64'))
      : JSON.stringify(outcome.body);
  return `{"id":${JSON.stringify(id)},"status":${outcome.status},"headers":${JSON.stringify(headers)},"body":${body}}`;
}
