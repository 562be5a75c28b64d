import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpstreamFailed } from '../../core/errors.ts';
import {
  backoffDelay,
  createRetryPolicy,
  RetryableFailure,
  resolveRetrySettings,
  withRetries,
} from './retry.ts';

const settings = resolveRetrySettings({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 });
const failure = (kind: RetryableFailure['kind'], retryAfterMs: number | null = null) =>
  new RetryableFailure(
    kind,
    new UpstreamFailed('Graph failed GET /v1.0/applications (HTTP 503)'),
    retryAfterMs,
  );

test('backs off exponentially with full jitter, capped', () => {
  assert.equal(
    backoffDelay(1, settings, failure('transient'), () => 1),
    100,
  );
  assert.equal(
    backoffDelay(3, settings, failure('transient'), () => 1),
    400,
  );
  assert.equal(
    backoffDelay(9, settings, failure('transient'), () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(3, settings, failure('transient'), () => 0.5),
    200,
  );
  assert.equal(
    backoffDelay(3, settings, failure('transient'), () => 0),
    0,
  );
});

test('waits at least a 5xx Retry-After, within the cap; a 429 waits in the budget instead', () => {
  assert.equal(
    backoffDelay(1, settings, failure('transient', 800), () => 0),
    800,
  );
  assert.equal(
    backoffDelay(1, settings, failure('transient', 5000), () => 0),
    1000,
  );
  assert.equal(
    backoffDelay(5, settings, failure('throttled', 5000), () => 1),
    0,
  );
  assert.equal(
    backoffDelay(1, settings, failure('reauthenticated'), () => 1),
    0,
  );
});

test('retries transient failures a bounded number of times, then throws the named error', async () => {
  const policy = createRetryPolicy({ ...settings, baseDelayMs: 1, maxDelayMs: 1 });
  let calls = 0;
  await assert.rejects(
    withRetries(policy, async () => {
      calls++;
      throw failure('transient');
    }),
    (error: unknown) => error instanceof UpstreamFailed,
  );
  assert.equal(calls, 4);
  calls = 0;
  const value = await withRetries(policy, async (attempt) => {
    calls++;
    if (attempt < 2) throw failure('transient');
    return 'ok';
  });
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
});

test('does not retry errors that are not retryable', async () => {
  const policy = createRetryPolicy(settings);
  let calls = 0;
  await assert.rejects(
    withRetries(policy, async () => {
      calls++;
      throw new TypeError('bug');
    }),
    TypeError,
  );
  assert.equal(calls, 1);
});
