// ARM's read throttling, new model (facts §9): token buckets of 250 refilled at 25 per second, per
// subscription per principal and per tenant per principal, plus a subscription-wide bucket 15 times larger for
// all principals together. A refused request takes no token (the message says to wait "until additional
// tokens are available"), unlike Graph, whose throttled requests still cost. Time comes from the emulator clock.
import type { Clock } from '../context.ts';

export interface BucketSize {
  capacity: number;
  refillPerSecond: number;
}

export interface ArmThrottleOptions {
  enabled: boolean;
  subscriptionReads: BucketSize;
  tenantReads: BucketSize;
  /** The subscription-wide bucket is this many times the per-principal one. */
  globalMultiplier: number;
}

export const DEFAULT_ARM_THROTTLE: ArmThrottleOptions = {
  enabled: true,
  subscriptionReads: { capacity: 250, refillPerSecond: 25 },
  tenantReads: { capacity: 250, refillPerSecond: 25 },
  globalMultiplier: 15,
};

export type ThrottleScope =
  | { kind: 'subscription'; subscriptionId: string; principal: string }
  | { kind: 'tenant'; tenantId: string; principal: string };

export interface ArmThrottleDecision {
  throttled: boolean;
  retryAfterSeconds: number;
  /** `x-ms-ratelimit-remaining-*` headers, sent on every answer. */
  headers: Record<string, string>;
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface ArmThrottle {
  take(scope: ThrottleScope): ArmThrottleDecision;
}

export function createArmThrottle(options: ArmThrottleOptions, clock: Clock): ArmThrottle {
  const buckets = new Map<string, Bucket>();
  const refill = (key: string, size: BucketSize): Bucket => {
    const now = clock.now();
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { tokens: size.capacity, at: now };
      buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(
      size.capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * size.refillPerSecond,
    );
    bucket.at = now;
    return bucket;
  };
  const waitSeconds = (bucket: Bucket, size: BucketSize) =>
    bucket.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / size.refillPerSecond));

  return {
    take(scope) {
      if (!options.enabled) return { throttled: false, retryAfterSeconds: 0, headers: {} };
      if (scope.kind === 'tenant') {
        const size = options.tenantReads;
        const bucket = refill(`t|${scope.tenantId}|${scope.principal}`.toLowerCase(), size);
        const wait = waitSeconds(bucket, size);
        if (wait === 0) bucket.tokens -= 1;
        const headers = { 'x-ms-ratelimit-remaining-tenant-reads': String(Math.floor(bucket.tokens)) };
        return { throttled: wait > 0, retryAfterSeconds: wait, headers };
      }
      const own = options.subscriptionReads;
      const global: BucketSize = {
        capacity: own.capacity * options.globalMultiplier,
        refillPerSecond: own.refillPerSecond * options.globalMultiplier,
      };
      const mine = refill(`s|${scope.subscriptionId}|${scope.principal}`.toLowerCase(), own);
      const all = refill(`g|${scope.subscriptionId}`.toLowerCase(), global);
      const wait = Math.max(waitSeconds(mine, own), waitSeconds(all, global));
      if (wait === 0) {
        mine.tokens -= 1;
        all.tokens -= 1;
      }
      const headers = {
        'x-ms-ratelimit-remaining-subscription-reads': String(Math.floor(Math.max(0, mine.tokens))),
        'x-ms-ratelimit-remaining-subscription-global-reads': String(Math.floor(Math.max(0, all.tokens))),
      };
      return { throttled: wait > 0, retryAfterSeconds: wait, headers };
    },
  };
}

/**
 * The 429 ARM answers: `SubscriptionRequestsThrottled` with this message is quoted from a 2025 report
 * (velero-io/velero issue 9171); the tenant form is ours, built the same way (UNCONFIRMED).
 */
export function throttledBody(scope: ThrottleScope, retryAfterSeconds: number) {
  const [code, what, id] =
    scope.kind === 'subscription'
      ? ['SubscriptionRequestsThrottled', 'subscription', scope.subscriptionId]
      : ['TenantRequestsThrottled', 'tenant', scope.tenantId];
  return {
    error: {
      code,
      message: `Number of 'read' requests for ${what} '${id}' actor '${scope.principal}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
    },
  };
}
