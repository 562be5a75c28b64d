// The fault layer for Graph/ARM requests: decides, per request and from the specs in ctx.faults, whether to
// add latency, answer a 5xx or a forced 429 instead of the handler, or mangle the handler's reply (reset
// mid-body, truncated JSON, slow drip, a collection page without `value`). A seeded generator makes a run's
// faults reproducible.
import type { CallerIdentity, EmulatorContext, FaultSpec } from './context.ts';
import type { EmulatorRequest, EmulatorResponse } from './http.ts';
import { odataError } from './odata-error.ts';

export type BodyFault = 'reset' | 'truncate' | 'drip' | 'malformed';

export interface FaultDecision {
  latencyMs: number;
  /** Further latency per KiB of the reply, added once the handler has answered (its size is known then). */
  latencyPerKbMs: number;
  /** A reply that replaces the handler's (5xx or forced 429). */
  replacement?: EmulatorResponse;
  /** What to do to the handler's reply on the wire. */
  bodyFault?: BodyFault;
  dripBytesPerSecond: number;
  /**
   * Set with 'malformed': only a collection page can lose its `value`, which shows once the handler has
   * answered; the server calls this when it did, so maxFaults counts pages actually mangled.
   */
  applied?: () => void;
}

export interface FaultInjector {
  decide(request: EmulatorRequest): FaultDecision;
  /** Faults injected since start (all specs). */
  injected(): number;
}

/**
 * The handler's collection page without its `value` array: a 200 JSON object holding only
 * `@odata.context`. Undefined when the reply is not a 200 JSON collection, which is then sent as is.
 */
export function malformedPage(status: number, body: Buffer): Buffer | undefined {
  if (status !== 200 || body.length === 0 || body[0] !== 0x7b) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const page = parsed as Record<string, unknown>;
  if (!Array.isArray(page.value)) return undefined;
  const context = page['@odata.context'];
  return Buffer.from(JSON.stringify(context === undefined ? {} : { '@odata.context': context }));
}

/** mulberry32: small, fast and good enough to make fault sequences repeatable from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULT_DRIP_BYTES_PER_SECOND = 1024;
const DEFAULT_THROTTLE_RETRY_AFTER_S = 10;
const SERVICE_UNAVAILABLE_RETRY_AFTER_S = 5;

// Graph's transient failures are mostly 503s, with the gateway and internal errors mixed in.
const SERVER_ERRORS: Array<{ weight: number; status: number; code: string; message: string }> = [
  {
    weight: 0.5,
    status: 503,
    code: 'ServiceUnavailable',
    message: 'Service is temporarily unavailable. Please retry later.',
  },
  { weight: 0.2, status: 500, code: 'InternalServerError', message: 'An internal server error occurred.' },
  { weight: 0.15, status: 502, code: 'BadGateway', message: 'Bad Gateway.' },
  {
    weight: 0.15,
    status: 504,
    code: 'GatewayTimeout',
    message: 'The gateway did not receive a response in time.',
  },
];

function serverError(request: EmulatorRequest, roll: number, now: number): EmulatorResponse {
  let pick = SERVER_ERRORS[0]!;
  let acc = 0;
  for (const candidate of SERVER_ERRORS) {
    acc += candidate.weight;
    pick = candidate;
    if (acc > roll) break;
  }
  const headers: Record<string, string> =
    pick.status === 503 ? { 'retry-after': String(SERVICE_UNAVAILABLE_RETRY_AFTER_S) } : {};
  return odataError(pick.status, pick.code, pick.message, { request, now, headers });
}

/** Graph's 429 (DC concepts/throttling.md), with the x-ms-throttle-* headers of an app+tenant limit. */
export function tooManyRequests(
  request: EmulatorRequest,
  caller: CallerIdentity | undefined,
  retryAfterSeconds: number,
  now: number,
): EmulatorResponse {
  const response = odataError(429, 'TooManyRequests', 'Please retry again later.', {
    request,
    now,
    headers: {
      'retry-after': String(retryAfterSeconds),
      'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${caller?.appId ?? ''}/${caller?.tenantId ?? ''}`,
      'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
    },
  });
  const error = (response.body as { error: { innerError: Record<string, string> } }).error;
  error.innerError = { code: '429', ...error.innerError, message: 'Please retry after', status: '429' };
  return response;
}

export function createFaultInjector(ctx: EmulatorContext, seed = Date.now()): FaultInjector {
  const random = seededRandom(seed);
  const counts = new WeakMap<FaultSpec, number>();
  let total = 0;

  function exhausted(spec: FaultSpec): boolean {
    return spec.maxFaults !== undefined && (counts.get(spec) ?? 0) >= spec.maxFaults;
  }

  function count(spec: FaultSpec): void {
    counts.set(spec, (counts.get(spec) ?? 0) + 1);
    total += 1;
  }

  function decide(request: EmulatorRequest): FaultDecision {
    const decision: FaultDecision = {
      latencyMs: 0,
      latencyPerKbMs: 0,
      dripBytesPerSecond: DEFAULT_DRIP_BYTES_PER_SECOND,
    };
    if (ctx.faults.length === 0) return decision;
    const path = request.url.pathname + request.url.search;
    for (const spec of ctx.faults) {
      if (spec.pathContains && !path.includes(spec.pathContains)) continue;
      if (exhausted(spec)) continue;
      decision.latencyMs += spec.latencyMs ?? 0;
      decision.latencyPerKbMs += spec.latencyPerKbMs ?? 0;
      if (decision.replacement || decision.bodyFault) continue;
      const now = ctx.clock.now();
      if (random() < (spec.throttleRate ?? 0)) {
        const caller = ctx.authenticate(request);
        const identity = 'appId' in caller ? caller : undefined;
        const retryAfter = spec.throttleRetryAfterSeconds ?? DEFAULT_THROTTLE_RETRY_AFTER_S;
        decision.replacement = tooManyRequests(request, identity, retryAfter, now);
      } else if (random() < (spec.serverErrorRate ?? 0)) {
        decision.replacement = serverError(request, random(), now);
      } else if (random() < (spec.resetRate ?? 0)) {
        decision.bodyFault = 'reset';
      } else if (random() < (spec.truncateRate ?? 0)) {
        decision.bodyFault = 'truncate';
      } else if (random() < (spec.dripRate ?? 0)) {
        decision.bodyFault = 'drip';
        decision.dripBytesPerSecond = spec.dripBytesPerSecond ?? DEFAULT_DRIP_BYTES_PER_SECOND;
      } else if (spec.malformedRate && random() < spec.malformedRate) {
        // Rolled only when set, so seeded runs without it keep the fault sequence they had before.
        decision.bodyFault = 'malformed';
        decision.applied = () => count(spec);
        continue;
      } else {
        continue;
      }
      count(spec);
    }
    return decision;
  }

  return { decide, injected: () => total };
}
