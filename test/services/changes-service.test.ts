// `changes` over a real store, on PGlite and PostgreSQL: each scan against the commit before it, field by field,
// grouped by publisher; a partial scan reports no removal; unchanged identities whose credentials entered the
// expiry window are found; pages of scans and of pairs give the same answer as one page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Grant } from '../../src/core/access.ts';
import type { Change } from '../../src/core/changes.ts';
import { InvalidInput, NotFound } from '../../src/core/errors.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import type { Identity } from '../../src/core/inventory.ts';
import type { ScanPart } from '../../src/core/scan-parts.ts';
import { MICROSOFT_GRAPH_APP_ID } from '../../src/core/tiers/tier-table.ts';
import { type ChangesReport, createChangesService } from '../../src/services/changes-service.ts';
import type { Store } from '../../src/store/index.ts';
import { asFacts, identity, newIntegration, owner, scan, secret } from '../store/fixtures.ts';
import { forEachDatabase } from '../support/databases.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY);

const PARTS: ScanPart[] = [
  { name: 'applications', kind: 'application', aspect: 'identity', complete: true },
  { name: 'service-principals', kind: 'servicePrincipal', aspect: 'identity', complete: true },
  {
    name: 'service-principal-access',
    kind: 'servicePrincipal',
    aspect: 'access',
    optional: true,
    complete: true,
  },
];
const graphRole = (permission: string): Grant => ({
  kind: 'app-role',
  resourceId: 'graph-sp',
  resourceAppId: MICROSOFT_GRAPH_APP_ID,
  resourceDisplayName: 'Microsoft Graph',
  permission,
});

/** An application and its service principal (same appId), a vendor's service principal, a doomed app. */
function tenant(
  overrides: {
    app?: Partial<Identity>;
    sp?: Partial<Identity>;
    vendor?: Partial<Identity>;
    grants?: Grant[];
    without?: string;
  } = {},
) {
  const identities = [
    identity('payroll-app', {
      appId: 'payroll',
      displayName: 'Payroll',
      owners: [owner('ana'), owner('bo')],
      credentials: [secret('s1')],
      ...overrides.app,
    }),
    identity('payroll-sp', {
      kind: 'servicePrincipal',
      appId: 'payroll',
      displayName: 'Payroll',
      servicePrincipalType: 'Application',
      ...overrides.sp,
    }),
    identity('vendor-sp', {
      kind: 'servicePrincipal',
      appId: 'vendor',
      displayName: 'Vendor CRM',
      servicePrincipalType: 'Application',
      publisher: 'third-party',
      ...overrides.vendor,
    }),
    identity('old-app', { appId: 'old', displayName: 'Old tool' }),
    // Enough others that one removal stays under the store's mass-removal guard (20 %).
    ...Array.from({ length: 8 }, (_, n) => identity(`quiet-${n}`, { displayName: `Quiet ${n}` })),
  ].filter((i) => i.objectId !== overrides.without);
  const facts: IdentityFact[] = asFacts(identities);
  for (const sp of identities.filter((i) => i.kind === 'servicePrincipal')) {
    const grants = sp.objectId === 'payroll-sp' ? (overrides.grants ?? [graphRole('User.Read.All')]) : [];
    facts.push({ aspect: 'access', objectId: sp.objectId, grants });
  }
  return facts;
}

const flat = (report: ChangesReport['scans'][number]) =>
  Object.values(report.changes)
    .flat()
    .map((c: Change) => `${c.identity.objectId} ${c.type}${'field' in c ? ` ${c.field}` : ''}`);

