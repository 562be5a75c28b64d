import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom, isoMillis, isoSeconds } from './random.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('the same seed gives the same stream, another seed a different one', () => {
  const draw = (seed: number) => {
    const r = createRandom(seed);
    return [r.u32(), r.int(1, 6), r.uuid(), r.bytes(7).toString('hex'), r.pick(['a', 'b', 'c'])];
  };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
});

test('uuid is v4-shaped and does not repeat', () => {
  const r = createRandom(1);
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const id = r.uuid();
    assert.match(id, UUID_V4);
    seen.add(id);
  }
  assert.equal(seen.size, 5000);
});

test('int stays within its inclusive bounds and reaches both ends', () => {
  const r = createRandom(3);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = r.int(2, 5);
    assert.ok(v >= 2 && v <= 5);
    seen.add(v);
  }
  assert.deepEqual([...seen].sort(), [2, 3, 4, 5]);
});

test('sample returns distinct indices in range, capped at n', () => {
  const r = createRandom(4);
  const s = r.sample(10, 6);
  assert.equal(new Set(s).size, 6);
  assert.ok(s.every((i) => i >= 0 && i < 10));
  assert.equal(r.sample(3, 10).length, 3);
});

test('weighted follows its weights and never picks a zero weight', () => {
  const r = createRandom(5);
  const hits = [0, 0, 0];
  for (let i = 0; i < 10_000; i++) hits[r.weighted([1, 0, 3])]! += 1;
  assert.equal(hits[1], 0);
  assert.ok(Math.abs(hits[2]! / 10_000 - 0.75) < 0.03);
});

test('iso formatting matches Date#toISOString, with and without milliseconds', () => {
  const r = createRandom(6);
  const cases = [
    0,
    Date.UTC(2000, 1, 29, 12, 0, 0, 5),
    Date.UTC(2299, 11, 31, 23, 59, 59),
    Date.UTC(2124, 0, 1),
  ];
  for (let i = 0; i < 2000; i++) cases.push(r.timeBetween(0, Date.UTC(2300, 0, 1)) + r.int(0, 999));
  for (const ms of cases) {
    const expected = new Date(ms).toISOString();
    assert.equal(isoMillis(ms), expected);
    assert.equal(isoSeconds(ms), `${expected.slice(0, 19)}Z`);
  }
});
