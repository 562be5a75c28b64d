import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoff, DeliveryFailed, MAX_RETRY_AFTER_MS, parseRetryAfter, retryDelay } from './sink.ts';

const opts = { baseMs: 100, maxMs: 10_000 };

test('backoff is full jitter: random × min(max, base × 2^(attempt-1)), floored', () => {
  assert.equal(
    backoff(1, opts, () => 0.5),
    50,
  );
  assert.equal(
    backoff(2, opts, () => 0.5),
    100,
  );
  assert.equal(
    backoff(3, opts, () => 0.999),
    399,
  );
  assert.equal(
    backoff(4, opts, () => 0),
    0,
  );
  // Capped at maxMs however many attempts failed, even past where 2^n overflows.
  assert.equal(
    backoff(20, opts, () => 0.5),
    5000,
  );
  assert.equal(
    backoff(5000, opts, () => 0.5),
    5000,
  );
});

test('backoff treats odd attempts and random values safely', () => {
  assert.equal(
    backoff(0, opts, () => 0.5),
    50,
  );
  assert.equal(
    backoff(-3, opts, () => 0.5),
    50,
  );
  assert.equal(
    backoff(Number.NaN, opts, () => 0.5),
    50,
  );
  assert.equal(
    backoff(2.7, opts, () => 0.5),
    100,
  );
  assert.equal(
    backoff(3, opts, () => 1),
    0,
    'a random source out of [0,1) counts as 0',
  );
  assert.equal(
    backoff(3, opts, () => Number.NaN),
    0,
  );
  assert.throws(() => backoff(1, { baseMs: -1, maxMs: 10 }), RangeError);
});

test('backoff spreads: many draws fall across the whole window, never beyond it', () => {
  let seed = 42;
  const lcg = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const draws = Array.from({ length: 2000 }, () => backoff(5, opts, lcg));
  assert.ok(draws.every((d) => d >= 0 && d < 1600));
  assert.ok(Math.min(...draws) < 100 && Math.max(...draws) > 1500);
});

test('retryDelay waits at least what Retry-After asked for', () => {
  const throttled = new DeliveryFailed('busy', { retryable: true, retryAfterMs: 30_000 });
  assert.equal(
    retryDelay(throttled, 1, opts, () => 0.5),
    30_000,
  );
  const plain = new DeliveryFailed('down', { retryable: true });
  assert.equal(
    retryDelay(plain, 2, opts, () => 0.5),
    100,
  );
  assert.equal(
    retryDelay(new Error('x'), 2, opts, () => 0.5),
    100,
  );
});

test('parseRetryAfter reads delay-seconds and HTTP-dates', () => {
  const now = Date.parse('2026-11-01T00:00:00Z');
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Sun, 01 Nov 2026 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Sat, 31 Oct 2026 00:00:00 GMT', now), 0, 'a date in the past: no wait');
  assert.equal(parseRetryAfter('99999999', now), MAX_RETRY_AFTER_MS);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter('-5', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal(parseRetryAfter('', now), undefined);
});

test('DeliveryFailed carries its classification and a LanyardError code', () => {
  const e = new DeliveryFailed('x', { retryable: false, status: 403, code: 'LANYARD_AUTH_FAILED' });
  assert.equal(e.retryable, false);
  assert.equal(e.status, 403);
  assert.equal(e.code, 'LANYARD_AUTH_FAILED');
  assert.equal(e.name, 'DeliveryFailed');
  assert.deepEqual(e.delivered, []);
  assert.equal(new DeliveryFailed('y', { retryable: true }).code, 'LANYARD_UNREACHABLE');
});
