import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BudgetLease, createGraphBudget, throttleScope } from './budget.ts';
import { createFakeTimer } from './fake-timer.ts';

const ru = (resourceUnits: number, keyCredentials = false) => ({ resourceUnits, keyCredentials });

/** Starts `count` acquisitions, records when each was granted and releases it at once (instant replies). */
function track(acquire: () => Promise<BudgetLease>, count: number, timer: { now(): number }): number[] {
  const granted: number[] = [];
  for (let i = 0; i < count; i++) {
    void acquire().then((lease) => {
      granted.push(timer.now());
      lease.release();
    });
  }
  return granted;
}

test('spends the full budget at once, then paces at the refill rate', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 100, windowMs: 1000, headroom: 0, timer });
  const granted = track(() => budget.acquire(ru(1)), 103, timer);
  await timer.advance(0);
  assert.equal(granted.length, 100);
  await timer.advance(10);
  assert.equal(granted.length, 101, 'one RU refills every 10 ms');
  await timer.advance(20);
  assert.deepEqual(granted.slice(100), [10, 20, 30]);
});

test('keeps the headroom unspent', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 100, windowMs: 1000, timer });
  const granted = track(() => budget.acquire(ru(1)), 100, timer);
  await timer.advance(0);
  assert.equal(granted.length, 90);
});

test('serves waiters in order: a dear request is not overtaken by cheap ones', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 10, windowMs: 1000, headroom: 0, timer });
  const order: string[] = [];
  (await budget.acquire(ru(8))).release();
  void budget.acquire(ru(5)).then((l) => {
    order.push('dear');
    l.release();
  });
  void budget.acquire(ru(1)).then((l) => {
    order.push('cheap');
    l.release();
  });
  await timer.advance(299);
  assert.deepEqual(order, []);
  await timer.advance(1);
  assert.deepEqual(order, ['dear']);
  await timer.advance(100);
  assert.deepEqual(order, ['dear', 'cheap']);
});

test('a pause (Retry-After) holds every request, including ones already waiting', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 100, windowMs: 1000, headroom: 0, timer });
  budget.pause(2500);
  const granted = track(() => budget.acquire(ru(1)), 3, timer);
  await timer.advance(2499);
  assert.equal(granted.length, 0);
  await timer.advance(1);
  assert.deepEqual(granted, [2500, 2500, 2500]);
});

test('limits $select=keyCredentials requests per minute without holding other requests', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 5000, windowMs: 10_000, headroom: 0, timer });
  const keyed = track(() => budget.acquire(ru(1, true)), 152, timer);
  const plain = track(() => budget.acquire(ru(1)), 10, timer);
  await timer.advance(0);
  assert.equal(keyed.length, 150);
  assert.equal(plain.length, 10);
  await timer.advance(400);
  assert.equal(keyed.length, 151, 'one more every 60 s / 150');
});

test('learns the real charge from x-ms-resource-unit and x-ms-throttle-limit-percentage', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 100, windowMs: 1000, headroom: 0, timer });
  (await budget.acquire(ru(1))).release();
  budget.learn(ru(1), { resourceUnits: 11, limitPercentage: null });
  assert.equal(budget.available(), 89);
  budget.learn(ru(1), { resourceUnits: 1, limitPercentage: 0.9 });
  assert.equal(Math.round(budget.available()), 10, 'the server says 90% is used');
});

test('an aborted wait leaves the queue', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 1, windowMs: 1000, headroom: 0, timer });
  (await budget.acquire(ru(1))).release();
  const controller = new AbortController();
  const waiting = budget.acquire(ru(1), controller.signal);
  controller.abort(new Error('stop'));
  await assert.rejects(waiting, /stop/);
  const granted = track(() => budget.acquire(ru(1)), 1, timer);
  await timer.advance(1000);
  assert.deepEqual(granted, [1000]);
});

test('does not refill what requests still in flight hold, so no burst follows a slow reply', async () => {
  // Graph counts a request when it arrives: until then its bucket holds those units and is at its cap.
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 10, windowMs: 1000, headroom: 0, timer });
  const slow = await budget.acquire(ru(6));
  await timer.advance(1000);
  assert.equal(budget.available(), 4, 'no refill above capacity minus what is in flight');
  const granted = track(() => budget.acquire(ru(5)), 1, timer);
  await timer.advance(1000);
  assert.deepEqual(granted, [], 'waits for the slow request rather than for the clock');
  slow.release();
  await timer.advance(99);
  assert.deepEqual(granted, [], 'refill resumes from the reply on, not from the send');
  await timer.advance(1);
  assert.deepEqual(granted, [2100]);
});

test('a background request waits behind every other for resource units, whenever they arrived', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 10, windowMs: 1000, headroom: 0, timer });
  const order: string[] = [];
  const take = (name: string, units: number, background: boolean) =>
    void budget.acquire(ru(units), undefined, background).then((lease) => {
      order.push(name);
      lease.release();
    });
  take('fill', 10, false);
  await timer.advance(0);
  // The bucket is empty: a background batch queued first, then two chain pages.
  take('far end', 5, true);
  take('chain 1', 1, false);
  take('chain 2', 1, false);
  await timer.advance(1000);
  assert.deepEqual(order, ['fill', 'chain 1', 'chain 2', 'far end']);
});

test('x-ms-throttle-scope names the limit a 429 was for', () => {
  assert.equal(throttleScope('Application/ReadWrite/9a3d526c/0785ef7c'), 'application');
  assert.equal(throttleScope('Tenant_Application/ReadWrite/9a3d526c/0785ef7c'), 'tenant');
  assert.equal(throttleScope('Tenant/Read/0785ef7c'), 'tenant');
  assert.equal(throttleScope(undefined), 'tenant');
});
