// Staging merges each aspect by its declared rule (core/aspects.ts) within a batch and across batches: these
// cases cover the rules scans.test.ts does not (access restated, a column left alone by a later batch).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Grant } from '../../src/core/access.ts';
import type { ScanPart } from '../../src/core/scan-parts.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { federated, identity, newIntegration, owner } from './fixtures.ts';

const role = (permission: string): Grant => ({
  kind: 'directory-role',
  permission,
  permissionId: `id-${permission}`,
  scope: '/',
});

const complete = (kind: ScanPart['kind'], aspect: ScanPart['aspect']): ScanPart => ({
  name: `${kind}-${aspect}`,
  kind,
  aspect,
  complete: true,
});

forEachDatabase('staging by merge rule', (db) => {
  let store: Store;
  before(async () => {
    store = await db.open();
  });
  after(() => store.close());

  test('replace: a later batch replaces a list; union-by-key adds; a batch without a column leaves it', async () => {
    const { id } = await store.integrations.create(newIntegration());
    const writer = await store.scans.begin(id, new Date());
    await writer.stage([
      { aspect: 'access', objectId: 'sp', grants: [role('Reader'), role('Writer')] },
      { aspect: 'owners', objectId: 'sp', owners: [owner('u1')] },
      { aspect: 'federated', objectId: 'sp', credentials: [federated('f1', 'repo:a')] },
    ]);
    // The listing arrives after its aspects, in a batch of its own: it must not blank them.
    await writer.stage([{ aspect: 'identity', identity: identity('sp', { kind: 'servicePrincipal' }) }]);
    await writer.stage([
      { aspect: 'access', objectId: 'sp', grants: [role('Admin')] },
      { aspect: 'federated', objectId: 'sp', credentials: [federated('f2', 'repo:b')] },
    ]);
    await writer.finish({
      status: 'succeeded',
      summary: {},
      finishedAt: new Date(),
      parts: [
        complete('servicePrincipal', 'owners'),
        complete('servicePrincipal', 'federated'),
        complete('servicePrincipal', 'access'),
      ],
    });
    const [sp] = await store.inventory.list({ integrationId: id });
    assert.deepEqual(sp!.access, [role('Admin')]);
    assert.deepEqual(
      sp!.owners.map((o) => o.objectId),
      ['u1'],
    );
    assert.deepEqual(
      sp!.credentials.map((c) => c.keyId),
      ['f1', 'f2'],
    );
    assert.equal(sp!.unknown, undefined);
  });
});
