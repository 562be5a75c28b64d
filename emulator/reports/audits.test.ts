// The directory audit log of what the mutation helpers changed (facts §6.4): newest first, filtered by time
// and category, the owner records shaped as field reports describe them, permissions and retention.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALL_READ,
  appObjectId,
  createFixtureTenant,
  createTestGraph,
  token,
  userId,
} from '../graph/testing.ts';
import { applyChurn } from '../tenant/churn.ts';
import {
  addFederatedCredential,
  addOwner,
  addPassword,
  CREDENTIALS_ACTIVITY,
  removeObject,
} from '../tenant/mutate.ts';

const AUDITS = '/v1.0/auditLogs/directoryAudits';
const reader = { auth: token([...ALL_READ, 'AuditLog.Read.All']) };

function setup() {
  const tenant = createFixtureTenant({ apps: 40 });
  const { call, ctx } = createTestGraph({ throttle: { enabled: false } }, [tenant]);
  return { tenant, call, ctx };
}

test('each change is one audit record, newest first, with its target and activity', async () => {
  const { tenant, call, ctx } = setup();
  const now = ctx.clock.now();
  addPassword(tenant, appObjectId(1), {}, now - 3000);
  addFederatedCredential(
    tenant,
    appObjectId(2),
    { name: 'gh', issuer: 'https://i', subject: 's' },
    now - 2000,
  );
  addOwner(tenant, appObjectId(3), { id: userId(29), kind: 'user' }, now - 1000);
  const r = await call('GET', AUDITS, reader);
  assert.equal(r.status, 200, r.text);
  const [owner, federated, secret] = r.json.value;
  assert.equal(secret.activityDisplayName, CREDENTIALS_ACTIVITY);
  assert.equal(secret.category, 'ApplicationManagement');
  assert.equal(secret.targetResources[0].id, appObjectId(1));
  assert.equal(secret.targetResources[0].type, 'Application');
  assert.equal(federated.activityDisplayName, 'Update application');
  assert.equal(
    federated.targetResources[0].modifiedProperties[0].displayName,
    'FederatedIdentityCredentials',
  );
  // The owner is the target; the application is named in modifiedProperties only.
  assert.equal(owner.activityDisplayName, 'Add owner to application');
  assert.equal(owner.operationType, 'Assign');
  assert.deepEqual(
    owner.targetResources.map((t: { id: string; type: string }) => [t.id, t.type]),
    [[userId(29), 'User']],
  );
  const modified = owner.targetResources[0].modifiedProperties;
  assert.deepEqual(modified[0], {
    displayName: 'Application.ObjectID',
    oldValue: null,
    newValue: JSON.stringify(appObjectId(3)),
  });
  assert.ok(Date.parse(owner.activityDateTime) > Date.parse(secret.activityDateTime));
});

test('$filter on activityDateTime and category; $top pages', async () => {
  const { tenant, call, ctx } = setup();
  const now = ctx.clock.now();
  addPassword(tenant, appObjectId(1), {}, now - 3 * 3_600_000);
  removeObject(tenant, appObjectId(2), {}, now - 60_000);
  const since = new Date(now - 3_600_000).toISOString();
  const filter = encodeURIComponent(`activityDateTime ge ${since} and category eq 'ApplicationManagement'`);
  const names: string[] = [];
  let url: string | undefined = `${AUDITS}?$filter=${filter}&$top=1`;
  while (url) {
    const r = await call('GET', url, reader);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.value.length, 1);
    names.push(...r.json.value.map((a: { activityDisplayName: string }) => a.activityDisplayName));
    url = r.json['@odata.nextLink'];
  }
  // The application went with its service principal, which owned another application (fixture): three records.
  assert.deepEqual(names, [
    'Remove owner from application',
    'Delete service principal',
    'Delete application',
  ]);
});

test('needs AuditLog.Read.All and Directory.Read.All; keeps 7 days on Entra ID Free, 30 otherwise', async () => {
  const { tenant, call, ctx } = setup();
  addPassword(tenant, appObjectId(1), {}, ctx.clock.now() - 10 * 86_400_000);
  assert.equal((await call('GET', AUDITS, { auth: token(['AuditLog.Read.All']) })).status, 403);
  assert.equal((await call('GET', AUDITS, { auth: token(['Directory.Read.All']) })).status, 403);
  const both = token(['AuditLog.Read.All', 'Directory.Read.All']);
  assert.equal((await call('GET', AUDITS, { auth: both })).json.value.length, 1);
  tenant.licence = 'none';
  const free = await call('GET', AUDITS, { auth: both });
  assert.equal(free.status, 200, 'audit logs need no premium licence');
  assert.equal(free.json.value.length, 0);
});

test('churn changes the share asked, deterministically, and leaves signing-in apps alone', () => {
  const a = createFixtureTenant({ apps: 200 });
  const b = createFixtureTenant({ apps: 200 });
  const now = Date.UTC(2026, 10, 23);
  const one = applyChurn(a, { share: 0.05, seed: 7, now });
  const two = applyChurn(b, { share: 0.05, seed: 7, now });
  assert.deepEqual(one, two);
  assert.equal(one.applications, 10 + 1);
  const touched = Object.values(one.changes).flat();
  assert.equal(touched.length, 11);
  assert.ok(a.changes!.entries.length >= 11);
  assert.ok(a.changes!.audits.length >= 11);
  assert.equal(JSON.stringify([...a.applications.keys()]), JSON.stringify([...b.applications.keys()]));
});
