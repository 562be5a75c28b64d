// The emulator's control surface for tests, benchmarks and the demo: faults, the clock, token expiry, the
// request and sign-in logs, ground truth and client registration; in process and over HTTP under /_emulator/.
import { timingSafeEqual } from 'node:crypto';
import type { EmulatorContext, FaultSpec, RequestRecord, SignInRecord } from './context.ts';
import type { GraphReadings } from './graph/readings.ts';
import { type EmulatorRequest, type EmulatorResponse, type Handler, json } from './http.ts';
import { expireDeltaTokens, resetDeltaSync } from './tenant/changes.ts';
import { applyChurn, type ChurnSummary } from './tenant/churn.ts';
import type { TenantState } from './tenant/model.ts';

export interface UsageTotals {
  requests: number;
  resourceUnits: number;
  throttled: number;
  objects: number;
}

export interface UsageSummary extends UsageTotals {
  /** Keyed by appId; requests without a valid token are under "anonymous". */
  byApp: Record<string, UsageTotals>;
}

export interface ControlDeps<GroundTruth, AppSpec, AppResult> {
  ctx: EmulatorContext;
  expireAllTokens(): void;
  /** Absent when the emulator runs without Graph (runtime tests). */
  graphReadings?: () => GraphReadings;
  groundTruth(tenant: TenantState): GroundTruth;
  /** `now` defaults to the emulated clock. */
  addClientApplication(tenant: TenantState, spec: AppSpec & { now: number }): AppResult;
}

export interface EmulatorControl<GroundTruth = unknown, AppSpec = unknown, AppResult = unknown> {
  context: EmulatorContext;
  injectFaults(spec: FaultSpec | FaultSpec[]): void;
  clearFaults(): void;
  advanceClock(ms: number): void;
  expireAllTokens(): void;
  /** The Graph readings of disputed behaviours this emulator was started with; undefined without Graph. */
  graphReadings(): GraphReadings | undefined;
  requestLog(filter?: { appId?: string }): RequestRecord[];
  summary(): UsageSummary;
  resetLog(): void;
  signIns(): SignInRecord[];
  groundTruth(tenantId: string): GroundTruth;
  addClientApplication(tenantId: string, spec: AppSpec & { now?: number }): AppResult;
  /** Every delta token issued so far (of one tenant, or all) answers as expired (graph/delta.ts). */
  expireDeltaTokens(tenantId?: string): void;
  /** Every delta token issued so far answers 410 Gone with a Location to start over: a forced resync. */
  resetDeltaSync(tenantId?: string): void;
  /** Changes `share` of the tenant's own applications through the mutation helpers (tenant/churn.ts). */
  applyChurn(tenantId: string, options: { share: number; seed?: number }): ChurnSummary;
}

const ANONYMOUS = 'anonymous';

function emptyTotals(): UsageTotals {
  return { requests: 0, resourceUnits: 0, throttled: 0, objects: 0 };
}

function add(totals: UsageTotals, r: RequestRecord): void {
  totals.requests += 1;
  totals.resourceUnits += r.resourceUnits;
  totals.throttled += r.throttled ? 1 : 0;
  totals.objects += r.objects;
}

export function createControl<G, S, R>(deps: ControlDeps<G, S, R>): EmulatorControl<G, S, R> {
  const { ctx } = deps;
  const tenant = (id: string): TenantState => {
    const found = ctx.tenants.get(id);
    if (!found) throw new RangeError(`no emulated tenant ${id}`);
    return found;
  };
  return {
    context: ctx,
    injectFaults(spec) {
      ctx.faults.push(...(Array.isArray(spec) ? spec : [spec]));
    },
    clearFaults() {
      ctx.faults.length = 0;
    },
    advanceClock: (ms) => ctx.clock.advance(ms),
    expireAllTokens: deps.expireAllTokens,
    graphReadings: () => deps.graphReadings?.(),
    requestLog(filter = {}) {
      return filter.appId === undefined
        ? [...ctx.requests]
        : ctx.requests.filter((r) => r.appId === filter.appId);
    },
    summary() {
      const summary: UsageSummary = { ...emptyTotals(), byApp: {} };
      for (const r of ctx.requests) {
        add(summary, r);
        const key = r.appId ?? ANONYMOUS;
        summary.byApp[key] ??= emptyTotals();
        add(summary.byApp[key], r);
      }
      return summary;
    },
    resetLog() {
      ctx.requests.length = 0;
      ctx.signIns.length = 0;
    },
    signIns: () => [...ctx.signIns],
    groundTruth: (tenantId) => deps.groundTruth(tenant(tenantId)),
    addClientApplication: (tenantId, spec) =>
      deps.addClientApplication(tenant(tenantId), { ...spec, now: spec.now ?? ctx.clock.now() }),
    expireDeltaTokens(tenantId) {
      for (const t of tenantId ? [tenant(tenantId)] : ctx.tenants.values()) expireDeltaTokens(t);
    },
    resetDeltaSync(tenantId) {
      for (const t of tenantId ? [tenant(tenantId)] : ctx.tenants.values()) resetDeltaSync(t);
    },
    applyChurn: (tenantId, options) => applyChurn(tenant(tenantId), { ...options, now: ctx.clock.now() }),
  };
}

function keyMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseJson(request: EmulatorRequest): unknown {
  if (request.body.length === 0) return {};
  return JSON.parse(request.body.toString('utf8'));
}

