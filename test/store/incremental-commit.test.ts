// Committing an incremental scan: it carries forward every identity it did not stage, applies what it read,
// removes only what Graph reported deleted and only when it succeeded; the delta links (sync state) are saved
// in the commit's transaction, only by a succeeded scan, and a full scan that does not succeed clears them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ScanPart } from '../../src/core/scan-parts.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, identity, newIntegration, owner, scan, secret } from './fixtures.ts';

const PARTS: ScanPart[] = [
  { name: 'applications', kind: 'application', aspect: 'identity', complete: true },
  { name: 'service-principals', kind: 'servicePrincipal', aspect: 'identity', complete: true },
  { name: 'application-owners', kind: 'application', aspect: 'owners', complete: true, optional: true },
];
const links = (n: number) => ({
  version: 1,
  deltaLinks: { applications: `a${n}`, servicePrincipals: `s${n}` },
});

forEachDatabase('incremental commits', (db) => {
  let store: Store;
  before(async () => {
    store = await db.open();
  });
  after(() => store.close());

  test('carry forward, apply, remove only what delta reported, and save links with the commit', async () => {
    const { id, name } = await store.integrations.create(newIntegration());
    // Eight, so removing one stays under the mass-removal guard's 20 %.
    const tenant = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((o) =>
      identity(o, { owners: [owner(`u-${o}`)] }),
    );
    const first = await scan(store, id, asFacts(tenant), { mode: 'full', parts: PARTS, syncState: links(1) });
    assert.equal(first.mode, 'full');
    assert.deepEqual((await store.integrations.get(name))!.syncState, links(1));
    const inventory = async () =>
      new Map((await store.inventory.list({ integrationId: id })).map((i) => [i.objectId, i]));

    // b changed (a new secret), d reported deleted, c deleted in Graph but not reported: incremental scans trust
    // delta, not absence.
    const changed = identity('b', { owners: [owner('u-b')], credentials: [secret('k1')] });
    const partial = await scan(store, id, asFacts([changed]), {
      status: 'partial',
      mode: 'incremental',
      parts: PARTS,
      removedObjectIds: ['d'],
      syncState: links(2),
    });
    assert.deepEqual(partial.changes, { added: 0, changed: 1, removed: 0 }, 'a partial scan removes nothing');
    assert.deepEqual((await store.integrations.get(name))!.syncState, links(1), 'nor moves the links');
    assert.deepEqual([...(await inventory()).keys()].sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);

    const failed = await scan(store, id, asFacts([]), {
      status: 'failed',
      mode: 'incremental',
      removedObjectIds: ['d'],
      syncState: links(3),
    });
    assert.equal(failed.mode, 'incremental');
    assert.deepEqual((await store.integrations.get(name))!.syncState, links(1));

    const done = await scan(store, id, asFacts([changed]), {
      mode: 'incremental',
      parts: PARTS,
      removedObjectIds: ['D', 'never-seen'],
      syncState: links(4),
    });
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.changes, { added: 0, changed: 0, removed: 1 });
    const after = await inventory();
    assert.deepEqual(
      [...after.keys()].sort(),
      ['a', 'b', 'c', 'e', 'f', 'g', 'h'],
      'only d removed; the rest carried',
    );
    assert.deepEqual(after.get('a')!.owners, [owner('u-a')], 'carried whole');
    assert.equal(after.get('b')!.credentials.length, 1);
    assert.deepEqual((await store.integrations.get(name))!.syncState, links(4));
    const history = await store.inventory.history(id, 'd');
    assert.deepEqual(
      history.map((h) => [h.scanId, h.change]),
      [
        [first.id, 'added'],
        [done.id, 'removed'],
      ],
    );
  });

  test('removals Graph reported count against the mass-removal guard; a full scan that falls short clears the links', async () => {
    const { id, name } = await store.integrations.create(newIntegration());
    const tenant = ['a', 'b', 'c', 'd', 'e'].map((o) => identity(o));
    await scan(store, id, asFacts(tenant), { mode: 'full', parts: PARTS, syncState: links(1) });
    const held = await scan(store, id, [], {
      mode: 'incremental',
      parts: PARTS,
      removedObjectIds: ['a', 'b', 'c'],
      syncState: links(2),
    });
    assert.equal(held.status, 'partial');
    assert.match(held.reason ?? '', /would remove 3 of 5/);
    assert.deepEqual((await store.integrations.get(name))!.syncState, links(1), 'held back: links kept');

    const refused = await scan(store, id, asFacts(tenant.slice(0, 1)), {
      mode: 'full',
      parts: PARTS,
      syncState: links(3),
    });
    assert.equal(refused.status, 'partial');
    assert.equal((await store.integrations.get(name))!.syncState, null, 'the next scan is full');
  });
});
