import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Coverage } from './coverage.ts';

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `id-${from + i}`);
const place = (id: string) => Number(id.slice(3));

/** A coverage on a manual clock whose far end reads `farPerSecond` objects a second. */
function setup(farPerSecond?: number) {
  let now = 0;
  const coverage = new Coverage({
    now: () => now,
    ...(farPerSecond === undefined ? {} : { farRate: () => farPerSecond }),
  });
  return {
    coverage,
    at: (ms: number) => {
      now = ms;
    },
    /** The chain reads its next page of 100 from `start`, claiming what the far end has not. */
    chainPage(start: number) {
      for (const id of ids(start, start + 100)) coverage.claim(id);
      coverage.chainRead(100);
    },
  };
}

test('without a far-end pace, the far end takes from the very back', () => {
  const { coverage } = setup();
  coverage.list(ids(0, 1000));
  assert.deepEqual(coverage.takeFromBack(3), ['id-999', 'id-998', 'id-997']);
});

test('the far end claims nothing before where it and the chain will meet', () => {
  const { coverage, at, chainPage } = setup(1000);
  coverage.list(ids(0, 10_000));
  coverage.completeListing();
  // The chain reads 100 objects every 100 ms: 1,000 a second, as fast as the far end. Taken 1.5 times faster
  // than measured, the chain gets 60 % of the 9,900 left beyond it: they meet at 100 + 5,940.
  at(100);
  chainPage(0);
  assert.equal(Math.round(coverage.meetingPlace()), 6040);
  const taken = coverage.takeFromBack(10_000);
  assert.equal(taken.length, 10_000 - 6040);
  assert.ok(taken.every((id) => place(id) >= 6040));
});

/**
 * A list of 10,000 read from both ends, 100 ms a step: the identity list names 1,000 ids a step, the chain
 * reads a page of 100, the far end claims 100. Returns how many objects the chain passed that the far end had
 * claimed (read twice) and how many the chain read itself.
 */
function simulate(farPerSecond: number | undefined): { twice: number; chainRead: number } {
  const { coverage, at } = setup(farPerSecond);
  coverage.expect(10_000);
  let chainAt = 0;
  let twice = 0;
  for (let step = 1; !coverage.allClaimed && step < 1000; step++) {
    at(step * 100);
    if (step <= 10) coverage.list(ids((step - 1) * 1000, step * 1000));
    if (step === 10) coverage.completeListing();
    for (const id of ids(chainAt, chainAt + 100)) if (!coverage.claim(id)) twice += 1;
    chainAt += 100;
    coverage.chainRead(100);
    coverage.takeFromBack(100);
  }
  return { twice, chainRead: chainAt - twice };
}

test('reading from both ends at their paces, nothing is read twice and the two meet near the middle', () => {
  const paced = simulate(1000);
  assert.ok(paced.twice <= 100, `${paced.twice} objects read twice`);
  // Both read 1,000 a second: they meet about halfway.
  assert.ok(paced.chainRead > 4000 && paced.chainRead < 6000, `the chain read ${paced.chainRead}`);
  // Taking each newly listed page's back end, as the far end did before it knew the meeting place, makes the
  // chain download what the far end has already read.
  assert.ok(simulate(undefined).twice >= 300);
});

test('while the chain has not read a page, the far end takes only the back half of what is listed', () => {
  const { coverage } = setup(1000);
  coverage.list(ids(0, 999));
  const taken = coverage.takeFromBack(2000);
  assert.equal(taken.length, 499);
  assert.equal(Math.min(...taken.map(place)), 500);
});

test("the collection's count places the meeting before the listing has reached it", () => {
  const { coverage, at, chainPage } = setup(1000);
  coverage.expect(100_000);
  coverage.list(ids(0, 2000));
  at(100);
  chainPage(0);
  // Meeting at ~60 % of 100,000: none of the first 2,000 listed is the far end's yet.
  assert.deepEqual(coverage.takeFromBack(15), []);
  coverage.list(ids(2000, 100_000));
  assert.ok(coverage.takeFromBack(15).every((id) => place(id) >= 59_000));
});
