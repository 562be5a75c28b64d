import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput, NotFound } from '../core/errors.ts';
import { assertReproducible } from '../core/risk/test-fixtures.ts';
import { ACCESS_NOT_READ } from '../core/risk/workload.ts';
import { riskFixture } from './risk-fixture.ts';
import { createRiskService, type RankedCredential } from './risk-service.ts';

const NOW = Date.parse('2026-11-23T00:00:00Z');

const service = () => {
  const fixture = riskFixture();
  return {
    ...fixture,
    risk: createRiskService({ store: fixture.store, lastUse: fixture.lastUse, now: () => NOW }),
  };
};
const keys = (ranked: RankedCredential[]) => ranked.map((entry) => entry.credential.keyId);

test('an application’s credentials are scored with its service principal’s reach, each credential once', async () => {
  const { risk } = service();
  const ranked = await risk.rank({ top: 5 });
  // On the service principal, out of App registrations' sight, and with tier-0 reach: the riskiest.
  assert.equal(ranked[0]!.credential.keyId, 'pay-sp-secret');
  assert.equal(ranked[0]!.credential.location, 'servicePrincipal');
  const appSecret = ranked.find((entry) => entry.credential.keyId === 'pay-secret')!;
  assert.equal(appSecret.identity.kind, 'application');
  assert.equal(appSecret.impact, 100);
  assert.ok(appSecret.factors.some((factor) => factor.id === 'reach_tier0_tenant'));
  assert.deepEqual(
    appSecret.reach.entries.map((entry) => [entry.name, entry.tier]),
    [['RoleManagement.ReadWrite.Directory', 0]],
  );
  assert.equal(new Set(keys(ranked)).size, ranked.length, 'no credential twice');
  for (let i = 1; i < ranked.length; i++)
    assert.ok(ranked[i - 1]!.score >= ranked[i]!.score, 'riskiest first');
  for (const entry of ranked) assertReproducible(entry);
});

test('last use comes per credential in its three states', async () => {
  const { risk } = service();
  const ranked = await risk.rank({ top: 1_000 });
  const of = (keyId: string) => ranked.find((entry) => entry.credential.keyId === keyId)!.lastUse;
  assert.deepEqual(of('pay-secret'), { state: 'used', at: '2026-10-30T00:00:00Z' });
  assert.equal(of('pay-sp-secret').state, 'not-seen');
  // fabrikam's sign-ins were never read: unknown, not "never used".
  const [fab] = await risk.rank({ top: 1, integration: 'fabrikam' });
  assert.equal(fab!.lastUse.state, 'unknown');
  assert.ok(fab!.factors.some((factor) => factor.id === 'last_use_unknown'));
});

test('access never read is unknown reach, never "no permissions"', async () => {
  const { risk } = service();
  const unread = (await risk.rank({ top: 1_000 })).find(
    (entry) => entry.credential.keyId === 'unread-secret',
  )!;
  assert.deepEqual(unread.reach.unknown, [ACCESS_NOT_READ]);
  const ids = unread.factors.map((factor) => factor.id);
  assert.ok(ids.includes('reach_unknown') && !ids.includes('reach_none'), ids.join());
});

test('a partner is looked for in the same integration only', async () => {
  const { risk } = service();
  const [fab] = await risk.rank({ top: 1, integration: 'fabrikam' });
  assert.equal(fab!.credential.keyId, 'fab-secret');
  assert.deepEqual(fab!.reach.entries, [], 'contoso’s tier-0 service principal is not its partner');
  assert.ok(fab!.factors.some((factor) => factor.id === 'reach_none'));
  const byTenant = await risk.rank({ top: 1_000, tenant: 't-fabrikam' });
  assert.deepEqual(keys(byTenant), ['fab-secret']);
});

test('the ranking streams page by page, keeps only the top, and looks partners up at most once a page', async () => {
  const { risk, calls, lastUse } = service();
  const all = await risk.rank({ top: 1_000 });
  assert.equal(all.length, 1_000, 'bounded by top');
  assert.ok(calls.page >= 3, `1,204 rows need several pages (got ${calls.page})`);
  // Pages can straddle both integrations: at most one look-up per page and integration.
  assert.ok(calls.byAppIds <= calls.page * 2, `${calls.byAppIds} look-ups for ${calls.page} pages`);
  assert.ok(lastUse.calls.forApps <= calls.page * 2);
  const five = await service().risk.rank({ top: 5 });
  assert.deepEqual(five, all.slice(0, 5), 'the top of a short ranking is the top of a long one');
});

test('a level keeps that level and above', async () => {
  const { risk } = service();
  const high = await risk.rank({ top: 1_000, level: 'high' });
  assert.ok(high.length > 0);
  assert.ok(high.every((entry) => entry.level === 'high' || entry.level === 'critical'));
  const all = await risk.rank({ top: 1_000 });
  assert.ok(high.length < all.length);
});

test('wrong input names its field; an unknown integration is NotFound', async () => {
  const { risk } = service();
  for (const top of [0, 1_001, 2.5, Number.NaN]) {
    await assert.rejects(risk.rank({ top }), (e) => e instanceof InvalidInput && e.field === 'top');
  }
  await assert.rejects(
    risk.rank({ top: 5, level: 'severe' as never }),
    (e) => e instanceof InvalidInput && e.field === 'level',
  );
  await assert.rejects(
    risk.rank({ top: 5, integration: 'nope' }),
    (e) => e instanceof NotFound && e.field === 'integration',
  );
});

test('scoreOf gives one workload one score, with every credential’s score and last use', async () => {
  const { risk, store } = service();
  const integration = { id: 'i-contoso', name: 'contoso', tenantId: 't-contoso' };
  const page = await store.inventory.page({ integrationId: 'i-contoso', now: NOW, limit: 5_000 });
  const payroll = page.rows.filter((row) => row.identity.displayName === 'Payroll');
  assert.equal(payroll.length, 2);
  const [ofApp, ofSp] = await Promise.all(
    payroll.map((row) => risk.scoreOf({ integration, identity: row.identity })),
  );
  assert.equal(ofApp!.score, ofSp!.score);
  assertReproducible(ofApp!);
  assert.deepEqual(ofApp!.credentials.map((c) => [c.keyId, c.location, c.lastUse.state]).sort(), [
    ['pay-secret', 'application', 'used'],
    ['pay-sp-secret', 'servicePrincipal', 'not-seen'],
  ]);
  assert.deepEqual(ofApp!.lastUse, { state: 'used', at: '2026-10-30T00:00:00Z' });
  assert.equal(ofApp!.reach.entries[0]!.tier, 0);
  assert.ok(
    ofApp!.factors.every((factor) => factor.text.trim()),
    'every factor says why',
  );
});
