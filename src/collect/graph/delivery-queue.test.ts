import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IdentityFact } from '../../core/facts.ts';
import { createDeliveryQueue } from './delivery-queue.ts';

const fact = (objectId: string): IdentityFact => ({ aspect: 'owners', objectId, owners: [] });

test('stores one page at a time, identity pages before the others waiting', async () => {
  const stored: string[] = [];
  let inside = 0;
  const queue = createDeliveryQueue(async (facts) => {
    inside += 1;
    assert.equal(inside, 1, 'never called concurrently');
    await new Promise((r) => setTimeout(r, 5));
    const first = facts[0]!;
    stored.push(first.aspect === 'identity' ? first.identity.objectId : first.objectId);
    inside -= 1;
  });
  const all = [
    queue.deliver([fact('far-1')], false),
    queue.deliver([fact('far-2')], false),
    queue.deliver([fact('identity')], true),
  ];
  await Promise.all(all);
  assert.deepEqual(stored, ['far-1', 'identity', 'far-2']);
  assert.equal(await queue.drained(), null);
});

test("the store's first error rejects what waits and what comes after", async () => {
  const queue = createDeliveryQueue(async () => {
    throw new Error('disk full');
  });
  const first = queue.deliver([fact('a')], false);
  const second = queue.deliver([fact('b')], false);
  await assert.rejects(first, /disk full/);
  await assert.rejects(second, /disk full/);
  await assert.rejects(queue.deliver([fact('c')], true), /disk full/);
  assert.match(String((await queue.drained())?.error), /disk full/);
});
