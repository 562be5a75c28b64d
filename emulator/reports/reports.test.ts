import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SignInRecord } from '../context.ts';
import { type Call, createTestGraph, TENANT_ID, token } from '../graph/testing.ts';
import { accessGroundTruth } from '../tenant/access-truth.ts';
import { generateTenant } from '../tenant/generate.ts';

const NOW = Date.UTC(2026, 10, 23, 12); // the test clock's start
const DAY = 86_400_000;
const AUDIT = token(['AuditLog.Read.All']);
const SP_LOG = "/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'servicePrincipal')";
const MI_LOG = "/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'managedIdentity')";

const fresh = (licence?: 'none' | 'p1' | 'p2') =>
  generateTenant({ seed: 9, apps: 300, now: NOW, tenantId: TENANT_ID, licence });

async function readAll(call: Call, path: string, auth = AUDIT) {
  const items: Record<string, unknown>[] = [];
  let next: string | undefined = path;
  while (next) {
    const r = await call('GET', next, { auth });
    assert.equal(r.status, 200, `${next}: ${r.text}`);
    items.push(...r.json.value);
    next = r.json['@odata.nextLink'];
  }
  return items;
}

test('service principal and managed identity sign-ins: newest first, within retention, in the beta shape', async () => {
  const tenant = fresh();
  const { call } = createTestGraph({ throttle: { enabled: false } }, [tenant]);
  const items = await readAll(call, `${SP_LOG}&$top=100`);
  const history = tenant.access!.signInHistory.filter((e) => e.time >= NOW - 30 * DAY);
  assert.equal(items.length, history.filter((e) => e.kind === 'servicePrincipal').length);
  const times = items.map((i) => Date.parse(i.createdDateTime as string));
  assert.ok(times.every((t, i) => i === 0 || times[i - 1]! >= t));
  assert.ok(times.every((t) => t >= NOW - 30 * DAY && t <= NOW));
  const s = items.find((i) => i.clientCredentialType === 'certificate' && i.servicePrincipalCredentialKeyId)!;
  assert.deepEqual(s.signInEventTypes, ['servicePrincipal']);
  assert.equal(s.isInteractive, false);
  assert.match(s.servicePrincipalCredentialThumbprint as string, /^[0-9A-F]{40}$/);
  assert.ok(
    items.some((i) => i.clientCredentialType === 'federatedIdentityCredential' && i.federatedCredentialId),
  );
  assert.equal(
    items.filter((i) => (i.status as { errorCode: number }).errorCode !== 0).length,
    history.filter((e) => e.kind === 'servicePrincipal' && e.errorCode !== 0).length,
  );

  const mis = await readAll(call, MI_LOG);
  assert.equal(mis.length, history.filter((e) => e.kind === 'managedIdentity').length);
  const mi = mis[0]!.managedServiceIdentity as { msiType: string; associatedResourceId: string };
  assert.ok(['systemAssigned', 'userAssigned'].includes(mi.msiType));
  assert.match(mi.associatedResourceId, /^\/subscriptions\//);
  assert.equal(mis[0]!.clientCredentialType, 'managedIdentity');
});

test('sign-in log queries: page size 1,000, createdDateTime filters, no event-type filter means user sign-ins only', async () => {
  const { call } = createTestGraph({ throttle: { enabled: false } }, [fresh()]);
  assert.equal((await call('GET', `${SP_LOG}&$top=1000`, { auth: AUDIT })).status, 200);
  const over = await call('GET', `${SP_LOG}&$top=1001`, { auth: AUDIT });
  assert.equal(over.status, 400);
  assert.equal(over.json.error.code, 'Request_UnsupportedQuery');
  const since = new Date(NOW - 3 * DAY).toISOString().replace('.000', '');
  const recent = await readAll(call, `${SP_LOG} and createdDateTime ge ${since}`);
  assert.ok(
    recent.length > 0 && recent.every((i) => Date.parse(i.createdDateTime as string) >= NOW - 3 * DAY),
  );
  assert.deepEqual((await call('GET', '/beta/auditLogs/signIns', { auth: AUDIT })).json.value, []);
  // v1.0 signIn has no signInEventTypes (facts §6.3).
  const v1 = await call(
    'GET',
    "/v1.0/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'servicePrincipal')",
    { auth: AUDIT },
  );
  assert.equal(v1.status, 400);
  assert.equal(
    (await call('GET', '/v1.0/reports/servicePrincipalSignInActivities', { auth: AUDIT })).status,
    400,
  );
});

test('retention: advancing the emulated clock drops sign-ins older than 30 days from the log, not from the reports', async () => {
  const tenant = fresh();
  const { call, ctx } = createTestGraph({ throttle: { enabled: false } }, [tenant]);
  const before = await readAll(call, SP_LOG);
  const oldest = before.at(-1)!;
  const reportBefore = await readAll(call, '/beta/reports/servicePrincipalSignInActivities');
  ctx.clock.advance(Date.parse(oldest.createdDateTime as string) + 30 * DAY + 1000 - NOW);
  const after = await readAll(call, SP_LOG);
  assert.ok(!after.some((i) => i.id === oldest.id), 'the oldest sign-in left the log');
  assert.ok(after.length < before.length);
  assert.deepEqual(await readAll(call, '/beta/reports/servicePrincipalSignInActivities'), reportBefore);
  // The ground truth says which last sign-ins the log still holds at the new time.
  const truth = accessGroundTruth(tenant, { now: ctx.clock.now() });
  const cutoff = Date.parse(truth.logRetentionCutoff!);
  const last = truth.servicePrincipals.flatMap((s) => (s.lastSignIn ? [s.lastSignIn] : []));
  assert.ok(last.some((l) => !l.inLog) && last.some((l) => l.inLog));
  for (const l of last) assert.equal(l.inLog, Date.parse(l.dateTime) >= cutoff);
  const logged = new Set(after.map((i) => i.id));
  for (const l of last.filter((x) => x.inLog && x.credentialType !== 'managedIdentity'))
    assert.ok(logged.has(l.requestId));
});

test('a tenant without P1/P2 answers the reports and logs 403; permissions are checked first', async () => {
  const { call } = createTestGraph({ throttle: { enabled: false } }, [fresh('none')]);
  for (const path of [
    SP_LOG,
    '/beta/reports/servicePrincipalSignInActivities',
    '/beta/reports/appCredentialSignInActivities',
  ]) {
    const r = await call('GET', path, { auth: AUDIT });
    assert.equal(r.status, 403, path);
    assert.equal(r.json.error.code, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
    assert.equal(r.json.error.message, "Neither tenant is B2C or tenant doesn't have premium license");
  }
  const denied = await call('GET', SP_LOG, { auth: token(['Application.Read.All']) });
  assert.equal(denied.json.error.code, 'Authorization_RequestDenied');
});

test('the sign-in log needs AuditLog.Read.All; the activity reports take it or Directory.Read.All', async () => {
  const { call } = createTestGraph({ throttle: { enabled: false } }, [fresh()]);
  const directory = token(['Directory.Read.All', 'Application.Read.All']);
  const log = await call('GET', SP_LOG, { auth: directory });
  assert.equal(log.status, 403);
  assert.equal(log.json.error.code, 'Authorization_RequestDenied');
  assert.equal(
    (await call('GET', '/beta/reports/servicePrincipalSignInActivities', { auth: directory })).status,
    200,
  );
  assert.equal(
    (await call('GET', '/beta/reports/appCredentialSignInActivities', { auth: AUDIT })).status,
    200,
  );
  assert.equal(
    (
      await call('GET', '/beta/reports/appCredentialSignInActivities', {
        auth: token(['Application.Read.All']),
      })
    ).status,
    403,
  );
});

test('reports draw on 5 requests per 10 s per app and tenant: the 6th is a 429 whose Retry-After lets the next one through', async () => {
  const { call, ctx } = createTestGraph({}, [fresh()]);
  const paths = [
    SP_LOG,
    '/beta/reports/servicePrincipalSignInActivities',
    '/beta/reports/appCredentialSignInActivities',
  ];
  for (let i = 0; i < 5; i++)
    assert.equal((await call('GET', paths[i % 3]!, { auth: AUDIT })).status, 200, `request ${i + 1}`);
  const throttled = await call('GET', paths[0]!, { auth: AUDIT });
  assert.equal(throttled.status, 429);
  assert.equal(throttled.json.error.code, 'TooManyRequests');
  assert.match(throttled.headers['x-ms-throttle-scope']!, /^Tenant_Application\/Read\//);
  // Directory reads have their own budget.
  assert.equal(
    (
      await call('GET', '/v1.0/roleManagement/directory/roleDefinitions', {
        auth: token(['Directory.Read.All']),
      })
    ).status,
    200,
  );
  ctx.clock.advance(Number(throttled.headers['retry-after']) * 1000);
  assert.equal((await call('GET', paths[0]!, { auth: AUDIT })).status, 200);
});

test('a sign-in the login endpoint recorded shows in the log, the activity reports and the ground truth alike', async () => {
  const tenant = fresh();
  const { call, ctx } = createTestGraph({ throttle: { enabled: false } }, [tenant]);
  const app = [...tenant.applications.values()].find(
    (a) =>
      (a.object.passwordCredentials?.length ?? 0) > 0 &&
      [...tenant.servicePrincipals.values()].some((s) => s.object.appId === a.object.appId),
  )!;
  const keyId = app.object.passwordCredentials![0]!.keyId!;
  ctx.clock.advance(60_000);
  const record: SignInRecord = {
    time: ctx.clock.now(),
    tenantId: TENANT_ID,
    appId: app.object.appId!,
    credentialKeyId: keyId,
    credentialType: 'clientSecret',
    ip: '192.0.2.7',
    success: true,
    errorCode: null,
  };
  ctx.signIns.push(record, { ...record, tenantId: 'another-tenant' });
  const first = (await call('GET', SP_LOG, { auth: AUDIT })).json.value[0];
  assert.deepEqual(
    [first.appId, first.servicePrincipalCredentialKeyId, first.ipAddress],
    [app.object.appId, keyId, '192.0.2.7'],
  );
  const activity = (
    await call(
      'GET',
      `/beta/reports/servicePrincipalSignInActivities?$filter=appId eq '${app.object.appId}'`,
      { auth: AUDIT },
    )
  ).json.value[0];
  assert.equal(activity.id, Buffer.from(app.object.appId!).toString('base64'));
  assert.deepEqual(activity.applicationAuthenticationClientSignInActivity, {
    lastSignInDateTime: first.createdDateTime,
    lastSignInRequestId: first.id,
  });
  const cred = (
    await call('GET', `/beta/reports/appCredentialSignInActivities?$filter=keyId eq '${keyId}'`, {
      auth: AUDIT,
    })
  ).json.value[0];
  assert.deepEqual(
    [cred.id, cred.keyType, cred.credentialOrigin, cred.appObjectId],
    [Buffer.from(`${keyId}|application`).toString('base64'), 'clientSecret', 'application', app.object.id],
  );
  assert.equal(cred.signInActivity.lastSignInRequestId, first.id);
  const truth = accessGroundTruth(tenant, { signIns: ctx.signIns, now: ctx.clock.now() });
  assert.deepEqual(truth.credentials.find((c) => c.keyId === keyId)!.lastSignIn, {
    dateTime: first.createdDateTime,
    requestId: first.id,
    resourceAppId: null,
    credentialType: 'clientSecret',
    inLog: true,
  });
});

test('the activity reports equal the ground truth for every principal and credential', async () => {
  const tenant = fresh();
  const { call } = createTestGraph({ throttle: { enabled: false } }, [tenant]);
  const truth = accessGroundTruth(tenant);
  const sps = await readAll(call, '/beta/reports/servicePrincipalSignInActivities?$top=50');
  const act = (a: unknown) =>
    a
      ? [(a as Record<string, string>).lastSignInDateTime, (a as Record<string, string>).lastSignInRequestId]
      : null;
  const fromTruth = (s: (typeof truth.servicePrincipals)[number]['lastSignIn']) =>
    s ? [s.dateTime, s.requestId] : null;
  const expected = truth.servicePrincipals.filter((s) => s.lastSignIn || s.lastSignInAsResource);
  assert.deepEqual(
    sps.map((a) => [
      a.appId,
      act(a.applicationAuthenticationClientSignInActivity),
      act(a.applicationAuthenticationResourceSignInActivity),
    ]),
    expected.map((s) => [s.appId, fromTruth(s.lastSignIn), fromTruth(s.lastSignInAsResource)]),
  );
  assert.ok(
    expected.some((s) => s.servicePrincipalType === 'ManagedIdentity') &&
      expected.length < truth.servicePrincipals.length,
  );
  const creds = await readAll(call, '/beta/reports/appCredentialSignInActivities?$top=50');
  const used = truth.credentials.filter((c) => c.lastSignIn && c.type !== 'federatedIdentityCredential');
  assert.deepEqual(
    creds.map((c) => [c.keyId, act(c.signInActivity)]).sort(),
    used.map((c) => [c.keyId, fromTruth(c.lastSignIn)]).sort(),
  );
  // The log holds the last sign-in of every principal the truth says is still in it.
  const log = new Set((await readAll(call, SP_LOG)).map((i) => i.id));
  const inLog = accessGroundTruth(tenant, { now: NOW }).servicePrincipals.filter(
    (s) => s.lastSignIn?.inLog && s.servicePrincipalType !== 'ManagedIdentity',
  );
  assert.ok(inLog.length > 20 && inLog.every((s) => log.has(s.lastSignIn!.requestId)));
});
