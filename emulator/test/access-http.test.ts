// Blast radius and last use through the running emulator over HTTPS with real tokens: the scanner's own
// sign-in reaches the sign-in log and the activity reports, its Graph roles are app-role assignments, the
// ground truth agrees, and flipping the tenant's licence turns the reports into Graph's 403.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { accessGroundTruth } from '../tenant/access-truth.ts';
import { rawRequest, secretToken } from './harness.ts';

let emulator: RunningEmulator;
let token: string;

before(async () => {
  emulator = await startEmulator({ tenants: [{ seed: 3, apps: 80, licence: 'p1' }] });
  const { tenantId, clientId, secretText } = emulator.scanner;
  token = await secretToken(emulator.origin, emulator.caCertPem, {
    tenantId,
    appId: clientId,
    secret: secretText,
  });
});

after(() => emulator.close());

async function graph(path: string) {
  const res = await rawRequest(`${emulator.origin}${path}`, {
    ca: emulator.caCertPem,
    method: 'GET',
    headers: { authorization: `Bearer ${token}` },
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  return { status: res.status, json: JSON.parse(res.body.toString('utf8')) as any };
}

test("the scanner's own sign-in shows in the log, the reports and the ground truth", async () => {
  const { clientId, servicePrincipalId, tenantId } = emulator.scanner;
  const log = await graph(
    `/beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '${clientId}'`,
  );
  assert.equal(log.status, 200);
  const mine = log.json.value[0];
  assert.equal(mine.servicePrincipalId, servicePrincipalId);
  assert.equal(mine.clientCredentialType, 'clientSecret');
  const report = await graph(`/beta/reports/servicePrincipalSignInActivities?$filter=appId eq '${clientId}'`);
  assert.equal(report.json.value[0].lastSignInActivity.lastSignInRequestId, mine.id);
  const truth = accessGroundTruth(emulator.tenants[0]!, {
    signIns: emulator.control.signIns(),
    now: emulator.control.context.clock.now(),
  });
  assert.equal(truth.tenantId, tenantId);
  assert.equal(truth.licence, 'p1');
  const scanner = truth.servicePrincipals.find((s) => s.id === servicePrincipalId)!;
  assert.equal(scanner.lastSignIn?.requestId, mine.id);
  assert.equal(scanner.lastSignIn?.inLog, true);
});

test("the scanner's Graph permissions are app-role assignments on Microsoft Graph", async () => {
  const { servicePrincipalId } = emulator.scanner;
  const held = await graph(`/v1.0/servicePrincipals/${servicePrincipalId}/appRoleAssignments`);
  assert.equal(held.status, 200);
  const graphSp = [...emulator.tenants[0]!.servicePrincipals.values()].find(
    (s) => s.object.appId === '00000003-0000-0000-c000-000000000000',
  )!;
  const values = held.json.value.map(
    (a: { appRoleId: string }) => graphSp.object.appRoles!.find((r) => r.id === a.appRoleId)!.value,
  );
  assert.deepEqual(values.sort(), [...emulator.scanner.graphRoles].sort());
  assert.ok(held.json.value.every((a: { createdDateTime: string | null }) => a.createdDateTime));
});

test('setting the tenant licence to none makes the reports answer 403 at once', async () => {
  const tenant = emulator.tenants[0]!;
  tenant.licence = 'none';
  try {
    const r = await graph('/beta/reports/appCredentialSignInActivities');
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
  } finally {
    tenant.licence = 'p1';
  }
});
