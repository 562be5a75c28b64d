// The emulated Azure Resource Manager: subscriptions, management groups, Azure RBAC and user-assigned
// identities under `/subscriptions` and `/providers`, answering for the tenant of the caller's token. The token
// must be for ARM (or the emulator's own origin, the custom-cloud audience); a Graph token gets ARM's 401
// InvalidAuthenticationTokenAudience from ctx.authenticate. Read-only; every request is throttled and logged.
import { randomUUID } from 'node:crypto';
import type { CallerIdentity, EmulatorContext } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse, Handler } from '../http.ts';
import type { ArmAccess } from './access.ts';
import { ArmError, armErrors } from './errors.ts';
import type { ArmState } from './model.ts';
import { createArmPager } from './paging.ts';
import { indexState, type StateIndex } from './read-context.ts';
import { matchArmRoute } from './routes.ts';
import { serve } from './serve.ts';
import {
  type ArmThrottleOptions,
  createArmThrottle,
  DEFAULT_ARM_THROTTLE,
  type ThrottleScope,
  throttledBody,
} from './throttle.ts';

export { type ArmAccess, createArmAccess } from './access.ts';
export { armSeed, DEFAULT_SUBSCRIPTIONS, type GenerateArmOptions, generateArmState } from './generate.ts';
export { type ArmGroundTruth, armGroundTruth } from './ground-truth.ts';
export type { ArmState } from './model.ts';
export { type ArmThrottleOptions, DEFAULT_ARM_THROTTLE } from './throttle.ts';

export interface ArmHandlerOptions {
  /** ARM state of each tenant; a tenant without one has no subscriptions. */
  states: readonly ArmState[];
  /** Which subscriptions callers may read (createArmAccess); default: all. */
  access?: ArmAccess;
  /** Overrides of ARM's read limits (tests shrink them, benchmarks turn them off). */
  throttle?: Partial<ArmThrottleOptions>;
  /** Items per page of every list (default 100; `$top` overrides it where ARM takes `$top`). */
  pageSize?: number;
  /** Called with a handler exception before it becomes a 500 (default: console.error). */
  onInternalError?: (error: unknown) => void;
}

/** What startEmulator takes: generation of each tenant's ARM plus the handler's switches. */
export interface ArmOptions extends Omit<ArmHandlerOptions, 'states' | 'access'> {
  /** Subscriptions per tenant (default 3; those the tenant's managed identities name are always kept). */
  subscriptions?: number;
  /** Subscriptions no caller may read: ids, or a count N meaning the last N of every tenant. Default none. */
  deniedSubscriptions?: number | string[];
}

const ARM_PATH = /^\/(subscriptions|providers)(\/|$)/i;
const JSON_TYPE = 'application/json; charset=utf-8';

function isCaller(auth: CallerIdentity | EmulatorResponse): auth is CallerIdentity {
  return typeof (auth as CallerIdentity).appId === 'string';
}

/** The token's `oid` (already verified by ctx.authenticate): ARM names principals by object id. */
function objectIdOf(request: EmulatorRequest): string | undefined {
  const payload = /^Bearer\s+([^.\s]+)\.([^.\s]+)\./i.exec(request.headers.authorization ?? '')?.[2];
  try {
    const oid = payload
      ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown }).oid
      : undefined;
    return typeof oid === 'string' ? oid : undefined;
  } catch {
    return undefined;
  }
}

export function createArmHandler(ctx: EmulatorContext, options: ArmHandlerOptions): Handler {
  const throttle = createArmThrottle({ ...DEFAULT_ARM_THROTTLE, ...options.throttle }, ctx.clock);
  const pager = createArmPager();
  const indexes = new Map<string, StateIndex>(options.states.map((s) => [s.tenantId, indexState(s)]));
  const pageSizeDefault = Math.max(1, options.pageSize ?? 100);
  const access = options.access;
  const onInternalError =
    options.onInternalError ?? ((e) => console.error('arm emulator: internal error', e));
  const allReadable: ArmAccess = {
    denied: new Set(),
    deny: () => {},
    allow: () => {},
    canReadSubscription: () => true,
    canReadManagementGroups: () => true,
  };

  const indexFor = (tenantId: string): StateIndex => {
    let index = indexes.get(tenantId);
    if (!index) {
      const empty: ArmState = {
        tenantId,
        managementGroups: [{ name: tenantId, displayName: 'Tenant Root Group', parent: null }],
        subscriptions: [],
        resourceGroups: [],
        roleDefinitions: [],
        roleAssignments: [],
        userAssignedIdentities: [],
        resources: [],
      };
      index = indexState(empty);
      indexes.set(tenantId, index);
    }
    return index;
  };

  return async (request) => {
    const { pathname } = request.url;
    if (!ARM_PATH.test(pathname)) return undefined;
    const time = ctx.clock.now();
    const requestId = randomUUID();
    const headers: Record<string, string> = {
      'content-type': JSON_TYPE,
      'cache-control': 'no-cache',
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': request.headers['x-ms-correlation-request-id'] ?? requestId,
    };
    const auth = ctx.authenticate(request);
    const caller = isCaller(auth) ? auth : null;
    let status = 200;
    let body: unknown;
    let objects = 0;
    let throttled = false;
    if (!caller) {
      status = (auth as EmulatorResponse).status;
    } else {
      const objectId = objectIdOf(request) ?? caller.appId;
      try {
        const segments = pathname
          .split('/')
          .filter((s) => s.length > 0)
          .map(decodeSegment);
        const scope: ThrottleScope =
          segments[0]?.toLowerCase() === 'subscriptions' && segments[1] !== undefined
            ? { kind: 'subscription', subscriptionId: segments[1], principal: objectId }
            : { kind: 'tenant', tenantId: caller.tenantId, principal: objectId };
        const decision = throttle.take(scope);
        Object.assign(headers, decision.headers);
        if (decision.throttled) {
          throttled = true;
          status = 429;
          headers['retry-after'] = String(decision.retryAfterSeconds);
          body = throttledBody(scope, decision.retryAfterSeconds);
        } else {
          if (request.method.toUpperCase() !== 'GET') throw armErrors.methodNotAllowed(request.method);
          if (!request.url.searchParams.get('api-version')) throw armErrors.missingApiVersion();
          const route = matchArmRoute(segments);
          if (!route) throw armErrors.unknownPath(pathname);
          const served = serve(
            {
              index: indexFor(caller.tenantId),
              url: request.url,
              access: access ?? allReadable,
              pager,
              pageSize: pageSizeDefault,
              caller: { appId: caller.appId, objectId },
            },
            route,
          );
          body = served.body;
          objects = served.objects;
        }
      } catch (error) {
        if (!(error instanceof ArmError)) onInternalError(error);
        const armError = error instanceof ArmError ? error : armErrors.internal();
        status = armError.status;
        body = armError.body();
        Object.assign(headers, armError.headers);
      }
    }
    const payload = caller ? Buffer.from(JSON.stringify(body)) : undefined;
    ctx.requests.push({
      time,
      method: request.method,
      path: pathname + request.url.search,
      status,
      appId: caller?.appId ?? null,
      tenantId: caller?.tenantId ?? null,
      resourceUnits: 0,
      throttled,
      objects,
      bytes: payload?.length ?? 0,
    });
    return payload ? { status, headers, body: payload } : (auth as EmulatorResponse);
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw armErrors.unknownPath(segment);
  }
}
