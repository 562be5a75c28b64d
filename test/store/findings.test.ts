// Findings across evaluations: opened once, kept while failing, resolved when the check passes, left alone when
// the check could not judge, reopened when it fails again; suppressions match, expire and are lifted with a trail.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Evaluation, Finding } from '../../src/core/checks/evaluate.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { newIntegration } from './fixtures.ts';

const finding = (objectId: string, keyId = '', checkId = 'credential_expired'): Finding => ({
  checkId,
  objectId,
  kind: 'application',
  appId: `app-${objectId}`,
  displayName: `Name of ${objectId}`,
  keyId,
  severity: 'high',
  message: `${objectId} ${keyId} fails`,
});
const evaluation = (findings: Finding[], unknownSubjects: string[] = []): Evaluation => ({
  findings,
  unknownSubjects,
  tallies: [
    {
      checkId: 'credential_expired',
      passed: 1,
      failed: findings.length,
      unknown: unknownSubjects.length,
      notApplicable: 0,
      unknownReasons: unknownSubjects.length
        ? [{ reason: 'owners not read', count: unknownSubjects.length }]
        : [],
    },
  ],
});
const at = (day: number) => new Date(Date.UTC(2026, 10, day));
const subjects = (list: { objectId: string; keyId: string }[]) =>
  list.map((f) => `${f.objectId}/${f.keyId}`).sort();

forEachDatabase('findings', (database) => {
  let store: Store;
  before(async () => {
    store = await database.open();
  });
  after(() => store.close());

  test('open, keep, resolve, leave unknown alone, reopen', async () => {
    const { id } = await store.integrations.create(newIntegration());
    const first = await store.findings.reconcile(
      id,
      null,
      evaluation([finding('a', 'k1'), finding('b')]),
      at(1),
    );
    assert.deepEqual(subjects(first.opened), ['a/k1', 'b/']);
    assert.deepEqual(first.resolved, []);

    // Still failing: nothing new opens; the first-seen time stays.
    const second = await store.findings.reconcile(
      id,
      null,
      evaluation([finding('a', 'k1'), finding('b')]),
      at(2),
    );
    assert.deepEqual(second.opened, []);
    const open = await store.findings.list({ integrationId: id });
    assert.deepEqual(
      open.map((f) => [f.objectId, f.firstSeenAt.slice(0, 10), f.lastSeenAt.slice(0, 10)]).sort(),
      [
        ['a', '2026-11-01', '2026-11-02'],
        ['b', '2026-11-01', '2026-11-02'],
      ],
    );

    // a passes now; b could not be judged: only a resolves.
    const third = await store.findings.reconcile(id, null, evaluation([], ['credential_expired b']), at(3));
    assert.deepEqual(subjects(third.resolved), ['a/k1']);
    assert.deepEqual(subjects(await store.findings.list({ integrationId: id })), ['b/']);
    const [tally] = await store.findings.tallies(id);
    assert.equal(tally!.unknown, 1);
    assert.deepEqual(tally!.unknownReasons, [{ reason: 'owners not read', count: 1 }]);

    // a fails again: reopened, counted as opened, first seen anew.
    const fourth = await store.findings.reconcile(
      id,
      null,
      evaluation([finding('a', 'k1'), finding('b')]),
      at(4),
    );
    assert.deepEqual(subjects(fourth.opened), ['a/k1']);
    const reopened = (await store.findings.list({ integrationId: id })).find((f) => f.objectId === 'a')!;
    assert.equal(reopened.state, 'open');
    assert.equal(reopened.resolvedAt, null);
    assert.equal(reopened.firstSeenAt.slice(0, 10), '2026-11-04');
    const all = await store.findings.list({ integrationId: id, states: ['open', 'resolved'] });
    assert.equal(all.length, 2, 'one row per subject, however often it opened');
  });

  test('a suppression covers its check, identity and credential until it expires or is lifted', async () => {
    const { id } = await store.integrations.create(newIntegration());
    await store.findings.reconcile(
      id,
      null,
      evaluation([finding('a', 'k1'), finding('a', 'k2'), finding('b')]),
      at(1),
    );
    const suppression = await store.findings.suppress({
      integrationId: id,
      checkId: 'credential_expired',
      objectId: 'a',
      keyId: null,
      reason: 'decommissioned next sprint',
      expiresAt: at(10),
      createdBy: 'ana@contoso.com',
    });
    const suppressed = (now: Date) =>
      store.findings.list({ integrationId: id, now }).then((list) =>
        list
          .filter((f) => f.suppression)
          .map((f) => `${f.objectId}/${f.keyId}`)
          .sort(),
      );
    assert.deepEqual(await suppressed(at(5)), ['a/k1', 'a/k2']);
    assert.deepEqual(await suppressed(at(11)), [], 'expired');
    assert.equal(await store.findings.lift(suppression.id, 'bo@contoso.com', at(6)), true);
    assert.equal(await store.findings.lift(suppression.id, 'bo@contoso.com', at(6)), false, 'lifted once');
    assert.deepEqual(await suppressed(at(7)), []);
    const [trail] = await store.findings.suppressions(id);
    assert.deepEqual(
      [trail!.reason, trail!.createdBy, trail!.liftedBy, trail!.liftedAt?.slice(0, 10)],
      ['decommissioned next sprint', 'ana@contoso.com', 'bo@contoso.com', '2026-11-06'],
    );
  });
});

forEachDatabase('finding events', (database) => {
  let store: Store;
  before(async () => {
    store = await database.open();
  });
  after(() => store.close());

  test('an evaluation records its opened and resolved findings as events for each sink, in its transaction', async () => {
    const integration = await store.integrations.create(newIntegration());
    const sink = `siem-${integration.id}`;
    const events = {
      sinks: [sink],
      of: (r: { opened: { objectId: string }[]; resolved: { objectId: string }[] }) => [
        ...r.opened.map((f) => eventFor('finding.opened', f.objectId)),
        ...r.resolved.map((f) => eventFor('finding.resolved', f.objectId)),
      ],
    };
    await store.findings.reconcile(
      integration.id,
      null,
      evaluation([finding('a'), finding('b')]),
      at(1),
      events,
    );
    await store.findings.reconcile(integration.id, null, evaluation([finding('b')]), at(2), events);
    const claimed = await store.outbox.claim(sink, 10, at(3), 60_000);
    assert.deepEqual(
      claimed.map((c) => `${c.event.type} ${c.event.subject?.objectId}`),
      ['finding.opened a', 'finding.opened b', 'finding.resolved a'],
    );
    await store.outbox.delivered(
      sink,
      claimed.map((c) => c.outboxId),
    );

    // An evaluation that fails after its events were built records neither findings nor events.
    const failing = {
      sinks: [sink],
      of: () => [eventFor('finding.opened', 'c'), { ...eventFor('x', 'c'), time: 'not a time' }],
    };
    await assert.rejects(
      store.findings.reconcile(
        integration.id,
        null,
        evaluation([finding('b'), finding('c')]),
        at(4),
        failing as never,
      ),
    );
    assert.ok(
      !(await store.findings.list({ integrationId: integration.id })).some((f) => f.objectId === 'c'),
    );
    assert.equal((await store.outbox.claim(sink, 10, at(5), 60_000)).length, 0);
  });
});

function eventFor(type: string, objectId: string) {
  return {
    id: randomUUID(),
    type: type as 'finding.opened',
    time: at(1).toISOString(),
    severity: 'high' as const,
    integration: null,
    subject: { objectId, appId: `app-${objectId}`, displayName: objectId, kind: 'application' as const },
    summary: `${type} ${objectId}`,
    data: {},
  };
}
