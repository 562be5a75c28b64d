// The delta contract (facts §3, delta overview): rounds of pages that end in a deltaLink, changes since a
// token from the tenant's history, removed objects as `@removed`, tokens that expire or are reset, and each
// reading of what Microsoft's documents leave open.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expireDeltaTokens, resetDeltaSync } from '../tenant/changes.ts';
import {
  addApplication,
  addFederatedCredential,
  addOwner,
  addPassword,
  removeObject,
  updateObject,
} from '../tenant/mutate.ts';
import type { GraphReadings } from './readings.ts';
import {
  appObjectId,
  type Call,
  createFixtureTenant,
  createTestGraph,
  spObjectId,
  token,
  userId,
} from './testing.ts';

const noThrottle = { throttle: { enabled: false } };

function graph(readings: Partial<GraphReadings> = {}, apps = 450) {
  const tenant = createFixtureTenant({ apps });
  const { call, ctx } = createTestGraph({ ...noThrottle, readings }, [tenant]);
  return { call, ctx, tenant, now: () => ctx.clock.now() };
}

/** Follows a round from `url` to its deltaLink: every page's objects and the link. */
async function round(call: Call, url: string) {
  const pages: Array<Record<string, unknown>> = [];
  const value: Array<Record<string, unknown>> = [];
  let next: string | undefined = url;
  for (;;) {
    const r = await call('GET', next);
    assert.equal(r.status, 200, `${next}: ${r.text}`);
    pages.push(r.json);
    value.push(...r.json.value);
    assert.ok(
      !(r.json['@odata.nextLink'] && r.json['@odata.deltaLink']),
      'a page has a nextLink or a deltaLink, never both',
    );
    next = r.json['@odata.nextLink'];
    if (!next) return { pages, value, deltaLink: r.json['@odata.deltaLink'] as string };
  }
}

test('the initial round pages every object (200 a page, $top ignored) and ends in a deltaLink', async () => {
  const { call } = graph();
  const first = await call(
    'GET',
    '/v1.0/applications/delta?$select=id,displayName,passwordCredentials&$top=5',
  );
  assert.equal(first.json.value.length, 200, 'page size 200 whatever $top says');
  const next = new URL(first.json['@odata.nextLink']);
  assert.equal(next.pathname, '/v1.0/applications/delta');
  assert.deepEqual([...next.searchParams.keys()], ['$skiptoken'], 'query options travel in the token');
  const { pages, value, deltaLink } = await round(
    call,
    '/v1.0/applications/delta?$select=id,displayName,passwordCredentials',
  );
  assert.equal(pages.length, 3);
  assert.equal(value.length, 450);
  assert.equal(new Set(value.map((o) => o.id)).size, 450);
  assert.deepEqual(Object.keys(value[0]!).sort(), ['displayName', 'id', 'passwordCredentials']);
  assert.equal((value[0]!.passwordCredentials as Array<{ secretText: unknown }>)[0]!.secretText, null);
  assert.match(deltaLink, /\/v1\.0\/applications\/delta\?\$deltatoken=[\w-]+\.[\w-]+$/);
  assert.match(
    pages[0]!['@odata.context'] as string,
    /\$metadata#applications\(id,displayName,passwordCredentials\)$/,
  );
  // Nothing changed: an empty round, and a new link.
  const again = await round(call, deltaLink);
  assert.deepEqual(again.value, []);
  assert.ok(again.deltaLink);
});

test('changes since a token: created objects whole, updates with what changed, removals as @removed', async () => {
  const { call, tenant, now } = graph();
  const select = 'id,displayName,passwordCredentials,keyCredentials';
  const { deltaLink } = await round(call, `/v1.0/applications/delta?$select=${select}`);
  const keyId = addPassword(tenant, appObjectId(3), {}, now());
  removeObject(tenant, appObjectId(4), {}, now());
  removeObject(tenant, appObjectId(5), { permanent: true }, now());
  const made = addApplication(tenant, { displayName: 'New one' }, now());
  updateObject(tenant, appObjectId(6), { notes: 'not selected' }, now());
  addOwner(tenant, appObjectId(7), { id: userId(29), kind: 'user' }, now());
  addFederatedCredential(tenant, appObjectId(8), { name: 'x', issuer: 'https://i', subject: 's' }, now());
  const changes = await round(call, deltaLink);
  const byId = new Map(changes.value.map((o) => [o.id as string, o]));
  assert.deepEqual(
    [...byId.keys()].sort(),
    [appObjectId(3), appObjectId(4), appObjectId(5), made.objectId].sort(),
    'an unselected property and navigation properties (owners, federated credentials) are not tracked',
  );
  const updated = byId.get(appObjectId(3))!;
  assert.deepEqual(Object.keys(updated).sort(), ['id', 'passwordCredentials'], 'only what changed');
  assert.ok((updated.passwordCredentials as Array<{ keyId: string }>).some((c) => c.keyId === keyId));
  assert.deepEqual(byId.get(appObjectId(4)), { id: appObjectId(4), '@removed': { reason: 'changed' } });
  assert.deepEqual(byId.get(appObjectId(5)), { id: appObjectId(5), '@removed': { reason: 'deleted' } });
  assert.equal(byId.get(made.objectId)!.displayName, 'New one');
  assert.deepEqual(Object.keys(byId.get(made.objectId)!).sort(), select.split(',').sort());
  // The next round starts after these.
  assert.deepEqual((await round(call, changes.deltaLink)).value, []);
  // Service principals have their own history: the application's service principal was removed with it.
  const sps = await round(call, '/v1.0/servicePrincipals/delta?$select=id');
  assert.ok(!sps.value.some((o) => o.id === spObjectId(4)));
});

