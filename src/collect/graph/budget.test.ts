import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGraphBudget } from './budget.ts';
import { createFakeTimer } from './fake-timer.ts';

const ru = (resourceUnits: number, keyCredentials = false) => ({ resourceUnits, keyCredentials });

/** Starts `count` acquisitions and records the fake time at which each was granted. */
function track(acquire: () => Promise<void>, count: number, timer: { now(): number }): number[] {
  const granted: number[] = [];
  for (let i = 0; i < count; i++) void acquire().then(() => granted.push(timer.now()));
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
  await budget.acquire(ru(8));
  void budget.acquire(ru(5)).then(() => order.push('dear'));
  void budget.acquire(ru(1)).then(() => order.push('cheap'));
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
  await budget.acquire(ru(1));
  budget.learn(ru(1), { resourceUnits: 11, limitPercentage: null });
  assert.equal(budget.available(), 89);
  budget.learn(ru(1), { resourceUnits: 1, limitPercentage: 0.9 });
  assert.equal(Math.round(budget.available()), 10, 'the server says 90% is used');
});

test('an aborted wait leaves the queue', async () => {
  const timer = createFakeTimer();
  const budget = createGraphBudget({ resourceUnitsPerWindow: 1, windowMs: 1000, headroom: 0, timer });
  await budget.acquire(ru(1));
  const controller = new AbortController();
  const waiting = budget.acquire(ru(1), controller.signal);
  controller.abort(new Error('stop'));
  await assert.rejects(waiting, /stop/);
  const granted = track(() => budget.acquire(ru(1)), 1, timer);
  await timer.advance(1000);
  assert.deepEqual(granted, [1000]);
});
