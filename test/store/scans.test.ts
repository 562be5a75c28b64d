import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Conflict, InvalidInput, NotFound, ScanInProgress } from '../../src/core/errors.ts';
import type { ScanWriter, Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, federated, identity, newIntegration, owner, scan, secret } from './fixtures.ts';

forEachDatabase('store scans', (db) => {
  let store: Store;
  before(async () => {
    store = await db.open();
  });
  after(() => store.close());
  const integration = async () => (await store.integrations.create(newIntegration())).id;
  const ids = async (integrationId: string) =>
    (await store.inventory.list({ integrationId })).map((i) => i.objectId).sort();

  test('records a scan from begin to finish', async () => {
    const id = await integration();
    const startedAt = new Date('2026-03-01T10:00:00Z');
    const writer = await store.scans.begin(id, startedAt);
    const running = await store.scans.get(writer.id);
    assert.equal(running?.status, 'running');
    assert.equal(running?.finishedAt, null);
    await writer.stage(asFacts([identity('a'), identity('b')]));
    const finishedAt = new Date('2026-03-01T10:05:00Z');
    const record = await writer.finish({
      status: 'succeeded',
      summary: { requests: 3, warnings: [] },
      finishedAt,
    });
    assert.deepEqual(record, {
      id: writer.id,
      integrationId: id,
      status: 'succeeded',
      reason: null,
      summary: { requests: 3, warnings: [] },
      changes: { added: 2, changed: 0, removed: 0 },
      startedAt,
      finishedAt,
      parts: null,
      holder: running?.holder,
      leaseExpiresAt: null,
      mode: null,
    });
    assert.match(String(running?.holder), /pid \d+/);
    assert.ok(running?.leaseExpiresAt instanceof Date);
    assert.deepEqual(await store.scans.get(writer.id), record);
    assert.deepEqual(
      (await store.scans.list(id)).map((s) => s.id),
      [writer.id],
    );
    assert.ok((await store.scans.list()).some((s) => s.id === writer.id));
    await assert.rejects(writer.stage(asFacts([identity('c')])), InvalidInput);
    await assert.rejects(writer.finish({ status: 'failed', summary: {}, finishedAt }), InvalidInput);
  });

  test('begin on an unknown integration is NotFound', async () => {
    await assert.rejects(store.scans.begin('00000000-0000-4000-8000-000000000000', new Date()), NotFound);
    await assert.rejects(store.scans.begin('not-a-uuid', new Date()), NotFound);
  });

  test('readers see the previous scan until the next one commits', async () => {
    const id = await integration();
    await scan(store, id, asFacts([identity('old-1'), identity('old-2')]));
    const writer = await store.scans.begin(id, new Date());
    await writer.stage(asFacts([identity('old-1'), identity('new-1')]));
    assert.deepEqual(await ids(id), ['old-1', 'old-2']);
    await writer.stage(asFacts([identity('new-2')]));
    assert.deepEqual(await ids(id), ['old-1', 'old-2']);
    await writer.finish({
      status: 'succeeded',
      summary: {},
      finishedAt: new Date(),
      removal: { allowMass: true },
    });
    assert.deepEqual(await ids(id), ['new-1', 'new-2', 'old-1']);
  });

  test('readers during a commit see the old state or the new one, never a mix', async () => {
    const id = await integration();
    const before = Array.from({ length: 2_000 }, (_, n) => identity(`obj-${n}`));
    await scan(store, id, asFacts(before));
    const writer = await store.scans.begin(id, new Date());
    await writer.stage(asFacts(before.slice(1_000).map((i) => ({ ...i, displayName: 'renamed' }))));
    let done = false;
    const seen = new Set<string>();
    const finishing = writer
      .finish({ status: 'succeeded', summary: {}, finishedAt: new Date(), removal: { allowMass: true } })
      .finally(() => {
        done = true;
      });
    do {
      const now = await store.inventory.list({ integrationId: id });
      seen.add(`${now.length}/${now.filter((i) => i.displayName === 'renamed').length}`);
    } while (!done);
    await finishing;
    const after = await store.inventory.list({ integrationId: id });
    seen.add(`${after.length}/${after.filter((i) => i.displayName === 'renamed').length}`);
    assert.deepEqual(
      [...seen].filter((state) => state !== '2000/0' && state !== '1000/1000'),
      [],
    );
    assert.ok(seen.has('1000/1000'));
  });

  test('an unchanged identity adds no version; a changed one adds one', async () => {
    const id = await integration();
    await scan(store, id, asFacts([identity('same'), identity('edit')]));
    const unchanged = await scan(store, id, asFacts([identity('same'), identity('edit')]));
    assert.deepEqual(unchanged.changes, { added: 0, changed: 0, removed: 0 });
    assert.equal((await store.inventory.history(id, 'same')).length, 1);

    const changed = await scan(
      store,
      id,
      asFacts([identity('same'), identity('edit', { displayName: 'Edited', credentials: [secret('k1')] })]),
    );
    assert.deepEqual(changed.changes, { added: 0, changed: 1, removed: 0 });
    assert.equal((await store.inventory.history(id, 'same')).length, 1);
    const history = await store.inventory.history(id, 'edit');
    assert.deepEqual(
      history.map((h) => h.change),
      ['added', 'changed'],
    );
    assert.equal(history[1]?.identity?.displayName, 'Edited');
  });

  test('the same content in another order is unchanged (arrays are sorted)', async () => {
    const id = await integration();
    const creds = [secret('k2'), federated('f1', 'repo:a'), secret('k1')];
    await scan(
      store,
      id,
      asFacts([identity('x', { credentials: creds, owners: [owner('u2'), owner('u1')] })]),
    );
    const again = await scan(
      store,
      id,
      asFacts([identity('x', { credentials: [...creds].reverse(), owners: [owner('u1'), owner('u2')] })]),
    );
    assert.deepEqual(again.changes, { added: 0, changed: 0, removed: 0 });
  });

  test('a succeeded scan removes the identities it did not see', async () => {
    const id = await integration();
    await scan(store, id, asFacts([identity('stay'), identity('leave')]));
    const second = await scan(store, id, asFacts([identity('stay')]), { removal: { allowMass: true } });
    assert.deepEqual(second.changes, { added: 0, changed: 0, removed: 1 });
    assert.deepEqual(await ids(id), ['stay']);
    assert.deepEqual(
      (await store.inventory.history(id, 'leave')).map((h) => [h.change, h.identity?.objectId ?? null]),
      [
        ['added', 'leave'],
        ['removed', null],
      ],
    );
    // Seen again later: added anew.
    await scan(store, id, asFacts([identity('stay'), identity('leave')]));
    assert.deepEqual(
      (await store.inventory.history(id, 'leave')).map((h) => h.change),
      ['added', 'removed', 'added'],
    );
  });

  test('a partial scan applies adds and changes but removes nothing', async () => {
    const id = await integration();
    await scan(store, id, asFacts([identity('a'), identity('b'), identity('c')]));
    const partial = await scan(store, id, asFacts([identity('a', { displayName: 'A2' }), identity('d')]), {
      status: 'partial',
      reason: 'throttled',
    });
    assert.equal(partial.status, 'partial');
    assert.equal(partial.reason, 'throttled');
    assert.deepEqual(partial.changes, { added: 1, changed: 1, removed: 0 });
    assert.deepEqual(await ids(id), ['a', 'b', 'c', 'd']);
    const a = (await store.inventory.list({ integrationId: id })).find((i) => i.objectId === 'a');
    assert.equal(a?.displayName, 'A2');
  });

  test('a failed scan changes nothing and records its reason', async () => {
    const id = await integration();
    const first = await scan(store, id, asFacts([identity('a'), identity('b')]));
    const failed = await scan(
      store,
      id,
      asFacts([identity('a', { displayName: 'changed' }), identity('z')]),
      {
        status: 'failed',
        reason: 'token expired',
        summary: { requests: 1 },
      },
    );
    assert.equal(failed.status, 'failed');
    assert.equal(failed.reason, 'token expired');
    assert.deepEqual(failed.summary, { requests: 1 });
    assert.equal(failed.changes, null);
    const now = await store.inventory.list({ integrationId: id });
    assert.deepEqual(now, await store.inventory.list({ integrationId: id, asOf: { scanId: first.id } }));
    assert.deepEqual(
      now.map((i) => [i.objectId, i.displayName]),
      [
        ['a', 'App a'],
        ['b', 'App b'],
      ],
    );
    await assert.rejects(store.inventory.list({ asOf: { scanId: failed.id } }), InvalidInput);
  });

  test('assembles aspects: owners replace, federated credentials append, both sorted', async () => {
    const id = await integration();
    const writer = await store.scans.begin(id, new Date());
    await writer.stage([
      {
        aspect: 'identity',
        identity: identity('app', { owners: [owner('listed')], credentials: [secret('s2'), secret('s1')] }),
      },
      { aspect: 'identity', identity: identity('lonely', { owners: [owner('u9'), owner('u3')] }) },
      { aspect: 'identity', identity: identity('emptied', { owners: [owner('u5')] }) },
    ]);
    // Aspects may arrive in later pages, and before or after their identity.
    await writer.stage([
      { aspect: 'owners', objectId: 'app', owners: [owner('u2'), owner('u1')] },
      {
        aspect: 'federated',
        objectId: 'app',
        credentials: [federated('f2', 'repo:b'), federated('f1', 'repo:a')],
      },
      { aspect: 'owners', objectId: 'emptied', owners: [] },
      { aspect: 'owners', objectId: 'unknown-object', owners: [owner('u7')] },
    ]);
    await writer.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    const byId = new Map((await store.inventory.list({ integrationId: id })).map((i) => [i.objectId, i]));
    assert.deepEqual([...byId.keys()].sort(), ['app', 'emptied', 'lonely']);
    const app = byId.get('app')!;
    assert.deepEqual(
      app.owners.map((o) => o.objectId),
      ['u1', 'u2'],
    );
    assert.deepEqual(
      app.credentials.map((c) => [c.type, c.keyId]),
      [
        ['federated', 'f1'],
        ['federated', 'f2'],
        ['secret', 's1'],
        ['secret', 's2'],
      ],
    );
    assert.deepEqual(app.credentials[0], federated('f1', 'repo:a'));
    assert.deepEqual(
      byId.get('lonely')!.owners.map((o) => o.objectId),
      ['u3', 'u9'],
    );
    assert.deepEqual(byId.get('emptied')!.owners, []);
  });

  test('the latest fact about an object wins', async () => {
    const id = await integration();
    const writer = await store.scans.begin(id, new Date());
    await writer.stage(asFacts([identity('dup', { displayName: 'first' })]));
    await writer.stage(asFacts([identity('dup', { displayName: 'second' })]));
    await writer.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    assert.deepEqual(
      (await store.inventory.list({ integrationId: id })).map((i) => i.displayName),
      ['second'],
    );
  });

  test('facts about one object fold together in one batch and across batches, the later winning', async () => {
    const id = await integration();
    const writer = await store.scans.begin(id, new Date());
    // Within one batch: staging folds them before its upsert (a row may be touched once per statement).
    await writer.stage([
      { aspect: 'identity', identity: identity('app', { displayName: 'first' }) },
      { aspect: 'owners', objectId: 'app', owners: [owner('u1')] },
      { aspect: 'federated', objectId: 'app', credentials: [federated('f1', 'repo:old')] },
      { aspect: 'identity', identity: identity('app', { displayName: 'second' }) },
      { aspect: 'owners', objectId: 'app', owners: [owner('u2')] },
      { aspect: 'federated', objectId: 'app', credentials: [federated('f2', 'repo:b')] },
    ]);
    // Across batches: the database merges them; f1 is restated and the restatement wins.
    await writer.stage([
      { aspect: 'federated', objectId: 'app', credentials: [federated('f1', 'repo:new')] },
      { aspect: 'federated', objectId: 'app', credentials: [federated('f3', 'repo:c')] },
    ]);
    await writer.stage([{ aspect: 'owners', objectId: 'app', owners: [owner('u3')] }]);
    await writer.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    const [app] = await store.inventory.list({ integrationId: id });
    assert.equal(app!.displayName, 'second');
    assert.deepEqual(
      app!.owners.map((o) => o.objectId),
      ['u3'],
    );
    assert.deepEqual(
      app!.credentials.map((c) => [c.keyId, c.subject]),
      [
        ['f1', 'repo:new'],
        ['f2', 'repo:b'],
        ['f3', 'repo:c'],
      ],
    );
  });

  test('rejects facts that carry a secret value, and stages nothing of the batch', async () => {
    const id = await integration();
    const writer = await store.scans.begin(id, new Date());
    const leaky = { ...secret('k1'), secretText: 'abc~s3cr3t-value' };
    await assert.rejects(
      writer.stage(asFacts([identity('ok'), identity('leak', { credentials: [leaky] })])),
      (error) => {
        assert.ok(error instanceof InvalidInput);
        assert.match(error.message, /secretText/);
        assert.doesNotMatch(error.message, /s3cr3t/);
        return true;
      },
    );
    const keyed = { ...secret('k2'), type: 'certificate' as const, key: 'MIIBIjANBgkq' };
    await assert.rejects(
      writer.stage([{ aspect: 'federated', objectId: 'x', credentials: [keyed] }]),
      InvalidInput,
    );
    await assert.rejects(writer.stage(asFacts([{ ...identity('v'), value: 'pa55' } as never])), InvalidInput);
    const record = await writer.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    assert.deepEqual(record.changes, { added: 0, changed: 0, removed: 0 });
  });

  test('scans staging at once keep their own facts when another finishes', async () => {
    const first = await integration();
    const second = await integration();
    const a = await store.scans.begin(first, new Date());
    const b = await store.scans.begin(second, new Date());
    await a.stage(asFacts([identity('a1')]));
    await b.stage(asFacts([identity('b1')]));
    await a.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    await b.stage(asFacts([identity('b2')]));
    await b.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    assert.deepEqual(await ids(first), ['a1']);
    assert.deepEqual(await ids(second), ['b1', 'b2']);
  });

  test('one scan of an integration runs at a time; asking again names the running one', async () => {
    const id = await integration();
    const first = await store.scans.begin(id, new Date(), { holder: 'worker-a' });
    await assert.rejects(store.scans.begin(id, new Date()), (error) => {
      assert.ok(error instanceof ScanInProgress);
      assert.equal(error.scanId, first.id);
      assert.match(error.message, new RegExp(`scan ${first.id} .*already running.*worker-a`));
      return true;
    });
    // Another integration is not held up.
    const other = await store.scans.begin(await integration(), new Date());
    await other.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    await first.stage(asFacts([identity('a')]));
    await first.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    const next = await store.scans.begin(id, new Date());
    await next.finish({ status: 'failed', summary: {}, finishedAt: new Date() });
  });

  test('overlapping begins of one integration: exactly one wins, the rest name it', async () => {
    const id = await integration();
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, () => store.scans.begin(id, new Date())),
    );
    const winners = attempts.filter((a) => a.status === 'fulfilled');
    assert.equal(winners.length, 1);
    const winner = (winners[0] as PromiseFulfilledResult<ScanWriter>).value;
    for (const attempt of attempts.filter((a) => a.status === 'rejected')) {
      assert.ok(attempt.reason instanceof ScanInProgress);
      assert.equal(attempt.reason.scanId, winner.id);
    }
    await winner.finish({ status: 'failed', summary: {}, finishedAt: new Date() });
  });

  test('a scan whose lease expired is recorded as abandoned and never commits afterwards', async () => {
    const id = await integration();
    await scan(store, id, asFacts([identity('kept')]));
    // A process that stopped renewing (suspended, partitioned): no renewals, and the lease lapses.
    const stalled = await store.scans.begin(id, new Date(), {
      holder: 'stalled-host pid 1',
      leaseMs: 300,
      renewEveryMs: 0,
    });
    await stalled.stage(asFacts([identity('kept', { displayName: 'from the stalled scan' })]));
    await assert.rejects(store.scans.begin(id, new Date()), ScanInProgress);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const fresh = await store.scans.begin(id, new Date());
    const abandoned = await store.scans.get(stalled.id);
    assert.equal(abandoned?.status, 'failed');
    assert.match(String(abandoned?.reason), /^abandoned: stalled-host pid 1 stopped renewing its lease/);
    await assert.rejects(
      stalled.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() }),
      (error) => error instanceof Conflict && /abandoned/.test(error.message),
    );
    await fresh.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    assert.deepEqual(
      (await store.inventory.list({ integrationId: id })).map((i) => i.displayName),
      ['App kept'],
    );
  });

  test('a running scan renews its lease while its process lives', async () => {
    const id = await integration();
    const writer = await store.scans.begin(id, new Date(), { leaseMs: 600 });
    const first = (await store.scans.get(writer.id))!.leaseExpiresAt!;
    await new Promise((resolve) => setTimeout(resolve, 900));
    const later = (await store.scans.get(writer.id))!.leaseExpiresAt!;
    assert.ok(later > first, `lease ${later.toISOString()} renewed past ${first.toISOString()}`);
    // Still owned: another begin is refused, not allowed to abandon it.
    await assert.rejects(store.scans.begin(id, new Date()), ScanInProgress);
    await writer.finish({ status: 'failed', summary: {}, finishedAt: new Date() });
  });

  test('staging for a scan whose integration was deleted is NotFound', async () => {
    const created = await store.integrations.create(newIntegration());
    const writer = await store.scans.begin(created.id, new Date());
    await store.integrations.delete(created.name);
    await assert.rejects(writer.stage(asFacts([identity('x')])), NotFound);
    await assert.rejects(
      writer.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() }),
      NotFound,
    );
  });

  test('stages large batches in several statements', async () => {
    const id = await integration();
    const many = Array.from({ length: 5_000 }, (_, n) => identity(`obj-${String(n).padStart(5, '0')}`));
    const record = await scan(store, id, asFacts(many));
    assert.deepEqual(record.changes, { added: 5_000, changed: 0, removed: 0 });
    assert.equal((await store.inventory.list({ integrationId: id })).length, 5_000);
  });
});
