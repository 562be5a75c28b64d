// Grants as relationships with their own history: granted by one scan, revoked by the first scan that read the
// principal's access without them, untouched by scans that could not read access, granted anew if they return.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Grant } from '../../src/core/access.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import type { ScanPart } from '../../src/core/scan-parts.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, identity, newIntegration, scan } from './fixtures.ts';

const admin: Grant = {
  kind: 'directory-role',
  permission: 'Global Administrator',
  permissionId: '62e90394-69f5-4237-9190-012177145e10',
  scope: '/',
};
const graphRole: Grant = {
  kind: 'app-role',
  resourceId: 'graph-sp',
  resourceAppId: '00000003-0000-0000-c000-000000000000',
  resourceDisplayName: 'Microsoft Graph',
  permission: 'Application.ReadWrite.All',
  permissionId: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
};
const owner: Grant = {
  kind: 'azure-role',
  permission: 'Owner',
  permissionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  scope: '/subscriptions/s1',
  tier: 0,
  tierReason: 'built-in',
};

function accessPart(complete: boolean): ScanPart[] {
  return [
    { name: 'service-principals', kind: 'servicePrincipal', aspect: 'identity', complete: true },
    {
      name: 'service-principal-access',
      kind: 'servicePrincipal',
      aspect: 'access',
      optional: true,
      complete,
      ...(complete ? {} : { reason: 'the integration lacks RoleManagement.Read.Directory' }),
    },
  ];
}

const holding = (...grants: Grant[]): IdentityFact[] => [
  ...asFacts([identity('sp-a', { kind: 'servicePrincipal' })]),
  ...(grants.length > 0 ? [{ aspect: 'access' as const, objectId: 'sp-a', grants }] : []),
];

forEachDatabase('grant history', (database) => {
  let store: Store;
  before(async () => {
    store = await database.open();
  });
  after(() => store.close());

  test('granted, carried through an unread scan, revoked, granted again', async () => {
    const { id } = await store.integrations.create(newIntegration());
    const first = await scan(store, id, holding(admin, graphRole), { parts: accessPart(true) });
    const periods = async () =>
      (await store.grants.history(id, 'sp-a')).map((r) => [
        r.grant.permission,
        r.grantedScanId,
        r.revokedScanId,
      ]);
    assert.deepEqual((await periods()).sort(), [
      ['Application.ReadWrite.All', first.id, null],
      ['Global Administrator', first.id, null],
    ]);

    // Access unread: the versions carry it forward, and nothing is revoked for having gone unread.
    await scan(store, id, holding(), { status: 'partial', parts: accessPart(false) });
    assert.equal((await periods()).filter(([, , revoked]) => revoked !== null).length, 0);

    // Read again without the admin role and with an Azure role: one period ends, one begins, one goes on.
    const third = await scan(store, id, holding(graphRole, owner), { parts: accessPart(true) });
    assert.deepEqual((await periods()).sort(), [
      ['Application.ReadWrite.All', first.id, null],
      ['Global Administrator', first.id, third.id],
      ['Owner', third.id, null],
    ]);

    // The same grant returning is a new period, the old one stays in the history.
    const fourth = await scan(store, id, holding(graphRole, owner, admin), { parts: accessPart(true) });
    const history = await store.grants.history(id, 'sp-a');
    assert.deepEqual(
      history
        .filter((r) => r.grant.permission === 'Global Administrator')
        .map((r) => [r.grantedScanId, r.revokedScanId]),
      [
        [first.id, third.id],
        [fourth.id, null],
      ],
    );
    assert.ok(history.every((r) => r.grantedAt instanceof Date));
    assert.deepEqual(
      history.find((r) => r.grant.permission === 'Owner')?.grant,
      owner,
      'kept whole, tier included',
    );
  });

  test('an eligible (PIM) role and the same role held are two grants, each with its own history', async () => {
    const { id } = await store.integrations.create(newIntegration());
    const eligible: Grant = { ...admin, eligible: true };
    const first = await scan(store, id, holding(admin, eligible), { parts: accessPart(true) });
    const activeOnly = await scan(store, id, holding(admin), { parts: accessPart(true) });
    const history = await store.grants.history(id, 'sp-a');
    assert.deepEqual(
      history.map((r) => [r.grant.eligible ?? false, r.grantedScanId, r.revokedScanId]),
      [
        [false, first.id, null],
        [true, first.id, activeOnly.id],
      ],
    );
  });

  test('an identity gone from a complete scan takes its grants with it', async () => {
    const { id } = await store.integrations.create(newIntegration());
    await scan(store, id, [...holding(admin), ...asFacts([identity('sp-b', { kind: 'servicePrincipal' })])], {
      parts: accessPart(true),
    });
    const gone = await scan(store, id, asFacts([identity('sp-b', { kind: 'servicePrincipal' })]), {
      parts: accessPart(true),
      removal: { allowMass: true },
    });
    assert.deepEqual(
      (await store.grants.history(id, 'sp-a')).map((r) => r.revokedScanId),
      [gone.id],
    );
  });
});