test('readings: every selected property of an update, and relationship changes shown', async () => {
  const { call, tenant, now } = graph({ deltaChangedProperties: 'all', deltaRelationshipChanges: 'shown' });
  const { deltaLink } = await round(
    call,
    '/beta/applications/microsoft.graph.delta()?$select=id,displayName,passwordCredentials',
  );
  addPassword(tenant, appObjectId(3), {}, now());
  addOwner(tenant, appObjectId(7), { id: userId(29), kind: 'user' }, now());
  const { value } = await round(call, deltaLink);
  const byId = new Map(value.map((o) => [o.id as string, o]));
  assert.deepEqual(Object.keys(byId.get(appObjectId(3))!).sort(), [
    'displayName',
    'id',
    'passwordCredentials',
  ]);
  assert.ok(byId.has(appObjectId(7)), 'an owner change shows the application');
});

test('a changes round longer than a page is paged, and an object changed twice comes once', async () => {
  const { call, tenant, now } = graph();
  const { deltaLink } = await round(call, '/v1.0/applications/delta?$select=id,passwordCredentials');
  for (let i = 0; i < 260; i++) addPassword(tenant, appObjectId(i), {}, now());
  addPassword(tenant, appObjectId(0), {}, now());
  const { pages, value } = await round(call, deltaLink);
  assert.equal(pages.length, 2);
  assert.equal(value.length, 260);
  assert.equal(value.at(-1)!.id, appObjectId(0), 'in the order of their last change');
});

test('the id filter: only those objects, in the initial round and after', async () => {
  const { call, tenant, now } = graph();
  const filter = encodeURIComponent(`id eq '${appObjectId(1)}' or id eq '${appObjectId(2)}'`);
  const initial = await round(
    call,
    `/v1.0/applications/delta?$select=id,passwordCredentials&$filter=${filter}`,
  );
  assert.deepEqual(initial.value.map((o) => o.id).sort(), [appObjectId(1), appObjectId(2)]);
  addPassword(tenant, appObjectId(2), {}, now());
  addPassword(tenant, appObjectId(3), {}, now());
  assert.deepEqual(
    (await round(call, initial.deltaLink)).value.map((o) => o.id),
    [appObjectId(2)],
  );
  const bad = await call(
    'GET',
    `/v1.0/applications/delta?$filter=${encodeURIComponent("displayName eq 'x'")}`,
  );
  assert.equal(bad.status, 400);
});

test('an expired, unknown or revoked token answers as the deltaTokenExpiry reading says', async () => {
  const cases: Array<[GraphReadings['deltaTokenExpiry'], number, string]> = [
    ['syncStateNotFound', 400, 'syncStateNotFound'],
    ['gone', 410, 'syncStateNotFound'],
    ['resyncRequired', 410, 'resyncRequired'],
  ];
  for (const [reading, status, code] of cases) {
    const { call, ctx, tenant } = graph({ deltaTokenExpiry: reading });
    const { deltaLink } = await round(call, '/v1.0/servicePrincipals/delta?$select=id');
    const forged = deltaLink.replace(/\$deltatoken=([\w-]+)\.[\w-]+$/, '$deltatoken=$1.forged');
    for (const url of [forged, `${deltaLink.split('?')[0]}?$deltatoken=nonsense`]) {
      const r = await call('GET', url);
      assert.equal(r.status, status, `${reading} ${url}`);
      assert.equal(r.json.error.code, code);
    }
    assert.equal((await call('GET', deltaLink)).status, 200, 'still valid');
    // Seven days for directory objects (delta overview, "Token duration").
    ctx.clock.advance(7 * 86_400_000 + 1000);
    const old = await call('GET', deltaLink);
    assert.equal(old.status, status);
    assert.equal(old.json.error.code, code);
    if (code === 'syncStateNotFound') assert.match(old.json.error.message, /delta token is expired/);
    // Revoked by the control API, including a round's nextLink.
    const fresh = await call('GET', '/v1.0/servicePrincipals/delta?$select=id');
    expireDeltaTokens(tenant);
    const r = await call('GET', fresh.json['@odata.nextLink']);
    assert.equal(r.status, status);
    assert.equal(r.json.error.code, code);
  }
});

