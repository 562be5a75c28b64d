import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Grant } from '../../src/core/access.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import type { Identity } from '../../src/core/inventory.ts';
import type { ScanPart } from '../../src/core/scan-parts.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, federated, identity, newIntegration, owner, scan, secret } from './fixtures.ts';

/** The five parts of an inventory scan, all complete unless named in `incomplete`. */
function parts(...incomplete: string[]): ScanPart[] {
  const all: Array<Omit<ScanPart, 'complete'>> = [
    { name: 'applications', kind: 'application', aspect: 'identity' },
    { name: 'service-principals', kind: 'servicePrincipal', aspect: 'identity' },
    { name: 'application-owners', kind: 'application', aspect: 'owners' },
    { name: 'application-federated-credentials', kind: 'application', aspect: 'federated' },
    { name: 'service-principal-owners', kind: 'servicePrincipal', aspect: 'owners' },
  ];
  return all.map((part) =>
    incomplete.includes(part.name)
      ? { ...part, complete: false, reason: 'interrupted' }
      : { ...part, complete: true },
  );
}

/** A full scan's facts: each identity listed bare, its owners and federated credentials as their own aspects. */
function factsOf(identities: Identity[]): IdentityFact[] {
  return identities.flatMap((item): IdentityFact[] => [
    {
      aspect: 'identity',
      identity: { ...item, owners: [], credentials: item.credentials.filter((c) => c.type !== 'federated') },
    },
    ...(item.owners.length
      ? [{ aspect: 'owners' as const, objectId: item.objectId, owners: item.owners }]
      : []),
    ...(item.credentials.some((c) => c.type === 'federated')
      ? [
          {
            aspect: 'federated' as const,
            objectId: item.objectId,
            credentials: item.credentials.filter((c) => c.type === 'federated'),
          },
        ]
      : []),
  ]);
}

