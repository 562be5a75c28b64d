// The collector under every reading of Graph's disputed behaviours (reference/microsoft-cloud-facts.md §13):
// whatever the emulator refuses, the collected inventory equals the ground truth, and the plan degrades
// only as far as that Graph needs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type GraphReadings, type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import { assemble, expectedInventory, FAST_THROTTLE, scannerTransport } from './helpers.ts';

const MODES: Array<{
  name: string;
  readings: Partial<GraphReadings>;
  roles?: string[];
  plan: Record<string, string>;
}> = [
  {
    name: 'strict (the default)',
    readings: {},
    plan: {
      'application-owners': 'plain-expand',
      'service-principal-owners': 'plain-expand',
      'application-federated-credentials': 'per-object',
    },
  },
  {
    name: 'nested $select allowed, federated credentials expanded on beta only',
    readings: { nestedExpandOptions: 'allow', federatedCredentialsExpand: 'beta' },
    plan: { 'application-federated-credentials': 'beta-expand' },
  },
  {
    name: 'lenient',
    readings: {
      nestedExpandOptions: 'allow',
      federatedCredentialsExpand: 'all',
      limitedOwnerInformation: false,
    },
    plan: {},
  },
  {
    name: 'least privilege: Application.Read.All only, limited owner information',
    readings: {},
    roles: ['Application.Read.All'],
    plan: {
      'application-owners': 'plain-expand',
      'service-principal-owners': 'plain-expand',
      'application-federated-credentials': 'per-object',
    },
  },
];

for (const mode of MODES) {
  describe(`Graph reading: ${mode.name}`, () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await startEmulator({
        tenants: [{ seed: 5, apps: 60, size: 'small' }],
        graph: { throttle: FAST_THROTTLE, readings: mode.readings },
        ...(mode.roles ? { scannerGraphRoles: mode.roles } : {}),
      });
    });
    after(() => emu.close());

    test('the collected inventory equals the ground truth; the plan is remembered and reused', async () => {
      const leastPrivilege = Boolean(mode.roles);
      const transport = scannerTransport(emu);
      const facts: IdentityFact[] = [];
      const result = await collectInventory({ transport, onFacts: async (f) => void facts.push(...f) });
      await transport.close();
      const expected = expectedInventory(emu.control.groundTruth(emu.scanner.tenantId), {
        usersReadable: !leastPrivilege,
      });
      const collected = assemble(facts);
      assert.deepEqual([...collected.keys()].sort(), [...expected.keys()].sort());
      for (const [id, identity] of expected) assert.deepEqual(collected.get(id), identity, `identity ${id}`);
      assert.ok(result.complete);
      assert.deepEqual(result.plan, mode.plan);
      const unreadable = result.warnings.filter((w) => /came back with their id only/.test(w));
      assert.equal(unreadable.length, leastPrivilege ? 1 : 0, result.warnings.join('\n'));

      // A rescan with the remembered plan sends no query this Graph refuses.
      emu.control.resetLog();
      const again = scannerTransport(emu);
      const second = await collectInventory({ transport: again, plan: result.plan, onFacts: async () => {} });
      await again.close();
      assert.deepEqual(second.plan, mode.plan);
      const refused = emu.control.requestLog({ appId: emu.scanner.clientId }).filter((r) => r.status === 400);
      assert.deepEqual(refused, []);
    });
  });
}
