// ARM read throttling on the emulated clock: per-principal buckets, the subscription-wide bucket, refill,
// Retry-After, the remaining-reads headers and the 429 body.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../context.ts';
import { createArmThrottle, DEFAULT_ARM_THROTTLE, throttledBody } from './throttle.ts';

const small = (overrides = {}) => ({
  ...DEFAULT_ARM_THROTTLE,
  subscriptionReads: { capacity: 3, refillPerSecond: 1 },
  tenantReads: { capacity: 2, refillPerSecond: 0.5 },
  globalMultiplier: 2,
  ...overrides,
});
/** A clock that moves only when told, so bucket arithmetic is exact however slow the machine is. */
function createClock(start: number): Clock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}
const sub = (principal: string) => ({ kind: 'subscription' as const, subscriptionId: 'S1', principal });

test('a principal gets its bucket, then 429 with Retry-After until a token refills', () => {
  const clock = createClock(0);
  const throttle = createArmThrottle(small(), clock);
  const remaining = [1, 2, 3].map(() => throttle.take(sub('a')));
  assert.deepEqual(
    remaining.map((d) => d.headers['x-ms-ratelimit-remaining-subscription-reads']),
    ['2', '1', '0'],
  );
  assert.ok(remaining.every((d) => !d.throttled));
  const refused = throttle.take(sub('a'));
  assert.equal(refused.throttled, true);
  assert.equal(refused.retryAfterSeconds, 1);
  // A refused request takes nothing: waiting Retry-After is enough.
  clock.advance(1000);
  assert.equal(throttle.take(sub('a')).throttled, false);
});

test('the subscription-wide bucket stops all principals together', () => {
  const throttle = createArmThrottle(small(), createClock(0));
  // Global = 2 × 3 = 6 tokens: a and b take 3 each, then c is refused though its own bucket is full.
  for (let i = 0; i < 3; i++) {
    assert.equal(throttle.take(sub('a')).throttled, false);
    assert.equal(throttle.take(sub('b')).throttled, false);
  }
  const c = throttle.take(sub('c'));
  assert.equal(c.throttled, true);
  assert.equal(c.headers['x-ms-ratelimit-remaining-subscription-global-reads'], '0');
  assert.equal(c.headers['x-ms-ratelimit-remaining-subscription-reads'], '3');
});

test('tenant reads have their own bucket per principal', () => {
  const clock = createClock(0);
  const throttle = createArmThrottle(small(), clock);
  const t = { kind: 'tenant' as const, tenantId: 'T', principal: 'a' };
  assert.equal(throttle.take(t).headers['x-ms-ratelimit-remaining-tenant-reads'], '1');
  throttle.take(t);
  const refused = throttle.take(t);
  assert.equal(refused.retryAfterSeconds, 2);
  assert.equal(throttle.take(sub('a')).throttled, false, 'subscription reads are separate');
  clock.advance(2000);
  assert.equal(throttle.take(t).throttled, false);
});

test('defaults are facts §9: 250 reads refilled at 25 per second; disabled never throttles', () => {
  const throttle = createArmThrottle(DEFAULT_ARM_THROTTLE, createClock(0));
  const first = throttle.take(sub('a'));
  assert.equal(first.headers['x-ms-ratelimit-remaining-subscription-reads'], '249');
  assert.equal(first.headers['x-ms-ratelimit-remaining-subscription-global-reads'], '3749');
  const off = createArmThrottle({ ...DEFAULT_ARM_THROTTLE, enabled: false }, createClock(0));
  for (let i = 0; i < 1000; i++) assert.equal(off.take(sub('a')).throttled, false);
});

test('the 429 body is ARM’s SubscriptionRequestsThrottled', () => {
  const body = throttledBody(sub('oid-1'), 4);
  assert.equal(body.error.code, 'SubscriptionRequestsThrottled');
  assert.equal(
    body.error.message,
    "Number of 'read' requests for subscription 'S1' actor 'oid-1' exceeded. Please try again after '4' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.",
  );
});