test('a forced resync is 410 Gone with a Location that starts an initial round', async () => {
  const { call, tenant, now } = graph();
  const { deltaLink } = await round(call, '/v1.0/applications/delta?$select=id,displayName');
  addPassword(tenant, appObjectId(1), {}, now());
  resetDeltaSync(tenant);
  const gone = await call('GET', deltaLink);
  assert.equal(gone.status, 410);
  assert.equal(gone.json.error.code, 'resyncRequired');
  const location = gone.headers.location!;
  assert.match(location, /\/v1\.0\/applications\/delta\?\$select=id,displayName&\$deltatoken=$/);
  const restart = await round(call, location);
  assert.equal(restart.value.length, 450, 'the whole collection again');
  assert.deepEqual(Object.keys(restart.value[0]!).sort(), ['displayName', 'id']);
  assert.equal((await call('GET', restart.deltaLink)).status, 200, 'tokens issued after the reset work');
});

test('$deltatoken=latest: refused by default, a deltaLink without objects when allowed', async () => {
  const strict = graph();
  const refused = await strict.call('GET', '/v1.0/applications/delta?$select=id&$deltatoken=latest');
  assert.equal(refused.status, 400);
  const lenient = graph({ deltaLatest: 'allow' });
  const latest = await lenient.call(
    'GET',
    '/v1.0/applications/delta?$select=id,passwordCredentials&$deltatoken=latest',
  );
  assert.equal(latest.status, 200);
  assert.deepEqual(latest.json.value, []);
  addPassword(lenient.tenant, appObjectId(9), {}, lenient.now());
  const { value } = await round(lenient.call, latest.json['@odata.deltaLink']);
  assert.deepEqual(
    value.map((o) => o.id),
    [appObjectId(9)],
  );
});

test('refusals: $expand, options beside a token; permissions as the list', async () => {
  const { call } = graph();
  assert.equal((await call('GET', '/v1.0/applications/delta?$expand=owners')).status, 400);
  const first = await call('GET', '/v1.0/applications/delta?$select=id');
  const next = first.json['@odata.nextLink'] as string;
  assert.equal((await call('GET', `${next}&$select=displayName`)).status, 400);
  const denied = await call('GET', '/v1.0/applications/delta', { auth: token(['User.Read.All']) });
  assert.equal(denied.status, 403);
  assert.equal((await call('GET', '/v1.0/users/delta')).status, 404, 'users/delta is not emulated');
});

test('a delta page costs what a page of the list costs', async () => {
  const { call } = graph();
  const cases: Array<[string, string]> = [
    ['/v1.0/applications/delta?$select=id,keyCredentials', '1'],
    ['/v1.0/applications/delta', '2'],
    ['/v1.0/servicePrincipals/delta?$select=id', '1'],
    ['/v1.0/servicePrincipals/delta', '1'],
  ];
  for (const [url, ru] of cases)
    assert.equal((await call('GET', url)).headers['x-ms-resource-unit'], ru, url);
});

test('edits made to the maps directly, without the helpers, are tracked too (as Entra tracks every change)', async () => {
  const { call, tenant } = graph({ deltaRelationshipChanges: 'shown' });
  const { deltaLink } = await round(
    call,
    '/v1.0/applications/delta?$select=id,displayName,passwordCredentials',
  );
  const app = tenant.applications.get(appObjectId(1))!;
  app.object.passwordCredentials = [...(app.object.passwordCredentials ?? []), { keyId: 'k', hint: 'abc' }];
  tenant.applications.get(appObjectId(2))!.owners = [];
  tenant.applications.delete(appObjectId(3));
  const { value } = await round(call, deltaLink);
  const byId = new Map(value.map((o) => [o.id as string, o]));
  assert.deepEqual([...byId.keys()].sort(), [appObjectId(1), appObjectId(2), appObjectId(3)]);
  assert.deepEqual(Object.keys(byId.get(appObjectId(1))!).sort(), ['id', 'passwordCredentials']);
  assert.deepEqual(byId.get(appObjectId(3)), { id: appObjectId(3), '@removed': { reason: 'changed' } });
  const audits = await call('GET', '/v1.0/auditLogs/directoryAudits', {
    auth: token(['Application.Read.All', 'Directory.Read.All', 'AuditLog.Read.All']),
  });
  assert.ok(
    audits.json.value.some(
      (a: { targetResources: Array<{ id: string; modifiedProperties: Array<{ displayName: string }> }> }) =>
        a.targetResources[0]!.id === appObjectId(2) &&
        a.targetResources[0]!.modifiedProperties[0]!.displayName === 'owners',
    ),
    'the owner change is in the audit log',
  );
});
