// The local budget mirrors Graph's: with a quota far below what the scan needs, the scan waits for the
// bucket to refill instead of drawing a single 429 (default headroom, many requests in flight).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import { scannerTransport } from './helpers.ts';

const QUOTA = 4;
const WINDOW_MS = 1000;

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({
    tenants: [{ seed: 9, apps: 60, size: 'small' }],
    graph: { throttle: { windowMs: WINDOW_MS, budgets: { small: QUOTA } } },
  });
});
after(() => emu.close());

test('a scan needing several windows of quota is paced without a 429', async () => {
  const transport = scannerTransport(emu, {
    transport: {
      budget: { resourceUnitsPerWindow: QUOTA, windowMs: WINDOW_MS },
      maxInFlight: 8,
    },
  });
  const result = await collectInventory({ transport, onFacts: async () => {} });
  const stats = transport.stats();
  await transport.close();
  const log = emu.control.requestLog({ appId: emu.scanner.clientId });
  const charged = log.reduce((sum, r) => sum + r.resourceUnits, 0);
  assert.ok(charged > 2 * QUOTA, `the scan needs ${charged} RU, more than two windows of ${QUOTA}`);
  assert.equal(log.filter((r) => r.throttled).length, 0, 'Graph never throttled');
  assert.equal(stats.throttled, 0);
  const truth = emu.control.groundTruth(emu.scanner.tenantId);
  assert.equal(result.counts.applications, truth.counts.applications);
  assert.equal(result.counts.servicePrincipals, truth.counts.servicePrincipals);
});

test('two scans of one tenant and app in one process share its budget: still no 429', async () => {
  const quota = 20;
  const shared = await startEmulator({
    tenants: [{ seed: 9, apps: 60, size: 'small' }],
    graph: { throttle: { windowMs: WINDOW_MS, budgets: { small: quota } } },
  });
  const key = `${shared.scanner.tenantId}/${shared.scanner.clientId}`;
  const scan = async () => {
    const transport = scannerTransport(shared, {
      transport: { budget: { resourceUnitsPerWindow: quota, windowMs: WINDOW_MS, key }, maxInFlight: 8 },
    });
    try {
      await collectInventory({ transport, onFacts: async () => {} });
    } finally {
      await transport.close();
    }
  };
  try {
    // Each with a budget of its own, the two would spend Graph's quota twice over and draw 429s.
    await Promise.all([scan(), scan()]);
    const log = shared.control.requestLog({ appId: shared.scanner.clientId });
    assert.ok(log.reduce((sum, r) => sum + r.resourceUnits, 0) > 4 * quota, 'several windows of quota');
    assert.equal(log.filter((r) => r.throttled).length, 0, 'one shared budget keeps both under the quota');
  } finally {
    await shared.close();
  }
});