forEachDatabase('scan parts and removals', (db) => {
  let store: Store;
  before(async () => {
    store = await db.open();
  });
  after(() => store.close());
  const integration = async () => (await store.integrations.create(newIntegration())).id;
  const inventory = async (integrationId: string) =>
    new Map((await store.inventory.list({ integrationId })).map((i) => [i.objectId, i]));

  const tenant = [
    identity('owned', {
      owners: [owner('u1'), owner('u2')],
      credentials: [secret('s1'), federated('f1', 'repo:a')],
    }),
    identity('ownerless', { credentials: [secret('s2')] }),
    identity('sp', { kind: 'servicePrincipal', owners: [owner('u3')] }),
  ];

  test('a cut owners or federated list keeps the previous owners and federated credentials', async () => {
    const id = await integration();
    await scan(store, id, factsOf(tenant), { parts: parts() });
    const before = await inventory(id);
    // The rescan re-read the identity lists (a secret was added) but neither owners nor federated credentials.
    const relisted = tenant.map((i) => ({
      ...i,
      owners: [],
      credentials: [...i.credentials, secret(`new-${i.objectId}`)],
    }));
    const record = await scan(
      store,
      id,
      asFacts(
        relisted.map((i) => ({ ...i, credentials: i.credentials.filter((c) => c.type !== 'federated') })),
      ),
      {
        status: 'partial',
        reason: 'interrupted',
        parts: parts('application-owners', 'application-federated-credentials', 'service-principal-owners'),
      },
    );
    assert.deepEqual(record.changes, { added: 0, changed: 3, removed: 0 });
    const after = await inventory(id);
    for (const [objectId, was] of before) {
      const now = after.get(objectId)!;
      assert.deepEqual(now.owners, was.owners, objectId);
      assert.deepEqual(
        now.credentials.filter((c) => c.type === 'federated'),
        was.credentials.filter((c) => c.type === 'federated'),
        objectId,
      );
      assert.ok(
        now.credentials.some((c) => c.keyId === `new-${objectId}`),
        objectId,
      );
      assert.equal(now.unknown, undefined);
    }
    assert.deepEqual(
      record.parts?.filter((p) => !p.complete).map((p) => p.name),
      ['application-owners', 'application-federated-credentials', 'service-principal-owners'],
    );
  });

  test('a complete owners list empties owners; objects the cut list reached get their new owners', async () => {
    const id = await integration();
    await scan(store, id, factsOf(tenant), { parts: parts() });
    // Owners list cut after `owned` was read (now one owner); `sp`'s owners list complete (now none).
    const facts: IdentityFact[] = [
      ...asFacts(
        tenant.map((i) => ({
          ...i,
          owners: [],
          credentials: i.credentials.filter((c) => c.type !== 'federated'),
        })),
      ),
      { aspect: 'owners', objectId: 'owned', owners: [owner('u9')] },
      { aspect: 'federated', objectId: 'owned', credentials: [federated('f1', 'repo:a')] },
    ];
    await scan(store, id, facts, {
      status: 'partial',
      reason: 'interrupted',
      parts: parts('application-owners'),
    });
    const after = await inventory(id);
    assert.deepEqual(
      after.get('owned')!.owners.map((o) => o.objectId),
      ['u9'],
    );
    assert.deepEqual(after.get('sp')!.owners, []);
    assert.deepEqual(after.get('ownerless')!.owners, []);
    assert.equal(after.get('ownerless')!.unknown, undefined);
  });

  test('an identity first seen by a scan whose owners list was cut has unknown owners, not none', async () => {
    const id = await integration();
    await scan(store, id, factsOf(tenant.slice(0, 1)), { parts: parts() });
    await scan(store, id, asFacts([identity('newcomer')]), {
      status: 'partial',
      reason: 'interrupted',
      parts: parts('application-owners', 'application-federated-credentials'),
    });
    let newcomer = (await inventory(id)).get('newcomer')!;
    assert.deepEqual(newcomer.unknown, ['federated', 'owners']);
    assert.deepEqual(newcomer.owners, []);
    // Still unknown after another cut scan; known once a scan reads its owners and federated credentials.
    await scan(store, id, asFacts([identity('owned'), identity('newcomer')]), {
      status: 'partial',
      parts: parts('application-owners'),
    });
    newcomer = (await inventory(id)).get('newcomer')!;
    assert.deepEqual(newcomer.unknown, ['owners']);
    await scan(store, id, factsOf([tenant[0]!, identity('newcomer', { owners: [owner('u5')] })]), {
      parts: parts(),
    });
    newcomer = (await inventory(id)).get('newcomer')!;
    assert.equal(newcomer.unknown, undefined);
    assert.deepEqual(
      newcomer.owners.map((o) => o.objectId),
      ['u5'],
    );
  });

  test('access: a complete part records it, a failed one carries it forward or leaves it unknown', async () => {
    const id = await integration();
    const withAccess = (...incomplete: string[]): ScanPart[] => [
      ...parts(...incomplete),
      {
        name: 'service-principal-access',
        kind: 'servicePrincipal',
        aspect: 'access',
        optional: true,
        ...(incomplete.includes('service-principal-access')
          ? { complete: false, reason: 'the integration lacks RoleManagement.Read.Directory' }
          : { complete: true }),
      },
    ];
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
    const sps = [
      identity('sp-admin', { kind: 'servicePrincipal' }),
      identity('sp-plain', { kind: 'servicePrincipal' }),
    ];
    // Graph listed the roles in another order: stored in canonical order.
    await scan(
      store,
      id,
      [
        ...asFacts([identity('app'), ...sps]),
        { aspect: 'access', objectId: 'sp-admin', grants: [graphRole, admin] },
      ],
      { parts: withAccess() },
    );
    let now = await inventory(id);
    assert.deepEqual(now.get('sp-admin')!.access, [admin, graphRole]);
    assert.deepEqual(now.get('sp-plain')!.access, [], 'read and holding nothing: none');
    assert.equal(now.get('sp-plain')!.unknown, undefined);
    assert.equal(now.get('app')!.access, undefined, 'applications hold no access of their own');

    // The access part fails: what was read before stays; a newcomer's access is unknown, not none.
    const failed = await scan(
      store,
      id,
      asFacts([identity('app'), ...sps, identity('sp-new', { kind: 'servicePrincipal' })]),
      {
        status: 'partial',
        parts: withAccess('service-principal-access'),
      },
    );
    assert.deepEqual(failed.changes, { added: 1, changed: 0, removed: 0 });
    now = await inventory(id);
    assert.deepEqual(now.get('sp-admin')!.access, [admin, graphRole]);
    assert.deepEqual(now.get('sp-plain')!.access, []);
    assert.equal(now.get('sp-admin')!.unknown, undefined);
    assert.deepEqual(now.get('sp-new')!.access, []);
    assert.deepEqual(now.get('sp-new')!.unknown, ['access']);

    // Unknown alongside owners, in one sorted list; known again once a scan completes the part.
    await scan(store, id, asFacts([identity('sp-new2', { kind: 'servicePrincipal' })]), {
      status: 'partial',
      parts: withAccess('service-principal-access', 'service-principal-owners'),
    });
    assert.deepEqual((await inventory(id)).get('sp-new2')!.unknown, ['access', 'owners']);
    const complete = await scan(
      store,
      id,
      asFacts([identity('app'), ...sps, identity('sp-new', { kind: 'servicePrincipal' })]),
      {
        status: 'partial',
        parts: withAccess(),
      },
    );
    now = await inventory(id);
    assert.deepEqual(now.get('sp-admin')!.access, [], 'a complete part without a fact: the role was removed');
    assert.equal(now.get('sp-new')!.unknown, undefined);
    assert.deepEqual(now.get('sp-new')!.access, []);
    assert.equal(complete.changes?.changed, 2);
  });

  test('a scan that would remove more than the allowed share removes nothing and says so', async () => {
    const id = await integration();
    const ten = Array.from({ length: 10 }, (_, n) => identity(`obj-${n}`));
    await scan(store, id, asFacts(ten), { summary: { warnings: [] } });
    // 3 of 10 gone: over the default 20 %.
    const refused = await scan(store, id, asFacts(ten.slice(3)), { summary: { warnings: [] } });
    assert.equal(refused.status, 'partial');
    assert.match(String(refused.reason), /would remove 3 of 10 identities \(30 %\).*--allow-mass-removal/);
    assert.deepEqual(refused.changes, { added: 0, changed: 0, removed: 0 });
    assert.deepEqual((refused.summary as { warnings: string[] }).warnings, [refused.reason]);
    assert.equal((await inventory(id)).size, 10);
    // 2 of 10 is within the share; a higher threshold or the user's confirmation lets more through.
    const within = await scan(store, id, asFacts(ten.slice(2)));
    assert.deepEqual([within.status, within.changes?.removed], ['succeeded', 2]);
    const raised = await scan(store, id, asFacts(ten.slice(4)), { removal: { maxShare: 0.5 } });
    assert.deepEqual([raised.status, raised.changes?.removed], ['succeeded', 2]);
    const confirmed = await scan(store, id, asFacts(ten.slice(9)), { removal: { allowMass: true } });
    assert.deepEqual([confirmed.status, confirmed.changes?.removed], ['succeeded', 5]);
  });

  test('a scan that began before a committed one cannot commit over it', async () => {
    const id = await integration();
    // Only a stalled scan, recorded as abandoned, lets a newer one begin; this one is refused outright.
    const old = await store.scans.begin(id, new Date(), { leaseMs: 200, renewEveryMs: 0 });
    await old.stage(asFacts([identity('stale')]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await scan(store, id, asFacts([identity('fresh')]));
    await assert.rejects(
      old.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() }),
      /abandoned/,
    );
    assert.deepEqual([...(await inventory(id)).keys()], ['fresh']);
  });
});
