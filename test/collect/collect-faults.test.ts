// Faults do not change what a scan finds: 5xx, resets, truncated bodies, a 429 storm and token expiry
// mid-scan are retried or refreshed until the result equals the fault-free one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import type { TransportEvent } from '../../src/collect/graph/transport.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import { assemble, FAST_THROTTLE, scannerTransport } from './helpers.ts';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({
    tenants: [{ seed: 5, apps: 120 }],
    graph: { throttle: FAST_THROTTLE },
    faultSeed: 42,
  });
});
after(() => emu.close());

async function scan(onFirstPage?: () => void) {
  const events: TransportEvent[] = [];
  const transport = scannerTransport(emu, {
    transport: { onEvent: (e) => events.push(e), retry: { maxAttempts: 15, baseDelayMs: 5, maxDelayMs: 50 } },
  });
  const facts: IdentityFact[] = [];
  let first = true;
  const result = await collectInventory({
    transport,
    onFacts: async (f) => {
      if (first) onFirstPage?.();
      first = false;
      facts.push(...f);
    },
  });
  await transport.close();
  return { inventory: assemble(facts), result, stats: transport.stats(), events };
}

test('a scan under faults finds exactly what a fault-free scan finds', async () => {
  const clean = await scan();
  assert.equal(clean.stats.retries, 0);

  emu.control.injectFaults([
    // A deterministic share of each fault first, so every kind is certainly exercised ...
    { throttleRate: 1, throttleRetryAfterSeconds: 0.05, maxFaults: 3 },
    { serverErrorRate: 1, maxFaults: 2 },
    { resetRate: 1, maxFaults: 2 },
    { truncateRate: 1, maxFaults: 2 },
    // ... then random faults for the rest of the scan.
    {
      serverErrorRate: 0.1,
      resetRate: 0.05,
      truncateRate: 0.05,
      throttleRate: 0.1,
      throttleRetryAfterSeconds: 0.05,
    },
  ]);
  try {
    const faulty = await scan(() => emu.control.expireAllTokens());
    assert.deepEqual(faulty.inventory, clean.inventory);
    assert.deepEqual(faulty.result.counts, clean.result.counts);
    assert.ok(faulty.stats.throttled >= 3, `throttled ${faulty.stats.throttled}`);
    const reasons = new Set(faulty.events.filter((e) => e.type === 'retry').map((e) => e.reason));
    assert.deepEqual([...reasons].sort(), ['reauthenticated', 'throttled', 'transient']);
    assert.ok(faulty.events.some((e) => e.type === 'token' && e.reason === 'challenge'));
  } finally {
    emu.control.clearFaults();
  }
});
