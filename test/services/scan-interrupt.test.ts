// A rescan cut short at any point changes nothing it did not re-read: with the tenant unchanged, the
// inventory after an interrupted rescan equals the previous complete scan's, on both stores. (Before parts
// were tracked, a rescan cut after its identity lists emptied every owner and federated credential.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createScanService } from '../../src/services/scan-service.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { emulatorIntegration } from './emulator-integration.ts';

const LISTS = [
  'applications',
  'service-principals',
  'application-owners',
  'application-federated-credentials',
  'service-principal-owners',
];

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator({ tenants: [{ seed: 21, apps: 400 }] });
  // Slow pages so every list is still running when another one's first page arrives.
  emulator.control.injectFaults({ latencyMs: 15 });
});
after(() => emulator.close());

forEachDatabase('interrupted rescans', (db) => {
  let store: Store;
  before(async () => {
    store = await db.open();
    await store.integrations.create(emulatorIntegration(emulator, 'tenant'));
  });
  after(() => store.close());

  const service = () => createScanService({ store, collect: createGraphCollect(), now: () => new Date() });
  const inventory = async () => {
    const list = await store.inventory.list();
    return new Map(list.map((identity) => [identity.objectId, identity]));
  };

  test('interrupted during each list, or as a list ends, the inventory is the previous one', async () => {
    const first = await service().run('tenant');
    assert.equal(first.summary.status, 'succeeded', first.summary.reason ?? '');
    const complete = await inventory();
    assert.ok([...complete.values()].some((i) => i.owners.length > 0));
    assert.ok([...complete.values()].some((i) => i.credentials.some((c) => c.type === 'federated')));

    for (const list of LISTS) {
      const interrupt = new AbortController();
      const { summary, record } = await service().run('tenant', {
        // Each list of a full rescan (an unchanged tenant's incremental rescan reads none of them).
        full: true,
        signal: interrupt.signal,
        onProgress: (p) => {
          if ((p as { resource?: string }).resource === list) interrupt.abort();
        },
      });
      assert.deepEqual([summary.status, summary.reason], ['partial', 'interrupted'], list);
      assert.deepEqual(record.changes, { added: 0, changed: 0, removed: 0 }, `cut at ${list}`);
      assert.ok(
        record.parts?.some((p) => !p.complete && p.reason === 'interrupted'),
        `cut at ${list}: some part is recorded as interrupted`,
      );
      const after = await inventory();
      assert.equal(after.size, complete.size, list);
      for (const [id, identity] of complete) assert.deepEqual(after.get(id), identity, `${list}: ${id}`);
    }
  });
});
