import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Conflict, InvalidInput, NotFound } from '../../src/core/errors.ts';
import { createIntegrationService } from '../../src/services/integration-service.ts';
import type { Store } from '../../src/store/index.ts';
import { scan } from '../store/fixtures.ts';
import { forEachDatabase } from '../support/databases.ts';

const input = (name: string) => ({
  name,
  tenant: '0785ef7c-1111-4222-8333-944455556666',
  clientId: '11111111-2222-4333-8444-555555555555',
  auth: 'secret',
  secretEnv: 'LANYARD_SECRET',
});

forEachDatabase('integration service', (db) => {
  let store: Store;
  before(async () => {
    store = await db.open();
  });
  after(() => store.close());

  test('create, list, show the latest scans, delete; every refusal names its cause', async () => {
    const service = createIntegrationService({ store });
    const created = await service.create(input('prod'));
    assert.equal(created.name, 'prod');
    assert.deepEqual(created.auth, { method: 'secret', secretEnv: 'LANYARD_SECRET' });
    await assert.rejects(service.create(input('prod')), Conflict);
    await assert.rejects(service.create({ ...input('x'), tenant: '' }), InvalidInput);
    assert.deepEqual(
      (await service.list()).map((i) => i.name),
      ['prod'],
    );

    for (let n = 0; n < 12; n++) await scan(store, created.id, []);
    const shown = await service.show('prod');
    assert.equal(shown.scanCount, 12);
    assert.equal(shown.scans.length, 10);
    assert.ok(shown.scans[0]!.id < shown.scans[9]!.id, 'oldest first');
    assert.equal(shown.scans[9]!.id, Math.max(...(await store.scans.list(created.id)).map((s) => s.id)));

    await service.delete('prod');
    for (const attempt of [service.show('prod'), service.delete('prod')]) {
      await assert.rejects(attempt, (e) => e instanceof NotFound && e.field === 'name');
    }
  });
});
