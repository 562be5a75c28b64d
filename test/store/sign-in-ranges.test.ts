// The ranges applications sign in from and their `signin.suspicious` events, written in the scan's commit on both
// databases: an integration's first reading is a baseline, a later one records what is new once, the same sign-ins
// read again add nothing, and a scan whose sign-in part (or whole) failed changes nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ScanPart } from '../../src/core/scan-parts.ts';
import { createSignInTally, type SignInLogEntry } from '../../src/core/sign-in-ranges.ts';
import { signInEventsFor } from '../../src/services/sign-in-events.ts';
import type { Integration, Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, identity, newIntegration, scan } from './fixtures.ts';

const APP = '0e0e0e0e-0000-4000-8000-00000000a11a';
const SINK = 'siem';

const part = (complete: boolean): ScanPart => ({
  name: 'sign-in-activity',
  kind: 'servicePrincipal',
  aspect: 'last-use',
  optional: true,
  complete,
  ...(complete ? {} : { reason: 'Graph kept failing' }),
});

const ok = (ip: string, at: string): SignInLogEntry => ({ appId: APP, ipAddress: ip, at, success: true });
const failures = (from: string, n: number): SignInLogEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    appId: APP,
    ipAddress: '198.51.100.7',
    at: new Date(Date.parse(from) + i * 20_000).toISOString(),
    success: false,
    errorCode: 7000215,
  }));

/** One reading of the log: its window and tally, as the collector hands it to the commit. */
function reading(
  since: string,
  readThrough: string,
  entries: SignInLogEntry[],
  countFrom: string | null = null,
) {
  const tally = createSignInTally(countFrom);
  for (const entry of entries) tally.add(entry);
  return { since, readThrough, activity: tally.result() };
}

forEachDatabase('sign-in ranges', (database) => {
  let store: Store;
  let integration: Integration;
  before(async () => {
    store = await database.open();
    integration = await store.integrations.create(newIntegration());
  });
  after(() => store.close());

  const facts = asFacts([
    identity('sp-1', { appId: APP, kind: 'servicePrincipal', displayName: 'Billing Sync' }),
    identity('app-1', { appId: APP, kind: 'application', displayName: 'Billing Sync (app)' }),
  ]);
  async function commit(
    signIns: ReturnType<typeof reading> | undefined,
    options: { complete?: boolean; status?: 'succeeded' | 'failed'; at: string },
  ) {
    const finishedAt = new Date(options.at);
    return scan(store, integration.id, facts, {
      status: options.status ?? 'succeeded',
      finishedAt,
      parts: [part(options.complete ?? true)],
      ...(signIns ? { signIns, signInEvents: signInEventsFor(integration, [SINK], finishedAt) } : {}),
    });
  }
  const ranges = async () =>
    (
      await store.executeRaw(
        `select ip_range, first_seen_at, last_seen_at, sign_ins from sign_in_ranges
         where integration_id = $1 and app_id = $2 order by ip_range`,
        [integration.id, APP],
      )
    ).rows.map((r) => [r.ip_range, new Date(r.first_seen_at as string).toISOString(), r.sign_ins]);
  const events = async () =>
    (
      await store.executeRaw(
        `select event from outbox_events where type = 'signin.suspicious' and event->'integration'->>'id' = $1
         order by id`,
        [integration.id],
      )
    ).rows.map(
      (r) => r.event as { id: string; data: Record<string, unknown>; subject?: { objectId: string } },
    );

  test('the first reading is the baseline: ranges kept, no event even for a burst', async () => {
    await commit(
      reading('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', [
        ok('203.0.113.5', '2026-11-20T10:00:00Z'),
        ok('203.0.113.99', '2026-11-30T10:00:00Z'),
        ok('2001:db8:1:2::3', '2026-11-25T10:00:00Z'),
        ok('not-an-ip', '2026-11-25T11:00:00Z'),
        ...failures('2026-11-30T12:00:00Z', 12),
      ]),
      { at: '2026-12-01T00:00:01Z' },
    );
    assert.deepEqual(await ranges(), [
      ['2001:db8:1::/48', '2026-11-25T10:00:00.000Z', 1],
      ['203.0.113.0/24', '2026-11-20T10:00:00.000Z', 2],
    ]);
    assert.deepEqual(await events(), []);
  });

  const second = () =>
    reading(
      '2026-11-30T22:00:00Z',
      '2026-12-02T00:00:00Z',
      [
        ok('203.0.113.5', '2026-11-30T23:00:00Z'), // counted by the first reading already
        ok('203.0.113.6', '2026-12-01T09:00:00Z'),
        ok('192.0.2.44', '2026-12-01T10:00:00Z'),
        ...failures('2026-12-01T11:02:00Z', 10),
      ],
      '2026-12-01T00:00:00Z',
    );

  test('a later reading records a new range and a burst once, with the ranges, in the commit', async () => {
    await commit(second(), { at: '2026-12-02T00:00:01Z' });
    assert.deepEqual(await ranges(), [
      ['192.0.2.0/24', '2026-12-01T10:00:00.000Z', 1],
      ['2001:db8:1::/48', '2026-11-25T10:00:00.000Z', 1],
      ['203.0.113.0/24', '2026-11-20T10:00:00.000Z', 3],
    ]);
    const found = await events();
    assert.deepEqual(
      found.map((e) => [e.data.reason, e.data.range ?? e.data.windowStart, e.subject?.objectId]),
      [
        ['new-range', '192.0.2.0/24', 'sp-1'],
        ['failure-burst', '2026-12-01T11:00:00.000Z', 'sp-1'],
      ],
    );
    const pending = await store.outbox.backlog();
    assert.equal(pending.find((b) => b.sink === SINK)?.pending, 2);
  });

  test('the same sign-ins read again (readings overlap, or a scan retried) add no event', async () => {
    await commit(second(), { at: '2026-12-02T00:10:00Z' });
    assert.equal((await events()).length, 2);
  });

  test('a scan whose sign-in part failed, or that failed, keeps no range and records nothing', async () => {
    const before = await ranges();
    const unusual = reading('2026-12-01T22:00:00Z', '2026-12-03T00:00:00Z', [
      ok('198.18.0.1', '2026-12-02T10:00:00Z'),
    ]);
    await commit(unusual, { complete: false, at: '2026-12-03T00:00:01Z' });
    await commit(unusual, { status: 'failed', at: '2026-12-03T00:00:02Z' });
    assert.deepEqual(await ranges(), before);
    assert.equal((await events()).length, 2);
    // The next complete reading still sees it as new: nothing of it was lost.
    await commit(unusual, { at: '2026-12-03T00:00:03Z' });
    assert.deepEqual((await events()).map((e) => e.data.range).filter(Boolean), [
      '192.0.2.0/24',
      '198.18.0.0/24',
    ]);
  });
});
