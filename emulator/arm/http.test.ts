// ARM through the running emulator over HTTPS with real tokens: the audience check and ARM's 401 shape, list
// shapes, nextLink paging to the end, role-assignment filters, identities and their credentials read back equal
// to the ground truth, denied subscriptions (absent from the list, 403 on their scopes), and ARM's errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { rawRequest, secretToken } from '../test/harness.ts';

let emulator: RunningEmulator;
let armToken: string;
let tenantId: string;
const MGMT = '/providers/Microsoft.Management/managementGroups';

before(async () => {
  // A small page size makes every list page; no throttling here (throttle-http.test.ts covers it).
  emulator = await startEmulator({
    tenants: [{ seed: 31, apps: 300 }],
    arm: { subscriptions: 5, pageSize: 4, throttle: { enabled: false } },
  });
  const { clientId, secretText } = emulator.scanner;
  tenantId = emulator.scanner.tenantId;
  const client = { tenantId, appId: clientId, secret: secretText };
  armToken = await secretToken(
    emulator.origin,
    emulator.caCertPem,
    client,
    'https://management.azure.com/.default',
  );
});

after(() => emulator.close());

async function arm(path: string, bearer: string | null = armToken) {
  const url = path.startsWith('https://') ? path : `${emulator.origin}${path}`;
  const res = await rawRequest(url, {
    ca: emulator.caCertPem,
    headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` },
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  return { status: res.status, headers: res.headers, json: JSON.parse(res.body.toString() || 'null') as any };
}

/** Every item of a list, following nextLink to the end; checks each link is absolute on the emulator origin. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
async function all(path: string): Promise<any[]> {
  const items = [];
  let next: string | null | undefined = path;
  for (let pages = 0; next; pages++) {
    assert.ok(pages < 500, 'paging does not end');
    const res = await arm(next);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    items.push(...res.json.value);
    next = res.json.nextLink;
    if (next) assert.ok(next.startsWith(`${emulator.origin}/`), next);
  }
  return items;
}

const truth = () => emulator.arm.groundTruth(tenantId);

test('a Graph token is refused with ARM’s 401 audience error; no token is AuthenticationFailed', async () => {
  const graph = await secretToken(emulator.origin, emulator.caCertPem, {
    tenantId,
    appId: emulator.scanner.clientId,
    secret: emulator.scanner.secretText,
  });
  const res = await arm('/subscriptions?api-version=2022-12-01', graph);
  assert.equal(res.status, 401);
  assert.deepEqual(Object.keys(res.json), ['error']);
  assert.deepEqual(Object.keys(res.json.error).sort(), ['code', 'message']);
  assert.equal(res.json.error.code, 'InvalidAuthenticationTokenAudience');
  assert.match(res.json.error.message, /wrong audience or resource 'https:\/\/graph\.microsoft\.com'/);
  const none = await arm('/subscriptions?api-version=2022-12-01', null);
  assert.equal(none.status, 401);
  assert.equal(none.json.error.code, 'AuthenticationFailed');
});

test('the emulator origin (a custom cloud’s ARM audience) is accepted too', async () => {
  const { clientId, secretText } = emulator.scanner;
  const client = { tenantId, appId: clientId, secret: secretText };
  const own = await secretToken(emulator.origin, emulator.caCertPem, client, `${emulator.origin}/.default`);
  assert.equal((await arm('/subscriptions?api-version=2022-12-01', own)).status, 200);
});

test('subscriptions list in ARM’s shape, paged by absolute nextLink, equal to the ground truth', async () => {
  const first = await arm('/subscriptions?api-version=2022-12-01');
  assert.equal(first.json.value.length, 4);
  assert.ok(
    first.json.nextLink.startsWith(`${emulator.origin}/subscriptions?api-version=2022-12-01&$skiptoken=`),
  );
  assert.match(String(first.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
  const subs = await all('/subscriptions?api-version=2022-12-01');
  assert.deepEqual(
    subs.map((s) => s.subscriptionId).sort(),
    truth()
      .subscriptions.map((s) => s.subscriptionId)
      .sort(),
  );
  const s = subs[0];
  assert.equal(s.id, `/subscriptions/${s.subscriptionId}`);
  assert.equal(s.tenantId, tenantId);
  assert.equal(s.state, 'Enabled');
  assert.equal(s.authorizationSource, 'RoleBased');
  assert.deepEqual(Object.keys(s.subscriptionPolicies).sort(), [
    'locationPlacementId',
    'quotaId',
    'spendingLimit',
  ]);
});

test('management groups and the root group’s descendants', async () => {
  const groups = await all(`${MGMT}?api-version=2023-04-01`);
  assert.deepEqual(
    groups.map((g) => g.name).sort(),
    truth()
      .managementGroups.map((g) => g.name)
      .sort(),
  );
  assert.equal(groups[0].type, 'Microsoft.Management/managementGroups');
  assert.equal(groups[0].properties.tenantId, tenantId);
  const descendants = await all(`${MGMT}/${tenantId}/descendants?api-version=2023-04-01&$top=3`);
  const subs = descendants.filter((d) => d.type === 'Microsoft.Management/managementGroups/subscriptions');
  assert.equal(subs.length, truth().subscriptions.length);
  assert.equal(descendants.length - subs.length, truth().managementGroups.length - 1);
  const one = await arm(`${MGMT}/${tenantId}?api-version=2023-04-01&$expand=children`);
  assert.equal(one.json.properties.details.parent, null);
  assert.equal(one.json.properties.children.length, 1);
});

test('role assignments read at the root group equal the ground truth, in ARM’s item shape', async () => {
  const items = await all(
    `${MGMT}/${tenantId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
  );
  const expected = Object.values(truth().assignmentsByPrincipal).flat();
  assert.equal(items.length, expected.length);
  const byName = new Map(items.map((i) => [i.name, i]));
  for (const e of expected) {
    const item = byName.get(e.assignmentId);
    assert.ok(item, `missing ${e.assignmentId}`);
    assert.equal(item.type, 'Microsoft.Authorization/roleAssignments');
    assert.equal(item.properties.scope, e.scope);
    assert.equal(item.properties.principalType, 'ServicePrincipal');
    assert.ok(
      item.properties.roleDefinitionId.endsWith(
        `/providers/Microsoft.Authorization/roleDefinitions/${e.roleDefinitionId}`,
      ),
    );
    assert.equal(item.id, `${e.scope}/providers/Microsoft.Authorization/roleAssignments/${e.assignmentId}`);
  }
});

test('principalId eq finds a principal’s assignments at, above and below the scope; atScope() only at or above', async () => {
  const [principal, expected] = Object.entries(truth().assignmentsByPrincipal).find(([, list]) =>
    list.some((a) => a.scopeKind === 'resourceGroup'),
  )!;
  const filter = encodeURIComponent(`principalId eq '${principal}'`);
  const mine = await all(
    `${MGMT}/${tenantId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${filter}`,
  );
  assert.deepEqual(mine.map((a) => a.name).sort(), expected.map((a) => a.assignmentId).sort());
  const rg = expected.find((a) => a.scopeKind === 'resourceGroup')!;
  const atScope = await all(
    `${rg.scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`,
  );
  assert.ok(atScope.some((a) => a.name === rg.assignmentId));
  for (const a of atScope)
    assert.ok(
      rg.scope.toLowerCase().startsWith(a.properties.scope.toLowerCase()) ||
        a.properties.scope.startsWith('/providers/'),
    );
  const bad = await arm(
    `${rg.scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=assignedTo('x')`,
  );
  assert.equal(bad.status, 400);
});

test('role definitions: built-ins everywhere, custom roles where assignable, names for the ground truth', async () => {
  const sub = truth().subscriptions[0]!.subscriptionId;
  const defs = await all(
    `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01`,
  );
  const owner = defs.find((d) => d.name === '8e3af657-a8ff-443c-a75c-2fe8c4bcb635');
  assert.equal(owner.properties.roleName, 'Owner');
  assert.equal(owner.properties.type, 'BuiltInRole');
  assert.deepEqual(owner.properties.permissions[0].actions, ['*']);
  const custom = defs.filter((d) => d.properties.type === 'CustomRole');
  const expected = truth().customRoles.filter((r) => r.assignableScopes.includes(`/subscriptions/${sub}`));
  assert.deepEqual(custom.map((d) => d.name).sort(), expected.map((r) => r.id).sort());
  const byId = await arm(
    `/providers/Microsoft.Authorization/roleDefinitions/${expected[0]!.id}?api-version=2022-04-01`,
  );
  assert.equal(byId.json.properties.roleName, expected[0]!.roleName);
});

test('user-assigned identities and their federated credentials equal the ground truth', async () => {
  const expected = truth().userAssignedIdentities;
  const read: Record<string, unknown> = {};
  for (const s of truth().subscriptions) {
    for (const uami of await all(
      `/subscriptions/${s.subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31`,
    )) {
      assert.equal(uami.type, 'Microsoft.ManagedIdentity/userAssignedIdentities');
      assert.equal(uami.properties.tenantId, tenantId);
      const fics = await all(`${uami.id}/federatedIdentityCredentials?api-version=2023-01-31&$top=2`);
      read[uami.properties.principalId] = {
        resourceId: uami.id,
        clientId: uami.properties.clientId,
        fics: fics.map((f) => ({ name: f.name, ...f.properties })),
      };
    }
  }
  const want = Object.fromEntries(
    Object.entries(expected).map(([id, u]) => [
      id,
      { resourceId: u.resourceId, clientId: u.clientId, fics: u.federatedIdentityCredentials },
    ]),
  );
  assert.deepEqual(read, want);
  // Each identity is the tenant's managed-identity service principal, ids and all.
  const sps = emulator.tenants[0]!.servicePrincipals;
  for (const [id, u] of Object.entries(expected)) assert.equal(sps.get(id)?.object.appId, u.clientId);
});

test('a system-assigned identity is found from its principal id through /resources', async () => {
  const [principal, owner] = Object.entries(truth().systemAssignedIdentities)[0]!;
  const sub = owner.resourceId.split('/')[2];
  const filter = encodeURIComponent(`identity/principalId eq '${principal}'`);
  const found = await all(`/subscriptions/${sub}/resources?api-version=2021-04-01&$filter=${filter}`);
  assert.equal(found.length, 1);
  assert.equal(found[0].id, owner.resourceId);
  assert.match(found[0].identity.type, /^SystemAssigned/);
  assert.equal(found[0].identity.principalId, principal);
});

test('denied subscriptions are not listed, and their scopes are 403 AuthorizationFailed', async () => {
  const denied = truth().subscriptions.at(-1)!.subscriptionId;
  emulator.arm.access.deny([denied]);
  try {
    const subs = await all('/subscriptions?api-version=2022-12-01');
    assert.ok(!subs.some((s) => s.subscriptionId === denied));
    assert.equal(subs.length, truth().subscriptions.length - 1);
    const res = await arm(
      `/subscriptions/${denied}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
    );
    assert.equal(res.status, 403);
    assert.equal(res.json.error.code, 'AuthorizationFailed');
    assert.match(
      res.json.error.message,
      /does not have authorization to perform action 'Microsoft\.Authorization\/roleAssignments\/read' over scope/,
    );
    assert.equal((await arm(`${MGMT}/${tenantId}/descendants?api-version=2023-04-01`)).status, 403);
    assert.deepEqual((await arm(`${MGMT}?api-version=2023-04-01`)).json.value, []);
    const allowed = truth().subscriptions[0]!.subscriptionId;
    assert.equal((await arm(`/subscriptions/${allowed}?api-version=2022-12-01`)).status, 200);
  } finally {
    emulator.arm.access.allow([denied]);
  }
});

test('ARM errors: missing api-version, unknown subscription, tampered skiptoken, writes', async () => {
  const missing = await arm('/subscriptions');
  assert.equal(missing.status, 400);
  assert.equal(missing.json.error.code, 'MissingApiVersionParameter');
  const unknown = await arm(
    '/subscriptions/00000000-0000-4000-8000-000000000000/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31',
  );
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'SubscriptionNotFound');
  const first = await arm('/subscriptions?api-version=2022-12-01');
  const tampered = await arm(first.json.nextLink.replace(/skiptoken=4\./, 'skiptoken=1.'));
  assert.equal(tampered.status, 400);
  const post = await rawRequest(`${emulator.origin}/subscriptions?api-version=2022-12-01`, {
    ca: emulator.caCertPem,
    method: 'POST',
    headers: { authorization: `Bearer ${armToken}` },
  });
  assert.equal(post.status, 405);
  const log = emulator.control.requestLog().filter((r) => r.path.startsWith('/subscriptions'));
  assert.ok(log.length > 0 && log.every((r) => r.appId === emulator.scanner.clientId || r.appId === null));
});
