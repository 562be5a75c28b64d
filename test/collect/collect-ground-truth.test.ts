// The collector against the emulator: the facts it streams, assembled as the store would, equal the
// emulator's ground truth exactly, including objects past Graph's expansion cap.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LENIENT_READINGS } from '../../emulator/graph/readings.ts';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import type { GroundTruth } from '../../emulator/tenant/ground-truth.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import { assemble, expectedInventory, FAST_THROTTLE, scannerTransport } from './helpers.ts';

/** Gives one application and one service principal more owners than Graph expands (20), across pages. */
function addManyOwners(emu: RunningEmulator, count: number): { appId: string; spId: string } {
  const tenant = emu.tenants[0]!;
  const users = [...tenant.users.keys()];
  const app = [...tenant.applications.values()][3]!;
  const sp = [...tenant.servicePrincipals.values()][5]!;
  app.owners = users.slice(0, count).map((id) => ({ id, kind: 'user' as const }));
  sp.owners = users.slice(0, count + 1).map((id) => ({ id, kind: 'user' as const }));
  return { appId: app.object.id!, spId: sp.object.id! };
}

for (const { seed, apps, size } of [
  { seed: 3, apps: 40, size: 'small' as const },
  { seed: 11, apps: 160, size: 'medium' as const },
]) {
  describe(`tenant seed ${seed}, ${apps} apps (${size})`, () => {
    let emu: RunningEmulator;
    let truth: GroundTruth;
    let overflow: { appId: string; spId: string };
    before(async () => {
      // The lenient readings: the plan's best case, whose request counts this file pins down. Every stricter
      // reading is compared with the ground truth in collect-readings.test.ts.
      emu = await startEmulator({
        tenants: [{ seed, apps, size }],
        graph: { throttle: FAST_THROTTLE, readings: LENIENT_READINGS },
      });
      overflow = addManyOwners(emu, 27);
      truth = emu.control.groundTruth(emu.scanner.tenantId);
    });
    after(() => emu.close());

    test('collected facts equal the ground truth', async () => {
      const transport = scannerTransport(emu);
      const facts: IdentityFact[] = [];
      const result = await collectInventory({ transport, onFacts: async (f) => void facts.push(...f) });
      await transport.close();
      const collected = assemble(facts);
      const expected = expectedInventory(truth);
      assert.equal(result.tenantId, truth.tenantId);
      assert.deepEqual([...collected.keys()].sort(), [...expected.keys()].sort());
      for (const [id, identity] of expected) assert.deepEqual(collected.get(id), identity, `identity ${id}`);
      assert.equal(collected.get(overflow.appId)?.owners.length, 27, 'owners beyond the expansion cap');
      assert.equal(collected.get(overflow.spId)?.owners.length, 28);

      const publishers = new Set([...collected.values()].map((i) => i.publisher));
      for (const p of ['own', 'microsoft', 'third-party'] as const)
        assert.ok(publishers.has(p), `some publisher is ${p}`);
      const types = new Set([...collected.values()].map((i) => i.managedIdentityType));
      assert.ok(types.has('system-assigned') && types.has('user-assigned'), 'both managed identity types');
      assert.equal(result.counts.applications, truth.counts.applications);
      assert.equal(result.counts.servicePrincipals, truth.counts.servicePrincipals);
      for (const [type, n] of Object.entries(truth.counts.servicePrincipalsByType)) {
        assert.equal(result.counts[`servicePrincipals.${type}`], n, type);
      }
    });

    test('reads lists and batches, never one request per identity, within the budget', async () => {
      emu.control.resetLog();
      const transport = scannerTransport(emu);
      await collectInventory({ transport, onFacts: async () => {} });
      const stats = transport.stats();
      await transport.close();
      const log = emu.control.requestLog({ appId: emu.scanner.clientId });
      const identities = truth.counts.applications + truth.counts.servicePrincipals;
      assert.ok(stats.requests < identities / 10, `${stats.requests} requests for ${identities} identities`);
      // Only objects whose owners reach Graph's expansion cap of 20 are read one by one, inside $batch;
      // 20 federated credentials are Entra's maximum, so their expanded list is already complete.
      const atCap =
        truth.applications.filter((a) => a.owners.length >= 20).length +
        truth.servicePrincipals.filter((s) => s.owners.length >= 20).length;
      const perObject = log.filter((r) => /\/(applications|servicePrincipals)\/[^/?]+\//.test(r.path));
      assert.equal(perObject.length, atCap);
      assert.equal(perObject.filter((r) => r.path.includes('/federatedIdentityCredentials')).length, 0);
      assert.ok(atCap >= 2);
      assert.equal(stats.throttled, 0, 'the local budget kept every request under the limit');
      assert.equal(log.filter((r) => r.throttled).length, 0);
      // Graph charges a request when it arrives: a chain stopped because its far end read the rest cancels
      // the page it had asked for ahead, which Graph counted and the client never heard of (at most one page
      // of 2 RU for each of the three expanded lists).
      const charged = log.reduce((sum, r) => sum + r.resourceUnits, 0);
      assert.ok(stats.resourceUnits <= charged, `${stats.resourceUnits} counted, ${charged} charged`);
      assert.ok(charged - stats.resourceUnits <= 3 * 2, `${stats.resourceUnits} counted, ${charged} charged`);
    });
  });
}