const NUMERIC_FAULT_FIELDS = new Set([
  'latencyMs',
  'latencyPerKbMs',
  'serverErrorRate',
  'resetRate',
  'truncateRate',
  'dripRate',
  'dripBytesPerSecond',
  'throttleRate',
  'throttleRetryAfterSeconds',
  'malformedRate',
  'maxFaults',
]);

/** Checks a fault spec from the wire: known fields only, numbers where numbers go. */
export function parseFaultSpecs(value: unknown): FaultSpec[] {
  const specs = Array.isArray(value) ? value : [value];
  return specs.map((spec) => {
    if (typeof spec !== 'object' || spec === null) throw new TypeError('A fault spec must be a JSON object.');
    for (const [key, field] of Object.entries(spec)) {
      if (key === 'pathContains' && typeof field === 'string') continue;
      if (!NUMERIC_FAULT_FIELDS.has(key)) throw new TypeError(`Unknown fault field "${key}".`);
      if (typeof field !== 'number' || !Number.isFinite(field) || field < 0) {
        throw new TypeError(`Fault field "${key}" must be a non-negative number.`);
      }
    }
    return spec as FaultSpec;
  });
}

const problem = (status: number, code: string, message: string): EmulatorResponse =>
  json(status, { error: { code, message } });

/** JSON over HTTP under /_emulator/, every call requiring the `x-emulator-admin-key` header. */
export function createControlHandler<G, S, R>(control: EmulatorControl<G, S, R>, adminKey: string): Handler {
  const ctx = control.context;
  return async (request) => {
    const path = request.url.pathname.replace(/\/+$/, '');
    if (!path.startsWith('/_emulator/')) return undefined;
    if (!keyMatches(request.headers['x-emulator-admin-key'], adminKey)) {
      return problem(401, 'Unauthorized', 'The x-emulator-admin-key header is missing or wrong.');
    }
    const route = `${request.method} ${path.slice('/_emulator'.length)}`;
    try {
      switch (route) {
        case 'GET /summary':
          return json(200, control.summary());
        case 'GET /requests':
          return json(200, control.requestLog({ appId: request.url.searchParams.get('appId') ?? undefined }));
        case 'DELETE /requests':
          control.resetLog();
          return json(204, undefined);
        case 'GET /sign-ins':
          return json(200, control.signIns());
        case 'GET /faults':
          return json(200, ctx.faults);
        case 'POST /faults':
          control.injectFaults(parseFaultSpecs(parseJson(request)));
          return json(200, ctx.faults);
        case 'DELETE /faults':
          control.clearFaults();
          return json(204, undefined);
        case 'GET /clock':
          return json(200, { now: ctx.clock.now(), iso: new Date(ctx.clock.now()).toISOString() });
        case 'POST /clock/advance': {
          const { ms } = parseJson(request) as { ms?: unknown };
          if (typeof ms !== 'number') return problem(400, 'BadRequest', 'Body must be {"ms": <number>}.');
          control.advanceClock(ms);
          return json(200, { now: ctx.clock.now(), iso: new Date(ctx.clock.now()).toISOString() });
        }
        case 'GET /graph/readings': {
          const readings = control.graphReadings();
          if (readings) return json(200, readings);
          break;
        }
        case 'POST /tokens/expire':
          control.expireAllTokens();
          return json(204, undefined);
        case 'POST /graph/delta/expire':
        case 'POST /graph/delta/reset': {
          const { tenantId } = parseJson(request) as { tenantId?: unknown };
          if (tenantId !== undefined && typeof tenantId !== 'string')
            return problem(400, 'BadRequest', 'Body must be {} or {"tenantId": "<id>"}.');
          if (route.endsWith('expire')) control.expireDeltaTokens(tenantId);
          else control.resetDeltaSync(tenantId);
          return json(204, undefined);
        }
        case 'GET /tenants':
          return json(
            200,
            [...ctx.tenants.values()].map((t) => ({
              id: t.id,
              displayName: t.displayName,
              defaultDomain: t.defaultDomain,
            })),
          );
      }
      const tenantRoute = /^(GET|POST) \/tenants\/([^/]+)\/(ground-truth|applications|churn)$/.exec(route);
      if (tenantRoute) {
        const [, method, tenantId, what] = tenantRoute as unknown as [string, string, string, string];
        if (!ctx.tenants.has(tenantId)) return problem(404, 'NotFound', `No emulated tenant ${tenantId}.`);
        if (method === 'GET' && what === 'ground-truth') return json(200, control.groundTruth(tenantId));
        if (method === 'POST' && what === 'churn') {
          const { share, seed } = parseJson(request) as { share?: unknown; seed?: unknown };
          if (typeof share !== 'number' || (seed !== undefined && typeof seed !== 'number'))
            return problem(400, 'BadRequest', 'Body must be {"share": <0–1>, "seed"?: <number>}.');
          return json(200, control.applyChurn(tenantId, { share, ...(seed !== undefined ? { seed } : {}) }));
        }
        if (method === 'POST' && what === 'applications') {
          return json(
            201,
            control.addClientApplication(tenantId, parseJson(request) as S & { now?: number }),
          );
        }
      }
      return problem(404, 'NotFound', `No emulator endpoint ${route}.`);
    } catch (error) {
      if (error instanceof SyntaxError) return problem(400, 'BadRequest', 'The body is not valid JSON.');
      return problem(400, 'BadRequest', (error as Error).message);
    }
  };
}
