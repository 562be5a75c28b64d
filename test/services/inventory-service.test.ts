import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NotFound } from '../../src/core/errors.ts';
import { createIdentityService } from '../../src/services/identity-service.ts';
import { createInventoryService } from '../../src/services/inventory-service.ts';
import type { Store } from '../../src/store/index.ts';
import { asFacts, identity, newIntegration, scan } from '../store/fixtures.ts';
import { forEachDatabase } from '../support/databases.ts';

forEachDatabase('inventory and identity services', (db) => {
  let store: Store;
  before(async () => {
    store = await db.open();
    for (const name of ['contoso', 'fabrikam']) {
      const { id } = await store.integrations.create(newIntegration(name));
      const many = Array.from({ length: 1_200 }, (_, n) =>
        identity(`${name}-${String(n).padStart(4, '0')}`, { displayName: `${name} app ${n}` }),
      );
      await scan(store, id, asFacts([...many, identity(`${name}-payroll`, { displayName: 'Payroll Bot' })]));
    }
  });
  after(() => store.close());
  const inventory = () => createInventoryService({ store, now: () => Date.parse('2026-11-23T00:00:00Z') });

  test('streams every row of every integration across pages, or of the one named', async () => {
    const seen: string[] = [];
    for await (const row of inventory().rows({}))
      seen.push(`${row.integration.name}/${row.identity.objectId}`);
    assert.equal(seen.length, 2_402);
    assert.equal(new Set(seen).size, seen.length, 'no row twice across page boundaries');
    let fabrikam = 0;
    for await (const row of inventory().rows({ integration: 'fabrikam' })) {
      assert.equal(row.integration.name, 'fabrikam');
      fabrikam++;
    }
    assert.equal(fabrikam, 1_201);
  });

  test('a tenant scopes the listing to the integrations that read it, now and as of a scan', async () => {
    const [contoso] = (await store.integrations.list()).filter((i) => i.name === 'contoso');
    // A second reader app of the same tenant: its identities belong to the tenant too.
    const { id: second } = await store.integrations.create({
      ...newIntegration('contoso-second-reader'),
      tenantId: contoso!.tenantId.toUpperCase(),
    });
    const record = await scan(store, second, asFacts([identity('contoso-extra', { displayName: 'Extra' })]));
    try {
      const names = new Set<string>();
      let count = 0;
      for await (const row of inventory().rows({ tenant: contoso!.tenantId })) {
        names.add(row.integration.name);
        assert.equal(row.integration.tenantId.toLowerCase(), contoso!.tenantId.toLowerCase());
        count++;
      }
      assert.deepEqual([...names].sort(), ['contoso', 'contoso-second-reader']);
      assert.equal(count, 1_202);
      const asOf = await inventory().page({
        tenant: contoso!.tenantId,
        asOf: { scanId: record.id },
        limit: 10,
      });
      assert.deepEqual(
        asOf.rows.map((r) => r.identity.objectId),
        ['contoso-extra'],
      );
      const both = await inventory().page({ tenant: contoso!.tenantId, integration: 'fabrikam', limit: 10 });
      assert.deepEqual(both.rows, [], 'an integration of another tenant: nothing');
      await assert.rejects(
        inventory().page({ tenant: '00000000-0000-0000-0000-000000000000', limit: 10 }),
        (e) => e instanceof NotFound && e.field === 'tenant',
      );
    } finally {
      await store.integrations.delete('contoso-second-reader');
    }
  });

  test('a reader that stops early stops the fetching', async () => {
    const rows = inventory().rows({});
    const first = await rows.next();
    assert.equal(first.done, false);
    await rows.return(undefined);
    assert.equal((await rows.next()).done, true);
  });

  test('pages follow their cursor; an unknown integration or scan names its field', async () => {
    const first = await inventory().page({ limit: 1_000 });
    const second = await inventory().page({ limit: 1_000, after: first.next! });
    assert.equal(first.rows.length + second.rows.length, 2_000);
    assert.notEqual(first.rows.at(-1)!.identity.objectId, second.rows[0]!.identity.objectId);
    await assert.rejects(
      inventory().page({ integration: 'nope', limit: 10 }),
      (e) => e instanceof NotFound && e.field === 'integration',
    );
    await assert.rejects(
      inventory().page({ asOf: { scanId: 999_999 }, limit: 10 }),
      (e) => e instanceof NotFound && e.field === 'asOf',
    );
  });

  test('identity lookup: exact matches in every integration, candidates for part of a name, none', async () => {
    const service = createIdentityService({ store });
    const exact = await service.lookup('payroll bot');
    assert.equal(exact.kind, 'found');
    assert.deepEqual(exact.kind === 'found' && exact.matches.map((m) => m.integration.name).sort(), [
      'contoso',
      'fabrikam',
    ]);
    assert.ok(exact.kind === 'found' && exact.matches.every((m) => m.history.length === 1));
    const partial = await service.lookup('APP 11');
    assert.equal(partial.kind, 'candidates');
    assert.ok(partial.kind === 'candidates' && partial.more && partial.candidates.length === 20);
    const one = await service.lookup('contoso app 1199');
    assert.equal(one.kind, 'found');
    assert.equal((await service.lookup('no such thing')).kind, 'none');
  });
});
