// The assembled jsonb of a version is pinned: its md5 is what the next scan compares with, so any change to how
// commit-scan.ts assembles an identity (key, array order, the `unknown` list) makes every stored identity of every
// tenant look changed at the next scan. Change these hashes only with a migration that rehashes the versions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import type { Grant } from '../../src/core/access.ts';
import type { ScanPart } from '../../src/core/scan-parts.ts';
import { createTestDatabase } from '../support/databases.ts';
import { federated, identity, newIntegration, owner, scan, secret } from './fixtures.ts';

const admin: Grant = {
  kind: 'directory-role',
  permission: 'Global Administrator',
  permissionId: '62e90394-69f5-4237-9190-012177145e10',
  scope: '/',
};

const part = (kind: ScanPart['kind'], aspect: ScanPart['aspect'], complete: boolean): ScanPart => ({
  name: `${kind}-${aspect}`,
  kind,
  aspect,
  complete,
});

test('PGlite: assembled versions keep the hash earlier releases stored', async () => {
  const database = await createTestDatabase('pglite');
  try {
    const store = await database.open();
    const { id } = await store.integrations.create(newIntegration());
    // A version from before access was read: no access key at all.
    await scan(store, id, [
      { aspect: 'identity', identity: identity('sp-old', { kind: 'servicePrincipal' }) },
    ]);
    // Every aspect read, so nothing is carried forward (partial: sp-old, not listed, stays).
    await scan(
      store,
      id,
      [
        { aspect: 'identity', identity: identity('app', { credentials: [secret('s1')] }) },
        { aspect: 'owners', objectId: 'app', owners: [owner('u2'), owner('u1')] },
        { aspect: 'federated', objectId: 'app', credentials: [federated('f1', 'repo:a')] },
        { aspect: 'identity', identity: identity('sp', { kind: 'servicePrincipal' }) },
        { aspect: 'access', objectId: 'sp', grants: [admin] },
      ],
      {
        status: 'partial',
        parts: [
          part('application', 'owners', true),
          part('application', 'federated', true),
          part('servicePrincipal', 'owners', true),
          part('servicePrincipal', 'federated', true),
          part('servicePrincipal', 'access', true),
        ],
      },
    );
    // Second scan: every aspect part cut, a newcomer of each kind (all unknown) and the known ones carried.
    await scan(
      store,
      id,
      [
        { aspect: 'identity', identity: identity('app', { credentials: [secret('s1')] }) },
        { aspect: 'identity', identity: identity('sp', { kind: 'servicePrincipal' }) },
        { aspect: 'identity', identity: identity('app-new') },
        { aspect: 'identity', identity: identity('sp-new', { kind: 'servicePrincipal' }) },
        { aspect: 'identity', identity: identity('sp-old', { kind: 'servicePrincipal' }) },
      ],
      {
        status: 'partial',
        parts: [
          part('application', 'owners', false),
          part('application', 'federated', false),
          part('servicePrincipal', 'owners', false),
          part('servicePrincipal', 'federated', false),
          part('servicePrincipal', 'access', false),
        ],
      },
    );
    await store.close();
    const db = new PGlite((database.options as { dataDir: string }).dataDir);
    try {
      const { rows } = await db.query<{ object_id: string; hash: string; unknown: string | null }>(
        `select object_id, hash, data->>'unknown' as unknown from identity_versions
         where ended_seq is null order by object_id`,
      );
      assert.deepEqual(
        rows.map((row) => [row.object_id, row.hash, row.unknown]),
        EXPECTED,
      );
    } finally {
      await db.close();
    }
  } finally {
    await database.cleanup();
  }
});

const EXPECTED: Array<[string, string, string | null]> = [
  ['app', '871c39d1e1f08af4a3ba67216245f84f', null],
  ['app-new', '466e43ebd1e161b8f27bac9445bf4d0c', '["federated", "owners"]'],
  ['sp', '0b002774a3b429f2f1748fada30bcd03', null],
  ['sp-new', '61d62dab2f635be1dcab4470d48053f6', '["access", "federated", "owners"]'],
  ['sp-old', 'a7a91e9dbda48062c82d9c4715aea4fe', '["access"]'],
];
