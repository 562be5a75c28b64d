import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Conflict } from '../../src/core/errors.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, identity, newIntegration, scan } from './fixtures.ts';

forEachDatabase('store integrations', (db) => {
  let store: Store;
  before(async () => {
    store = await db.open();
  });
  after(() => store.close());

  test('creates, lists, gets and deletes integrations', async () => {
    const input = newIntegration('contoso');
    const created = await store.integrations.create(input);
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.provider, 'azure');
    assert.deepEqual(
      { name: created.name, tenantId: created.tenantId, clientId: created.clientId, auth: created.auth },
      { name: 'contoso', tenantId: input.tenantId, clientId: input.clientId, auth: input.auth },
    );
    assert.deepEqual(created.cloud, input.cloud);
    assert.ok(created.createdAt instanceof Date);

    assert.deepEqual(await store.integrations.get('contoso'), created);
    assert.equal(await store.integrations.get('fabrikam'), undefined);
    assert.deepEqual(
      (await store.integrations.list()).map((i) => i.name),
      ['contoso'],
    );
    assert.equal(await store.integrations.delete('contoso'), true);
    assert.equal(await store.integrations.delete('contoso'), false);
    assert.equal(await store.integrations.get('contoso'), undefined);
  });

  test('a duplicate name is a Conflict', async () => {
    await store.integrations.create(newIntegration('dup'));
    await assert.rejects(store.integrations.create(newIntegration('dup')), (error) => {
      assert.ok(error instanceof Conflict);
      assert.match(error.message, /"dup" already exists/);
      return true;
    });
  });

  test('stores only the references of the auth settings, never extra fields', async () => {
    const input = newIntegration('refs-only');
    const created = await store.integrations.create({
      ...input,
      auth: { ...input.auth, clientSecret: 'hunter2-value' } as typeof input.auth,
    });
    assert.deepEqual(created.auth, { method: 'secret', secretEnv: 'LANYARD_CLIENT_SECRET' });
    assert.doesNotMatch(JSON.stringify(await store.integrations.list()), /hunter2/);
  });

  test('deleting an integration deletes its scans and versions', async () => {
    const kept = await store.integrations.create(newIntegration('kept'));
    const gone = await store.integrations.create(newIntegration('gone'));
    await scan(store, kept.id, asFacts([identity('k1')]));
    const goneScan = await scan(store, gone.id, asFacts([identity('g1'), identity('g2')]));
    assert.equal((await store.inventory.list({ integrationId: gone.id })).length, 2);

    assert.equal(await store.integrations.delete('gone'), true);
    assert.equal(await store.scans.get(goneScan.id), undefined);
    assert.deepEqual(await store.scans.list(gone.id), []);
    assert.deepEqual(await store.inventory.list({ integrationId: gone.id }), []);
    assert.deepEqual(await store.inventory.history(gone.id, 'g1'), []);
    assert.deepEqual(
      (await store.inventory.list({ integrationId: kept.id })).map((i) => i.objectId),
      ['k1'],
    );
  });
});
