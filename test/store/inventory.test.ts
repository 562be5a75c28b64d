import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvalidInput, NotFound } from '../../src/core/errors.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, identity, newIntegration, scan, secret } from './fixtures.ts';

const day = (n: number) => new Date(Date.UTC(2026, 4, n, 12));

forEachDatabase('store inventory reads', (db) => {
  let store: Store;
  let tenant: string;
  let other: string;
  const scanIds: number[] = [];
  const names = (list: { objectId: string }[]) => list.map((i) => i.objectId).sort();

  // One integration scanned on 1, 3 and 5 May (the last partial, one failed in between); another on 2 May.
  before(async () => {
    store = await db.open();
    tenant = (await store.integrations.create(newIntegration('contoso'))).id;
    other = (await store.integrations.create(newIntegration('fabrikam'))).id;
    const first = [
      identity('a'),
      identity('b', { appId: 'shared-app' }),
      identity('c', { displayName: 'Payroll Bot' }),
    ];
    scanIds.push((await scan(store, tenant, asFacts(first), { finishedAt: day(1) })).id);
    await scan(store, other, asFacts([identity('z', { displayName: 'payroll bot' })]), {
      finishedAt: day(2),
    });
    const second = [
      identity('a', { credentials: [secret('k1')] }),
      identity('c', { displayName: 'Payroll Bot' }),
      identity('d'),
    ];
    const removal = { allowMass: true }; // b goes: a third of a tiny tenant
    scanIds.push((await scan(store, tenant, asFacts(second), { finishedAt: day(3), removal })).id);
    await scan(store, tenant, asFacts([]), { status: 'failed', finishedAt: day(4) });
    const third = [identity('e')];
    scanIds.push((await scan(store, tenant, asFacts(third), { status: 'partial', finishedAt: day(5) })).id);
  });
  after(() => store.close());

  test('lists the latest state of every integration, or of one', async () => {
    assert.deepEqual(names(await store.inventory.list({ integrationId: tenant })), ['a', 'c', 'd', 'e']);
    assert.deepEqual(names(await store.inventory.list()), ['a', 'c', 'd', 'e', 'z']);
    assert.deepEqual(
      await store.inventory.list({ integrationId: '00000000-0000-4000-8000-000000000000' }),
      [],
    );
    assert.deepEqual(await store.inventory.list({ integrationId: '' }), []);
  });

  test('as of a scan id', async () => {
    const [s1, s2, s3] = scanIds as [number, number, number];
    assert.deepEqual(names(await store.inventory.list({ asOf: { scanId: s1 } })), ['a', 'b', 'c']);
    assert.deepEqual(names(await store.inventory.list({ asOf: { scanId: s2 } })), ['a', 'c', 'd']);
    assert.deepEqual(names(await store.inventory.list({ integrationId: tenant, asOf: { scanId: s3 } })), [
      'a',
      'c',
      'd',
      'e',
    ]);
    const a1 = (await store.inventory.list({ asOf: { scanId: s1 } })).find((i) => i.objectId === 'a');
    assert.deepEqual(a1?.credentials, []);
    await assert.rejects(store.inventory.list({ asOf: { scanId: 999_999 } }), NotFound);
    await assert.rejects(store.inventory.list({ integrationId: other, asOf: { scanId: s1 } }), InvalidInput);
  });

  test('as of a date: the latest committed scan finished by then, per integration', async () => {
    assert.deepEqual(
      names(await store.inventory.list({ asOf: { date: new Date(Date.UTC(2026, 3, 30)) } })),
      [],
    );
    assert.deepEqual(names(await store.inventory.list({ asOf: { date: day(1) } })), ['a', 'b', 'c']);
    assert.deepEqual(names(await store.inventory.list({ asOf: { date: day(2) } })), ['a', 'b', 'c', 'z']);
    // The failed scan of 4 May recorded nothing: 4 May still shows 3 May.
    assert.deepEqual(names(await store.inventory.list({ integrationId: tenant, asOf: { date: day(4) } })), [
      'a',
      'c',
      'd',
    ]);
    assert.deepEqual(names(await store.inventory.list({ integrationId: tenant, asOf: { date: day(9) } })), [
      'a',
      'c',
      'd',
      'e',
    ]);
  });

  test('diff between two scans', async () => {
    const [s1, s2, s3] = scanIds as [number, number, number];
    const diff = await store.inventory.diff(s1, s2);
    assert.deepEqual(names(diff.added), ['d']);
    assert.deepEqual(names(diff.removed), ['b']);
    assert.deepEqual(
      diff.changed.map((c) => [c.before.objectId, c.before.credentials.length, c.after.credentials.length]),
      [['a', 0, 1]],
    );
    const partial = await store.inventory.diff(s2, s3);
    assert.deepEqual(partial, { added: [identity('e')], removed: [], changed: [] });
    assert.deepEqual(await store.inventory.diff(s2, s2), { added: [], removed: [], changed: [] });
    const backwards = await store.inventory.diff(s2, s1);
    assert.deepEqual(names(backwards.added), ['b']);
    assert.deepEqual(names(backwards.removed), ['d']);
  });

  test('diff refuses scans of different integrations and scans that recorded nothing', async () => {
    const otherScan = (await store.scans.list(other))[0]!.id;
    await assert.rejects(store.inventory.diff(scanIds[0]!, otherScan), InvalidInput);
    const failed = (await store.scans.list(tenant)).find((s) => s.status === 'failed')!.id;
    await assert.rejects(store.inventory.diff(scanIds[0]!, failed), InvalidInput);
  });

  test('history of one identity', async () => {
    const [s1, s2] = scanIds as [number, number, number];
    const a = await store.inventory.history(tenant, 'a');
    assert.deepEqual(
      a.map((h) => [h.scanId, h.at.toISOString(), h.change, h.identity?.credentials.length]),
      [
        [s1, day(1).toISOString(), 'added', 0],
        [s2, day(3).toISOString(), 'changed', 1],
      ],
    );
    const b = await store.inventory.history(tenant, 'b');
    assert.deepEqual(
      b.map((h) => [h.scanId, h.change, h.identity === null]),
      [
        [s1, 'added', false],
        [s2, 'removed', true],
      ],
    );
    assert.deepEqual(await store.inventory.history(tenant, 'never'), []);
  });

  test('find by object id, app id or display name (case-insensitive), across integrations', async () => {
    const byObject = await store.inventory.find('d');
    assert.deepEqual(
      byObject.map((m) => [m.integrationId, m.identity.objectId]),
      [[tenant, 'd']],
    );
    assert.deepEqual(
      (await store.inventory.find('app-a')).map((m) => m.identity.objectId),
      ['a'],
    );
    const byName = await store.inventory.find('PAYROLL BOT');
    assert.deepEqual(
      byName
        .map((m) => `${m.integrationId === tenant ? 'contoso' : 'fabrikam'}:${m.identity.objectId}`)
        .sort(),
      ['contoso:c', 'fabrikam:z'],
    );
    assert.deepEqual(
      (await store.inventory.find('payroll bot', { integrationId: other })).map((m) => m.identity.objectId),
      ['z'],
    );
    // Removed since: found only as of a scan that still had it.
    assert.deepEqual(await store.inventory.find('shared-app'), []);
    assert.deepEqual(
      (await store.inventory.find('shared-app', { asOf: { scanId: scanIds[0]! } })).map(
        (m) => m.identity.objectId,
      ),
      ['b'],
    );
    assert.deepEqual(await store.inventory.find('Payroll'), []);
  });

  test('finds a GUID object id written in upper case', async () => {
    const guid = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    const id = (await store.integrations.create(newIntegration())).id;
    await scan(store, id, asFacts([identity(guid)]));
    assert.deepEqual(
      (await store.inventory.find(guid.toUpperCase())).map((m) => m.identity.objectId),
      [guid],
    );
  });
});
