// Graph's throttling for the directory (facts §1): a resource-unit token bucket per app+tenant sized by
// tenant size, the 150-per-minute-per-tenant limit on reads that select keyCredentials, and the reports
// limit of 5 requests per 10 s per app+tenant. Time comes from the emulator clock.
//
// Throttled requests still cost (Graph "keeps logging resource usage while a client is throttled"): the
// bucket goes into debt, down to one full window, so a client that ignores Retry-After stays throttled
// longer, and one that honours it gets through on its first retry.
import type { Clock } from '../context.ts';
import type { TenantSize } from '../tenant/model.ts';

export interface ThrottleOptions {
  enabled: boolean;
  /** RU window, ms (Graph: 10 s). */
  windowMs: number;
  /** RU per window per app+tenant by tenant size (Graph: 3,500 / 5,000 / 8,000). */
  budgets: Record<TenantSize, number>;
  keyCredentialsPerWindow: number;
  keyCredentialsWindowMs: number;
  reportsPerWindow: number;
  reportsWindowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  enabled: true,
  windowMs: 10_000,
  budgets: { small: 3_500, medium: 5_000, large: 8_000 },
  keyCredentialsPerWindow: 150,
  keyCredentialsWindowMs: 60_000,
  reportsPerWindow: 5,
  reportsWindowMs: 10_000,
};

export interface ThrottleRequest {
  tenantId: string;
  appId: string;
  size: TenantSize;
  resourceUnits: number;
  /** A list/get of applications or servicePrincipals whose `$select` names keyCredentials. */
  selectsKeyCredentials: boolean;
  /** Under auditLogs/ or reports/: the reports limit applies instead of RU. */
  reports: boolean;
}

export interface ThrottleDecision {
  throttled: boolean;
  /** Whole seconds (Graph may send fractions; clients must accept both). */
  retryAfterSeconds: number;
  scope: string | null;
  information: string | null;
  /** Share of the RU budget in use; Graph sends it only above 0.8, capped at 1.8. */
  limitPercentage: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface Throttle {
  check(request: ThrottleRequest): ThrottleDecision;
}

export function createThrottle(options: ThrottleOptions, clock: Clock): Throttle {
  const buckets = new Map<string, Bucket>();

  /** Takes `cost` from a bucket; returns ms to wait before a retry can pass, 0 when admitted. */
  const take = (
    key: string,
    capacity: number,
    windowMs: number,
    cost: number,
  ): { waitMs: number; used: number } => {
    const now = clock.now();
    const rate = capacity / windowMs;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { tokens: capacity, at: now };
      buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { waitMs: 0, used: (capacity - bucket.tokens) / capacity };
    }
    bucket.tokens = Math.max(bucket.tokens - cost, -capacity);
    return { waitMs: (cost - bucket.tokens) / rate, used: (capacity - bucket.tokens) / capacity };
  };

  const decision = (waitMs: number, scope: string, used: number): ThrottleDecision => ({
    throttled: waitMs > 0,
    retryAfterSeconds: waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : 0,
    scope: waitMs > 0 ? scope : null,
    information: waitMs > 0 ? 'ResourceUnitLimitExceeded' : null,
    limitPercentage: Math.min(1.8, used),
  });

  return {
    check(request) {
      if (!options.enabled) return decision(0, '', 0);
      const { tenantId, appId } = request;
      if (request.reports) {
        const r = take(`reports|${tenantId}|${appId}`, options.reportsPerWindow, options.reportsWindowMs, 1);
        return decision(r.waitMs, `Tenant_Application/Read/${appId}/${tenantId}`, r.used);
      }
      const budget = options.budgets[request.size];
      const ru = take(`ru|${tenantId}|${appId}`, budget, options.windowMs, request.resourceUnits);
      let result = decision(ru.waitMs, `Tenant_Application/ReadWrite/${appId}/${tenantId}`, ru.used);
      if (request.selectsKeyCredentials) {
        const keys = take(
          `keys|${tenantId}`,
          options.keyCredentialsPerWindow,
          options.keyCredentialsWindowMs,
          1,
        );
        if (keys.waitMs > ru.waitMs) {
          result = {
            ...decision(keys.waitMs, `Tenant/Read/${appId}/${tenantId}`, keys.used),
            limitPercentage: result.limitPercentage,
          };
        }
      }
      return result;
    },
  };
}
