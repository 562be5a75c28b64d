// The emulated Microsoft Graph directory (v1.0 and beta): routes, OData query options, paging, `$batch`,
// permissions and throttling, answering for the tenant of the caller's token. Returns undefined for
// paths that are not Graph's so the server can try its other handlers.
import { randomUUID } from 'node:crypto';
import type { CallerIdentity, EmulatorContext } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse, Handler } from '../http.ts';
import { runBatch } from './batch.ts';
import { dispatch, errorOutcome, type GraphRuntime, JSON_CONTENT_TYPE, type Outcome } from './dispatch.ts';
import { GraphError, graphErrors, type RequestIds } from './errors.ts';
import { createPager } from './paging.ts';
import { DEFAULT_LIMITS, type GraphLimits } from './read-context.ts';
import { type GraphReadings, resolveReadings } from './readings.ts';
import type { GraphVersion } from './schema.ts';
import { createThrottle, DEFAULT_THROTTLE, type ThrottleOptions } from './throttle.ts';

export type { GraphLimits } from './read-context.ts';
export {
  describeReadings,
  type GraphReadings,
  LENIENT_READINGS,
  parseReadingList,
  resolveReadings,
  STRICT_READINGS,
} from './readings.ts';
export { DEFAULT_THROTTLE, type ThrottleOptions } from './throttle.ts';

export interface GraphOptions {
  /** Overrides of Graph's throttling parameters (tests shrink windows, benchmarks turn it off). */
  throttle?: Partial<Omit<ThrottleOptions, 'budgets'>> & { budgets?: Partial<ThrottleOptions['budgets']> };
  limits?: Partial<GraphLimits>;
  /** Disputed Graph behaviours (facts §13); each unset switch takes its stricter reading. */
  readings?: Partial<GraphReadings>;
  /** Called with a handler exception before it becomes a 500 (default: console.error). */
  onInternalError?: (error: unknown) => void;
}

const GRAPH_PATH = /^\/(v1\.0|beta)(\/.*)?$/;

function isCaller(auth: CallerIdentity | EmulatorResponse): auth is CallerIdentity {
  return typeof (auth as CallerIdentity).appId === 'string' && Array.isArray((auth as CallerIdentity).roles);
}

export function createGraphHandler(ctx: EmulatorContext, options: GraphOptions = {}): Handler {
  const throttleOptions: ThrottleOptions = {
    ...DEFAULT_THROTTLE,
    ...options.throttle,
    budgets: { ...DEFAULT_THROTTLE.budgets, ...options.throttle?.budgets },
  };
  const rt: GraphRuntime = {
    throttle: createThrottle(throttleOptions, ctx.clock),
    pager: createPager(),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    readings: resolveReadings(options.readings),
    clock: ctx.clock,
    signIns: ctx.signIns,
    onInternalError:
      options.onInternalError ?? ((error) => console.error('graph emulator: internal error', error)),
  };

  const record = (
    request: { method: string; path: string },
    caller: CallerIdentity | null,
    outcome: Pick<Outcome, 'status' | 'resourceUnits' | 'throttled' | 'objects'>,
    bytes: number,
    time: number,
  ) => {
    ctx.requests.push({
      time,
      method: request.method,
      path: request.path,
      status: outcome.status,
      appId: caller?.appId ?? null,
      tenantId: caller?.tenantId ?? null,
      resourceUnits: outcome.resourceUnits,
      throttled: outcome.throttled,
      objects: outcome.objects,
      bytes,
    });
  };

  return async (request: EmulatorRequest) => {
    const match = GRAPH_PATH.exec(request.url.pathname);
    if (!match) return undefined;
    const version = match[1] as GraphVersion;
    const time = ctx.clock.now();
    const requestId = randomUUID();
    const ids: RequestIds = {
      requestId,
      clientRequestId: request.headers['client-request-id'] ?? requestId,
      time,
    };
    const path = request.url.pathname + request.url.search;
    const method = request.method.toUpperCase();
    let caller: CallerIdentity | null = null;
    let outcome: Outcome;
    let text: string | null = null;
    try {
      const auth = ctx.authenticate(request);
      if (!isCaller(auth)) {
        record(
          { method, path },
          null,
          { status: auth.status, resourceUnits: 0, throttled: false, objects: 0 },
          0,
          time,
        );
        return auth;
      }
      caller = auth;
      const tenant = ctx.tenants.get(caller.tenantId);
      if (!tenant) {
        throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
      }
      if (/^\/\$batch\/?$/i.test(match[2] ?? '') && method === 'POST') {
        const batch = runBatch(rt, caller, tenant, {
          origin: request.url.origin,
          version,
          body: request.body,
          ids,
        });
        for (const item of batch.items) record(item, caller, item.outcome, item.bytes, time);
        const ru = batch.items.reduce((sum, i) => sum + i.outcome.resourceUnits, 0);
        // The items carry the RU in the log; the batch record carries 0 so sums are not doubled.
        outcome = {
          status: 200,
          headers: { 'x-ms-resource-unit': String(ru) },
          body: null,
          contentType: JSON_CONTENT_TYPE,
          objects: 0,
          resourceUnits: 0,
          throttled: false,
        };
        text = batch.text;
      } else {
        outcome = dispatch(
          rt,
          caller,
          tenant,
          { method, version, url: request.url, headers: request.headers, body: request.body },
          ids,
        );
      }
    } catch (error) {
      if (!(error instanceof GraphError)) rt.onInternalError(error);
      outcome = errorOutcome(error instanceof GraphError ? error : graphErrors.internal(), ids, 0);
    }
    text ??= typeof outcome.body === 'string' ? outcome.body : JSON.stringify(outcome.body);
    // Encoded once here: the server writes a Buffer as is, and the log needs its length anyway.
    const payload = Buffer.from(text);
    record({ method, path }, caller, outcome, payload.length, time);
    return {
      status: outcome.status,
      headers: {
        ...outcome.headers,
        'content-type': outcome.contentType,
        'cache-control': 'no-cache',
        'odata-version': '4.0',
        'request-id': requestId,
        'client-request-id': ids.clientRequestId,
      },
      body: payload,
    };
  };
}
