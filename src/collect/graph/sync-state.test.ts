import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAuditedChanges } from './audit-changes.ts';
import { readDeltaRound } from './delta.ts';
import { QueryRefused } from './graph-errors.ts';
import { chooseScanMode, DEFAULT_FULL_EVERY_MS, parseSyncState, type SyncState } from './sync-state.ts';
import type { RequestOptions } from './transport.ts';

const NOW = new Date('2026-12-02T12:00:00Z');
const state = (fullScanAt: string, withAccess = true): SyncState => ({
  version: 1,
  deltaLinks: {
    applications: 'https://g/v1.0/applications/delta?$deltatoken=a',
    servicePrincipals: 'https://g/v1.0/servicePrincipals/delta?$deltatoken=b',
  },
  auditsFrom: fullScanAt,
  fullScanAt,
  withAccess,
});

test('full when asked, with nothing to resume from, past the interval, or for access a full scan skipped', () => {
  const recent = state('2026-12-01T12:00:00Z');
  const cases: Array<
    [string, unknown, Parameters<typeof chooseScanMode>[1], 'full' | 'incremental', RegExp?]
  > = [
    ['resumes', recent, { now: NOW, access: true }, 'incremental'],
    ['asked', recent, { now: NOW, full: true }, 'full', /asked/],
    ['first', null, { now: NOW }, 'full', /first scan/],
    ['garbled', { version: 1 }, { now: NOW }, 'full', /no delta links/],
    ['old', state('2026-11-20T12:00:00Z'), { now: NOW }, 'full', /12 d ago, longer than .* 7 d/],
    ['short interval', recent, { now: NOW, fullEveryMs: 3_600_000 }, 'full', /24 h ago, longer than .* 1 h/],
    [
      'no access before',
      state('2026-12-01T12:00:00Z', false),
      { now: NOW, access: true },
      'full',
      /did not read access/,
    ],
    ['no access now', state('2026-12-01T12:00:00Z', false), { now: NOW, access: false }, 'incremental'],
  ];
  for (const [name, stored, options, mode, reason] of cases) {
    const choice = chooseScanMode(stored, options);
    assert.equal(choice.mode, mode, name);
    if (reason && choice.mode === 'full') assert.match(choice.reason, reason, name);
  }
  assert.equal(DEFAULT_FULL_EVERY_MS, 7 * 86_400_000);
  assert.equal(parseSyncState({ ...recent, deltaLinks: { applications: 'x' } }), null);
});

/** A transport whose pages come from a script of bodies per URL. */
function fakePages(bodies: Record<string, Array<{ value: unknown[]; deltaLink?: string }> | Error>) {
  const asked: string[] = [];
  return {
    asked,
    async *pages<T>(url: string, options: RequestOptions = {}): AsyncIterable<T[]> {
      asked.push(url);
      const script = bodies[url];
      if (script instanceof Error) throw script;
      for (const [i, page] of (script ?? []).entries()) {
        if (i === (script ?? []).length - 1 && page.deltaLink) options.onDeltaLink?.(page.deltaLink);
        yield page.value as T[];
      }
    },
    async get<T>(): Promise<T> {
      throw new Error('not used');
    },
  };
}

test('a delta round: the last mention of an object decides, removals keep their reason, the link is kept', async () => {
  const transport = fakePages({
    start: [
      { value: [{ id: 'A' }, { id: 'b', '@removed': { reason: 'deleted' } }] },
      {
        value: [{ id: 'c', '@removed': { reason: 'changed' } }, { id: 'a' }, { id: 'C' }],
        deltaLink: 'next',
      },
    ],
    broken: [{ value: [{ id: 'a' }] }],
  });
  const round = await readDeltaRound(transport, 'start', { signal: new AbortController().signal });
  assert.deepEqual([...round.changed].sort(), ['a', 'c']);
  assert.deepEqual([...round.removed], [['b', 'deleted']]);
  assert.equal(round.deltaLink, 'next');
  assert.equal(round.pages, 2);
  await assert.rejects(
    readDeltaRound(transport, 'broken', { signal: new AbortController().signal }),
    /without a deltaLink/,
  );
});

test('the audit log: targets and the ObjectID properties of owner records; without the category filter if refused', async () => {
  const app = '11111111-1111-4111-8111-111111111111';
  const sp = '22222222-2222-4222-8222-222222222222';
  const owned = '33333333-3333-4333-8333-333333333333';
  const records = [
    { category: 'ApplicationManagement', targetResources: [{ id: app, type: 'Application' }] },
    {
      category: 'ApplicationManagement',
      targetResources: [{ id: sp.toUpperCase(), type: 'ServicePrincipal' }],
    },
    {
      category: 'ApplicationManagement',
      targetResources: [
        {
          id: '44444444-4444-4444-8444-444444444444',
          type: 'User',
          modifiedProperties: [
            { displayName: 'Application.ObjectID', oldValue: null, newValue: `"${owned}"` },
          ],
        },
      ],
    },
    {
      category: 'UserManagement',
      targetResources: [{ id: '55555555-5555-4555-8555-555555555555', type: 'Application' }],
    },
  ];
  const since = new Date('2026-12-01T10:00:00Z');
  const withCategory = `/auditLogs/directoryAudits?$filter=${encodeURIComponent(
    `activityDateTime ge ${since.toISOString()} and category eq 'ApplicationManagement'`,
  )}&$top=999`;
  const without = `/auditLogs/directoryAudits?$filter=${encodeURIComponent(`activityDateTime ge ${since.toISOString()}`)}&$top=999`;
  const transport = fakePages({
    [withCategory]: new QueryRefused('refused'),
    [without]: [{ value: records }],
  });
  const changes = await readAuditedChanges(transport, { since, signal: new AbortController().signal });
  assert.deepEqual([...changes.applications].sort(), [app, owned]);
  assert.deepEqual([...changes.servicePrincipals], [sp]);
  assert.equal(changes.records, 4);
  assert.deepEqual(transport.asked, [withCategory, without]);
});
