// The parallel plan (src/collect/graph/far-end.ts): expanded lists read from both ends, the far end by
// `$filter=id in (…)` groups of 15 in `$batch`. Under every strict reading of Graph and with faults on, the
// inventory still equals the ground truth, every part completes, and the chains stop before their end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type GraphReadings, type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import { assemble, expectedInventory, FAST_THROTTLE, scannerTransport } from './helpers.ts';

const FILTERED_BY_ID = /\$filter=id(%20| )in(%20| )\(/;

const MODES: Array<{ name: string; readings: Partial<GraphReadings>; roles?: string[]; farEnd: string[] }> = [
  {
    name: 'strict (the default)',
    readings: {},
    // Federated credentials are read object by object under this reading: no far end for them.
    farEnd: ['/applications?', '/servicePrincipals?'],
  },
  {
    name: 'federated credentials expanded on beta only',
    readings: { federatedCredentialsExpand: 'beta' },
    farEnd: ['/applications?', '/servicePrincipals?', '/beta/applications?'],
  },
  {
    name: 'least privilege, limited owner information',
    readings: {},
    roles: ['Application.Read.All'],
    farEnd: ['/applications?', '/servicePrincipals?'],
  },
  {
    name: 'lenient',
    readings: {
      nestedExpandOptions: 'allow',
      federatedCredentialsExpand: 'all',
      limitedOwnerInformation: false,
    },
    farEnd: ['/applications?', '/servicePrincipals?'],
  },
];

for (const mode of MODES) {
  describe(`parallel plan, Graph reading: ${mode.name}, faults on`, () => {
    let emu: RunningEmulator;
    before(async () => {
      emu = await startEmulator({
        // Enough objects for chains of several pages of 100, so both ends have work.
        tenants: [{ seed: 9, apps: 700, size: 'large' }],
        graph: {
          throttle: { ...FAST_THROTTLE, budgets: { small: 4000, medium: 4000, large: 4000 } },
          readings: mode.readings,
        },
        faultSeed: 7,
        ...(mode.roles ? { scannerGraphRoles: mode.roles } : {}),
      });
    });
    after(() => emu.close());

    test('equals the ground truth and completes every part, both ends reading', async () => {
      emu.control.injectFaults([
        // Every request takes a little time, so the chains are still reading when the far end starts.
        { latencyMs: 5 },
        { serverErrorRate: 1, maxFaults: 2 },
        { pathContains: '$batch', resetRate: 1, maxFaults: 1 },
        { pathContains: '$batch', truncateRate: 1, maxFaults: 1 },
        {
          serverErrorRate: 0.05,
          resetRate: 0.03,
          truncateRate: 0.03,
          malformedRate: 0.03,
          throttleRate: 0.05,
          throttleRetryAfterSeconds: 0.05,
        },
      ]);
      try {
        const transport = scannerTransport(emu, {
          transport: { retry: { maxAttempts: 15, baseDelayMs: 5, maxDelayMs: 50 } },
        });
        const facts: IdentityFact[] = [];
        const result = await collectInventory({ transport, onFacts: async (f) => void facts.push(...f) });
        await transport.close();
        const expected = expectedInventory(emu.control.groundTruth(emu.scanner.tenantId), {
          usersReadable: !mode.roles,
        });
        const collected = assemble(facts);
        assert.deepEqual([...collected.keys()].sort(), [...expected.keys()].sort());
        for (const [id, identity] of expected)
          assert.deepEqual(collected.get(id), identity, `identity ${id}`);
        assert.ok(result.complete, result.warnings.join('\n'));

        const log = emu.control.requestLog({ appId: emu.scanner.clientId });
        for (const path of mode.farEnd) {
          const reads = log.filter(
            (r) => r.status === 200 && r.path.includes(path) && FILTERED_BY_ID.test(r.path),
          );
          assert.ok(reads.length > 0, `far-end reads of ${path}`);
        }
        // No far-end read named more ids than Graph's default `in` limit, and none was refused.
        assert.deepEqual(
          log.filter((r) => FILTERED_BY_ID.test(r.path) && r.status === 400),
          [],
        );
        // The chain read its share from the front too (where they meet is the coverage tests' concern).
        const chainPages = log.filter(
          (r) =>
            r.status === 200 &&
            /\/servicePrincipals\?\$select=id&\$expand=owners/.test(r.path) &&
            !FILTERED_BY_ID.test(r.path),
        ).length;
        assert.ok(chainPages > 0, 'the owner chain read pages');
      } finally {
        emu.control.clearFaults();
      }
    });
  });
}
