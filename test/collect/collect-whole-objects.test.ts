// The service-principal list reads whole objects when the identity lists would need more pages that select
// keyCredentials than Graph's limit lets through at once (150 a minute per tenant, facts §1.2): decided from the
// collections' `$count` on the first page, before any of it is used, so nothing is counted twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import { assemble, expectedInventory, FAST_THROTTLE, scannerTransport } from './helpers.ts';

const SELECTED_SP_PAGE = /^\/v1\.0\/servicePrincipals\?\$select=id,appId,[^&]*keyCredentials/;
const WHOLE_SP_PAGE = /^\/v1\.0\/servicePrincipals\?\$top=999/;

describe('service principals as whole objects', () => {
  let emu: RunningEmulator;
  before(async () => {
    // 801 applications (1 page of 999) and 1,136 service principals (2 pages): 3 pages that select keyCredentials.
    emu = await startEmulator({
      tenants: [{ seed: 5, apps: 800, size: 'large' }],
      graph: { throttle: FAST_THROTTLE },
    });
  });
  after(() => emu.close());

  async function collect(keyCredentialPagesAtOnce: number) {
    emu.control.resetLog();
    const transport = scannerTransport(emu);
    const facts: IdentityFact[] = [];
    const result = await collectInventory({
      transport,
      onFacts: async (f) => void facts.push(...f),
      keyCredentialPagesAtOnce,
    });
    await transport.close();
    const log = emu.control.requestLog({ appId: emu.scanner.clientId }).filter((r) => r.status === 200);
    return { facts, result, log };
  }

  test('past the limit: the first page selected, then whole objects; the inventory equals the ground truth', async () => {
    const { facts, result, log } = await collect(2);
    const truth = emu.control.groundTruth(emu.scanner.tenantId);
    // The first page, and the next one the transport had already asked for while the first was handled.
    assert.ok(log.filter((r) => SELECTED_SP_PAGE.test(r.path)).length <= 2);
    assert.ok(log.filter((r) => WHOLE_SP_PAGE.test(r.path)).length >= 2);
    assert.ok(result.warnings.some((w) => /service-principals: read as whole objects/.test(w)));
    assert.equal(
      result.counts.servicePrincipals,
      truth.servicePrincipals.length,
      'first page not counted twice',
    );
    const expected = expectedInventory(truth, { usersReadable: true });
    const collected = assemble(facts);
    assert.deepEqual([...collected.keys()].sort(), [...expected.keys()].sort());
    for (const [id, identity] of expected) assert.deepEqual(collected.get(id), identity, `identity ${id}`);
    assert.equal(result.plan['service-principals'], undefined, 'chosen by size each scan, not remembered');
  });

  test('each collection is counted once, and the count is handed on (the progress ETA uses it)', async () => {
    emu.control.resetLog();
    const transport = scannerTransport(emu);
    let counted: ReadonlyMap<string, number> | undefined;
    await collectInventory({
      transport,
      onFacts: async () => {},
      onCounted: (counts) => {
        counted = counts;
      },
    });
    await transport.close();
    const truth = emu.control.groundTruth(emu.scanner.tenantId);
    assert.deepEqual(counted && Object.fromEntries(counted), {
      '/applications': truth.applications.length,
      '/servicePrincipals': truth.servicePrincipals.length,
    });
    const counts = emu.control
      .requestLog({ appId: emu.scanner.clientId })
      .filter((r) => r.path.includes('/$count'))
      .map((r) => r.path.split('?')[0]);
    assert.deepEqual(counts.sort(), ['/v1.0/applications/$count', '/v1.0/servicePrincipals/$count']);
  });

  test('within the limit: every page selects keyCredentials', async () => {
    const { result, log } = await collect(135);
    assert.equal(log.filter((r) => WHOLE_SP_PAGE.test(r.path)).length, 0);
    assert.ok(log.filter((r) => SELECTED_SP_PAGE.test(r.path)).length >= 2);
    assert.ok(!result.warnings.some((w) => /whole objects/.test(w)));
  });
});
