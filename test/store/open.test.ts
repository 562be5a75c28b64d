import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { InvalidInput, Unreachable } from '../../src/core/errors.ts';
import { openStore } from '../../src/store/index.ts';
import { forEachDatabase, TEST_DATABASE_URL } from '../support/databases.ts';
import { asFacts, identity, newIntegration, scan } from './fixtures.ts';

forEachDatabase('opening the store', (db) => {
  test('migrations apply once: data survives a reopen', async () => {
    const first = await db.open();
    assert.equal(first.kind, db.name);
    const integration = await first.integrations.create(newIntegration('persisted'));
    const record = await scan(first, integration.id, asFacts([identity('kept')]));
    await first.close();
    const second = await db.open();
    assert.deepEqual(await second.scans.get(record.id), record);
    assert.deepEqual(
      (await second.inventory.list()).map((i) => i.objectId),
      ['kept'],
    );
    await second.close();
  });

  test('a closed store refuses writes', async () => {
    const store = await db.open();
    const integration = await store.integrations.create(newIntegration());
    await store.close();
    await assert.rejects(store.scans.begin(integration.id, new Date()), InvalidInput);
    await assert.rejects(store.integrations.create(newIntegration()), InvalidInput);
  });

  if (db.name === 'postgres') {
    test('everything lives in the chosen schema, the migrations journal and foreign keys included', async () => {
      const store = await db.open();
      await store.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        const schema = db.options.schema!;
        const tables = await client.query<{ table_name: string }>(
          'select table_name from information_schema.tables where table_schema = $1 order by 1',
          [schema],
        );
        assert.deepEqual(
          tables.rows.map((r) => r.table_name),
          [
            '__drizzle_migrations',
            'alerts_held',
            'alerts_sent',
            'check_evaluations',
            'findings',
            'grant_history',
            'identity_versions',
            'integrations',
            'last_use',
            'outbox_events',
            'outbox_pending',
            'scan_access',
            'scan_objects',
            'scans',
            'sign_in_ranges',
            'suppressions',
            'tenant_readings',
          ],
        );
        const targets = await client.query<{ target: string }>(
          `select distinct n.nspname as target from pg_constraint c
           join pg_class t on t.oid = c.confrelid join pg_namespace n on n.oid = t.relnamespace
           where c.contype = 'f' and c.connamespace = $1::regnamespace`,
          [schema],
        );
        assert.deepEqual(
          targets.rows.map((r) => r.target),
          [schema],
        );
      } finally {
        await client.end();
      }
    });
  }
});

test('rejects options that cannot be meant', async () => {
  await assert.rejects(openStore({ url: 'mysql://localhost/x' }), InvalidInput);
  await assert.rejects(openStore({ url: TEST_DATABASE_URL, dataDir: '/tmp/x' }), InvalidInput);
  await assert.rejects(openStore({ dataDir: 'memory://', schema: 'x' }), InvalidInput);
  await assert.rejects(openStore({ url: TEST_DATABASE_URL, schema: 'x; drop table y' }), InvalidInput);
});

test('an unreachable PostgreSQL is Unreachable, without the password in the message', async () => {
  await assert.rejects(openStore({ url: 'postgres://lanyard:s3cret@127.0.0.1:1/lanyard' }), (error) => {
    assert.ok(error instanceof Unreachable);
    assert.doesNotMatch(error.message, /s3cret/);
    return true;
  });
});
