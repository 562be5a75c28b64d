import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeTimer } from './fake-timer.ts';
import { createLimiters, REPORTS_LIMIT, requestClass } from './limiters.ts';

const BUDGET = { resourceUnitsPerWindow: 100, windowMs: 1000, headroom: 0 };
const directoryCost = { resourceUnits: 2, keyCredentials: false };

test('requests are classed by the limit Graph counts them against', () => {
  const cases: Array<[string, string]> = [
    ['https://graph.microsoft.com/v1.0/applications?$top=999', 'directory'],
    ['https://graph.microsoft.com/beta/reports/servicePrincipalSignInActivities', 'reports'],
    ['https://graph.microsoft.com/v1.0/auditLogs/signIns?$filter=x', 'reports'],
    ['https://graph.microsoft.com/v1.0/AuditLogs/directoryAudits', 'reports'],
    ['https://graph.microsoft.com/v1.0/servicePrincipals/reports-app/owners', 'directory'],
  ];
  for (const [url, cls] of cases) assert.equal(requestClass(url), cls, url);
});

test('transports naming the same tenant and app share one budget, until the last lets go', () => {
  const timer = createFakeTimer();
  const first = createLimiters({ ...BUDGET, key: 'T1/App', timer });
  const second = createLimiters({ ...BUDGET, key: 't1/app', timer });
  const other = createLimiters({ ...BUDGET, key: 't2/app', timer });
  const unkeyed = createLimiters({ ...BUDGET, timer });
  assert.equal(first.directory, second.directory, 'keys compare case-insensitively, as ids do');
  assert.notEqual(first.directory, other.directory);
  assert.notEqual(first.directory, unkeyed.directory);
  first.release();
  assert.equal(createLimiters({ ...BUDGET, key: 't1/app', timer }).directory, second.directory);
  second.release();
  second.release(); // twice is once
  other.release();
});

test('a shared budget spent by one transport holds the other back', async () => {
  const timer = createFakeTimer();
  const a = createLimiters({ ...BUDGET, key: 'shared/x', timer });
  const b = createLimiters({ ...BUDGET, key: 'shared/x', timer });
  for (let i = 0; i < 50; i++) (await a.directory.acquire(directoryCost)).release();
  let granted = false;
  void b.directory.acquire(directoryCost).then(() => {
    granted = true;
  });
  await timer.advance(0);
  assert.equal(granted, false, 'the 100 RU are spent by the other transport');
  await timer.advance(20);
  assert.equal(granted, true);
  a.release();
  b.release();
});

test('reports requests wait on their own limit of 5 per 10 s, not on resource units', async () => {
  const timer = createFakeTimer();
  const limiters = createLimiters({ ...BUDGET, timer });
  const report = limiters.for('reports', directoryCost);
  assert.deepEqual(report.cost, { resourceUnits: 1, keyCredentials: false });
  assert.notEqual(report.budget, limiters.directory);
  const granted: number[] = [];
  for (let i = 0; i < REPORTS_LIMIT.requestsPerWindow + 1; i++) {
    void report.budget.acquire(report.cost).then((lease) => {
      granted.push(timer.now());
      lease.release();
    });
  }
  await timer.advance(0);
  assert.equal(granted.length, 5);
  await timer.advance(REPORTS_LIMIT.windowMs / 5);
  assert.deepEqual(granted.slice(5), [2000], 'the sixth waits for one request of refill');
  assert.equal(limiters.for('directory', directoryCost).budget, limiters.directory);
  limiters.release();
});

test("one application's reads in several tenants share its limit across tenants; a 429 scoped to it pauses them all", async () => {
  const timer = createFakeTimer();
  const application = { resourceUnitsPerWindow: 10, windowMs: 1000 };
  const contoso = createLimiters({ ...BUDGET, key: 'contoso/reader', application, timer });
  const fabrikam = createLimiters({ ...BUDGET, key: 'fabrikam/reader', application, timer });
  const otherApp = createLimiters({ ...BUDGET, key: 'fabrikam/another', application, timer });
  // Contoso spends the application's 10 RU (its own tenant budget has 100).
  for (let i = 0; i < 5; i++) (await contoso.directory.acquire(directoryCost)).release();
  let fabrikamGranted = false;
  void fabrikam.directory.acquire(directoryCost).then((lease) => {
    fabrikamGranted = true;
    lease.release();
  });
  let otherGranted = false;
  void otherApp.directory.acquire(directoryCost).then((lease) => {
    otherGranted = true;
    lease.release();
  });
  await timer.advance(0);
  assert.equal(fabrikamGranted, false, 'the same application in another tenant waits for it');
  assert.equal(otherGranted, true, 'another application does not');
  await timer.advance(200);
  assert.equal(fabrikamGranted, true);

  contoso.directory.pause(500, 'application');
  let afterPause = false;
  void fabrikam.directory.acquire(directoryCost).then((lease) => {
    afterPause = true;
    lease.release();
  });
  await timer.advance(400);
  assert.equal(afterPause, false, "a 429 on the application's limit holds its other tenants too");
  await timer.advance(200);
  assert.equal(afterPause, true);
  contoso.directory.pause(500, 'tenant');
  let tenantPaused = false;
  void fabrikam.directory.acquire(directoryCost).then((lease) => {
    tenantPaused = true;
    lease.release();
  });
  await timer.advance(300);
  assert.equal(tenantPaused, true, "a 429 on one tenant's limit holds that tenant only");
  for (const l of [contoso, fabrikam, otherApp]) l.release();
});

test('ARM reads wait on the bucket of the scope their path names: each subscription its own, the tenant one', () => {
  const timer = createFakeTimer();
  const limiters = createLimiters({ ...BUDGET, timer });
  const cost = { resourceUnits: 1, keyCredentials: false };
  const arm = 'https://management.azure.com';
  const s1 = limiters.for(
    'arm',
    cost,
    `${arm}/subscriptions/S1/providers/Microsoft.Authorization/roleAssignments`,
  );
  const s1Again = limiters.for(
    'arm',
    cost,
    `${arm}/subscriptions/s1/resourceGroups/rg/providers/x?$skiptoken=1`,
  );
  const s2 = limiters.for(
    'arm',
    cost,
    `${arm}/subscriptions/s2/providers/Microsoft.Authorization/roleAssignments`,
  );
  const tenant = limiters.for('arm', cost, `${arm}/subscriptions?api-version=2022-12-01`);
  const groups = limiters.for('arm', cost, `${arm}/providers/Microsoft.Management/managementGroups`);
  assert.equal(s1.budget, s1Again.budget, 'one subscription, one bucket, any case');
  assert.notEqual(s1.budget, s2.budget);
  assert.notEqual(s1.budget, tenant.budget);
  assert.equal(tenant.budget, groups.budget, "tenant-level reads share the tenant's bucket");
  assert.notEqual(s1.budget, limiters.directory);
});