forEachDatabase('changes service', (db) => {
  let store: Store;
  let integrationId: string;
  const scans: number[] = [];
  before(async () => {
    store = await db.open();
    ({ id: integrationId } = await store.integrations.create(newIntegration('contoso')));
    const run = async (facts: IdentityFact[], days: number, extra: Parameters<typeof scan>[3] = {}) =>
      scans.push(
        (await scan(store, integrationId, facts, { parts: PARTS, finishedAt: at(days), ...extra })).id,
      );
    await run(tenant(), 0);
    // A secret added, an owner gone, a tier-0 grant, the vendor renamed, the old app gone.
    await run(
      tenant({
        app: { credentials: [secret('s1'), secret('s2', { displayName: 'ci' })], owners: [owner('ana')] },
        vendor: { displayName: 'Vendor CRM 2' },
        grants: [graphRole('User.Read.All'), graphRole('RoleManagement.ReadWrite.Directory')],
        without: 'old-app',
      }),
      1,
    );
    // A failed scan records nothing.
    const writer = await store.scans.begin(integrationId, at(1.5));
    await writer.finish({ status: 'failed', reason: 'Graph was down', summary: {}, finishedAt: at(1.6) });
    scans.push(writer.id);
    // Partial: the vendor went unseen, which proves nothing.
    await run(
      tenant({
        app: { credentials: [secret('s1'), secret('s2', { displayName: 'ci' })], owners: [owner('ana')] },
        grants: [graphRole('User.Read.All'), graphRole('RoleManagement.ReadWrite.Directory')],
        without: 'vendor-sp',
      }).filter((f) => f.aspect !== 'identity' || f.identity.objectId !== 'old-app'),
      2,
      { status: 'partial', reason: 'some data could not be read' },
    );
  });
  after(() => store.close());

  const service = (pageSize?: { scans?: number; pairs?: number }) =>
    createChangesService({ store, now: () => at(3).getTime(), ...(pageSize ? { pageSize } : {}) });

  test('each scan against the commit before it: field by field, grouped by publisher', async () => {
    const report = await service().collect({ integration: 'contoso' });
    assert.deepEqual(
      report.scans.map((s) => [s.scanId, s.status, s.baseline, s.removalsReported]),
      [
        [scans[0], 'succeeded', true, true],
        [scans[1], 'succeeded', false, true],
        [scans[2], 'failed', false, false],
        [scans[3], 'partial', false, false],
      ],
    );
    const [first, second, failed, partial] = report.scans;
    assert.deepEqual(flat(first!), [], 'the first scan is the baseline: nothing to compare with');
    assert.deepEqual(first!.counts, { added: 12, changed: 0, removed: 0 });
    assert.deepEqual(second!.previous, { scanId: scans[0], finishedAt: at(0).toISOString() });
    assert.deepEqual(flat(second!).sort(), [
      'old-app identity.removed',
      'payroll-app credential.added',
      'payroll-app owner.removed',
      'payroll-app risk.changed',
      'payroll-sp permission.granted',
      'vendor-sp identity.changed displayName',
    ]);
    assert.deepEqual(
      second!.changes['third-party'].map((c) => c.summary),
      ['display name: "Vendor CRM" → "Vendor CRM 2"'],
    );
    const granted = second!.changes.own.find((c) => c.type === 'permission.granted')!;
    assert.equal(granted.severity, 'high');
    assert.equal(granted.summary, 'granted tier 0 RoleManagement.ReadWrite.Directory (app permission)');
    const added = second!.changes.own.find((c) => c.type === 'credential.added')!;
    assert.equal(added.summary, 'secret "ci" (s2) added');
    assert.deepEqual(flat(failed!), []);
    assert.equal(failed!.reason, 'Graph was down');
    assert.equal(failed!.counts, null);
    assert.deepEqual(flat(partial!), [], 'the vendor went unseen by a partial scan: not removed');
    assert.equal(partial!.previous?.scanId, scans[1]);
  });

  test('an application and its service principal changed together report their workload’s risk once', async () => {
    const { id } = await store.integrations.create(newIntegration('fabrikam'));
    await scan(store, id, tenant(), { parts: PARTS, finishedAt: at(0) });
    const record = await scan(
      store,
      id,
      tenant({
        app: { credentials: [secret('s1'), secret('s3')] },
        grants: [graphRole('User.Read.All'), graphRole('RoleManagement.ReadWrite.Directory')],
      }),
      { parts: PARTS, finishedAt: at(1) },
    );
    const report = await service().collect({ integration: 'fabrikam' });
    const changes = flat(report.scans.find((s) => s.scanId === record.id)!);
    assert.equal(changes.filter((c) => c.endsWith('risk.changed')).length, 1, changes.join());
  });

  test('a credential that entered the 30 days between two scans, on an identity they did not change', async () => {
    const { id } = await store.integrations.create(newIntegration('expiring'));
    const facts = asFacts([
      identity('quiet', { credentials: [secret('k', { endDateTime: at(35).toISOString() })] }),
    ]);
    await scan(store, id, facts, { finishedAt: at(0) });
    const record = await scan(store, id, facts, { finishedAt: at(10) });
    assert.deepEqual(record.changes, { added: 0, changed: 0, removed: 0 });
    const report = await service().collect({ integration: 'expiring', since: '30d' });
    const [change] = report.scans.find((s) => s.scanId === record.id)!.changes.own;
    assert.ok(change?.type === 'credential.expiring', JSON.stringify(change));
    assert.equal(change.daysLeft, 25);
  });

  test('small pages of scans and pairs give the same answer as one page', async () => {
    const whole = await service().collect({});
    const paged = await service({ scans: 1, pairs: 1 }).collect({});
    assert.deepEqual(paged, whole);
    assert.ok(whole.scans.length >= 8);
    const names = new Set(whole.scans.map((s) => s.integration.name));
    assert.deepEqual([...names].sort(), ['contoso', 'expiring', 'fabrikam']);
    for (let i = 1; i < whole.scans.length; i++)
      assert.ok(whole.scans[i - 1]!.finishedAt <= whole.scans[i]!.finishedAt, 'oldest first');
  });

  test('--since bounds the scans; a bad duration or an unknown integration is named', async () => {
    const recent = await service().collect({ integration: 'contoso', since: '1d' });
    assert.deepEqual(
      recent.scans.map((s) => s.scanId),
      [scans[3]],
    );
    await assert.rejects(service().collect({ since: 'bogus' }), (error: unknown) => {
      assert.ok(error instanceof InvalidInput);
      assert.equal(error.field, 'since');
      assert.match(error.message, /"bogus" is not a duration/);
      assert.match(error.fix ?? '', /--since 45m, 12h, 7d or 2w/);
      return true;
    });
    await assert.rejects(service().collect({ integration: 'nope' }), NotFound);
  });
});
