// The inventory's risk filters: applied to each page after the store's, still streamed; unknown never matches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createInventoryService, type InventoryRequest } from './inventory-service.ts';
import { riskFixture } from './risk-fixture.ts';

const NOW = Date.parse('2026-11-23T00:00:00Z');

async function names(request: InventoryRequest, withLastUse = true) {
  const { store, calls, lastUse } = riskFixture();
  const service = createInventoryService({ store, now: () => NOW, ...(withLastUse ? { lastUse } : {}) });
  const found: string[] = [];
  for await (const row of service.rows(request)) {
    found.push(`${row.integration.name}/${row.identity.displayName}/${row.identity.kind}`);
  }
  return { found, calls };
}

test('--tier keeps what holds that tier or more, the application through its service principal', async () => {
  const { found } = await names({ risk: { tier: 0 } });
  // Unread's access was never read: not matched, whatever it may hold. fabrikam's Payroll has no partner there.
  assert.deepEqual(found, ['contoso/Payroll/application', 'contoso/Payroll/servicePrincipal']);
  assert.deepEqual((await names({ risk: { tier: 2 } })).found, found, 'tier 2 or more privileged');
});

test('--unused-for keeps identities whose every credential went unused that long; unknown never matches', async () => {
  const { found, calls } = await names({ risk: { unusedForDays: 90 } });
  // Fillers and Unread: watched since January, their credentials (started in June) never seen: unused. Payroll
  // signed in in October; fabrikam's sign-ins were never read.
  assert.equal(found.length, 1_201);
  assert.ok(found.includes('contoso/Unread/servicePrincipal'));
  assert.ok(!found.some((name) => name.includes('Payroll')), 'a credential used in October');
  assert.ok(calls.page >= 3, 'still read page by page');
  assert.deepEqual((await names({ risk: { unusedForDays: 400 } })).found, [], 'watched for less than that');
});

test('--risk keeps that level or above, and combines with the store’s filters', async () => {
  const { found } = await names({ risk: { minLevel: 'high' } });
  assert.ok(found.includes('contoso/Payroll/servicePrincipal'));
  assert.ok(!found.some((name) => name.includes('filler')), found.join());
  const apps = await names({ risk: { minLevel: 'high' }, filter: { types: ['service-principal'] } });
  assert.ok(apps.found.every((name) => name.endsWith('/servicePrincipal')));
});

test('a page the risk filters empty does not end the listing', async () => {
  // Payroll sorts after the 1,200 fillers: the first pages keep nothing.
  const { found, calls } = await names({ integration: 'contoso', risk: { tier: 0 } });
  assert.equal(found.length, 2);
  assert.ok(calls.page >= 3);
});

test('risk filters need a last-use source', async () => {
  await assert.rejects(names({ risk: { tier: 0 } }, false), /last-use source/);
  assert.equal((await names({}, false)).found.length, 1_204, 'plain listings do not');
});
