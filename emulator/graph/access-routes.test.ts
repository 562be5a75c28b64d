import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_APP_ROLE_ID } from '../tenant/access-model.ts';
import { accessGroundTruth } from '../tenant/access-truth.ts';
import { GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR } from '../tenant/directory-roles.ts';
import { generateTenant } from '../tenant/generate.ts';
import { MICROSOFT_GRAPH_APP_ID } from '../tenant/model.ts';
import { type Call, createTestGraph, TENANT_ID, token } from './testing.ts';

const NOW = Date.UTC(2026, 10, 23, 12); // the test clock's start
const tenant = generateTenant({ seed: 5, apps: 300, now: NOW, tenantId: TENANT_ID, resourceAppRoles: true });
const sps = [...tenant.servicePrincipals.values()];
const graphSp = sps.find((s) => s.object.appId === MICROSOFT_GRAPH_APP_ID)!;
const truth = accessGroundTruth(tenant);
const READER = token(['Application.Read.All', 'Directory.Read.All']);

/** Follows nextLinks to the end; returns every item and the pages' sizes. */
async function readAll(call: Call, path: string, auth = READER, headers: Record<string, string> = {}) {
  const items: Record<string, unknown>[] = [];
  const pages: number[] = [];
  let next: string | undefined = path;
  while (next) {
    const r = await call('GET', next, { auth, headers });
    assert.equal(r.status, 200, `${next}: ${r.text}`);
    items.push(...r.json.value);
    pages.push(r.json.value.length);
    next = r.json['@odata.nextLink'];
  }
  return { items, pages };
}

const graph = () => createTestGraph({ throttle: { enabled: false } }, [tenant]);

test('appRoleAssignedTo on Microsoft Graph pages through every granted Graph role, in v1.0 shape', async () => {
  const { call } = graph();
  const { items, pages } = await readAll(
    call,
    `/v1.0/servicePrincipals/${graphSp.object.id}/appRoleAssignedTo?$top=40`,
  );
  const granted = sps.reduce((n, s) => n + s.grantedGraphRoles.length, 0);
  assert.equal(items.length, granted);
  assert.ok(pages.length > 2 && pages.slice(0, -1).every((n) => n === 40));
  assert.equal(new Set(items.map((a) => a.id)).size, items.length);
  const a = items[0]!;
  assert.deepEqual(Object.keys(a).sort(), [
    'appRoleId',
    'createdDateTime',
    'deletedDateTime',
    'id',
    'principalDisplayName',
    'principalId',
    'principalType',
    'resourceDisplayName',
    'resourceId',
  ]);
  assert.equal(a.resourceId, graphSp.object.id);
  assert.equal(a.resourceDisplayName, 'Microsoft Graph');
  assert.equal(a.principalType, 'ServicePrincipal');
  // The role resolves on the resource's appRoles, as a client resolves it.
  assert.ok(graphSp.object.appRoles!.some((r) => r.id === a.appRoleId));
});

test('appRoleAssignments (holder side) equal the ground truth for every service principal that holds any', async () => {
  const { call } = graph();
  const holders = truth.servicePrincipals.filter((s) => s.appRoleAssignments.length > 0);
  assert.ok(holders.some((h) => h.appRoleAssignments.some((a) => a.value === 'full_access_as_app')));
  for (const h of holders.slice(0, 60)) {
    const { items } = await readAll(call, `/v1.0/servicePrincipals/${h.id}/appRoleAssignments`);
    assert.deepEqual(
      items.map((a) => [a.id, a.resourceId, a.appRoleId, a.createdDateTime]).sort(),
      h.appRoleAssignments.map((a) => [a.id, a.resourceId, a.appRoleId, a.createdDateTime]).sort(),
      h.displayName,
    );
  }
});

test('users assigned to an own app show on its appRoleAssignedTo with the default role', async () => {
  const { call } = graph();
  const user = truth.users.find((u) => u.appRoleAssignments.length > 0)!;
  const held = user.appRoleAssignments[0]!;
  const { items } = await readAll(call, `/v1.0/servicePrincipals/${held.resourceId}/appRoleAssignedTo`);
  const mine = items.find((a) => a.principalId === user.id)!;
  assert.equal(mine.principalType, 'User');
  assert.equal(mine.appRoleId, DEFAULT_APP_ROLE_ID);
  assert.equal(mine.principalDisplayName, tenant.users.get(user.id)!.displayName);
});

test('appRoleAssignments accept $select and $top, refuse $filter and unknown properties, and cost Graph RU', async () => {
  const { call } = graph();
  const id = truth.servicePrincipals.find((s) => s.appRoleAssignments.length > 1)!.id;
  const selected = await call(
    'GET',
    `/v1.0/servicePrincipals/${id}/appRoleAssignments?$select=id,appRoleId&$top=1`,
    { auth: READER },
  );
  assert.deepEqual(Object.keys(selected.json.value[0]).sort(), ['appRoleId', 'id']);
  assert.match(
    selected.json['@odata.context'],
    /servicePrincipals\('.+'\)\/appRoleAssignments\(id,appRoleId\)$/,
  );
  assert.ok(selected.json['@odata.nextLink']);
  // facts §1.2: holder side base 2 (−1 $select, −1 $top < 20, floor 1); resource side 1.
  assert.equal(
    (await call('GET', `/v1.0/servicePrincipals/${id}/appRoleAssignments`, { auth: READER })).headers[
      'x-ms-resource-unit'
    ],
    '2',
  );
  assert.equal(selected.headers['x-ms-resource-unit'], '1');
  assert.equal(
    (await call('GET', `/v1.0/servicePrincipals/${id}/appRoleAssignedTo`, { auth: READER })).headers[
      'x-ms-resource-unit'
    ],
    '1',
  );
  const bad = await call('GET', `/v1.0/servicePrincipals/${id}/appRoleAssignments?$select=nope`, {
    auth: READER,
  });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /microsoft\.graph\.appRoleAssignment/);
  assert.equal(
    (
      await call('GET', `/v1.0/servicePrincipals/${id}/appRoleAssignments?$filter=resourceId eq 'x'`, {
        auth: READER,
      })
    ).status,
    400,
  );
  assert.equal(
    (
      await call('GET', '/v1.0/servicePrincipals/00000000-0000-4000-8000-000000000000/appRoleAssignments', {
        auth: READER,
      })
    ).status,
    404,
  );
});

test('oauth2PermissionGrants: paged, space-separated scopes, resourceId filter by default, clientId only as an advanced query', async () => {
  const { call } = graph();
  const { items } = await readAll(call, '/v1.0/oauth2PermissionGrants?$top=25');
  const expected = truth.servicePrincipals.flatMap((s) => s.delegatedGrants);
  assert.equal(items.length, expected.length);
  const byId = new Map(expected.map((g) => [g.id, g]));
  for (const g of items) {
    const want = byId.get(g.id as string)!;
    assert.deepEqual((g.scope as string).split(' '), want.scopes);
    assert.equal(g.consentType, want.consentType);
    assert.equal(g.principalId, want.principalId);
  }
  const client = items.find((g) => g.consentType === 'Principal')!.clientId as string;
  const plain = await call('GET', `/v1.0/oauth2PermissionGrants?$filter=clientId eq '${client}'`, {
    auth: READER,
  });
  assert.equal(plain.status, 400);
  assert.equal(plain.json.error.code, 'Request_UnsupportedQuery');
  const advanced = await call(
    'GET',
    `/v1.0/oauth2PermissionGrants?$filter=clientId eq '${client}'&$count=true`,
    {
      auth: READER,
      headers: { ConsistencyLevel: 'eventual' },
    },
  );
  assert.equal(advanced.status, 200);
  assert.equal(
    advanced.json['@odata.count'],
    expected.filter((g) => items.find((i) => i.id === g.id)!.clientId === client).length,
  );
  const byResource = await readAll(
    call,
    `/v1.0/oauth2PermissionGrants?$filter=resourceId eq '${graphSp.object.id}'`,
  );
  assert.equal(byResource.items.length, items.length);
  assert.equal(
    (await call('GET', '/v1.0/oauth2PermissionGrants', { auth: READER })).headers['x-ms-resource-unit'],
    '2',
  );
  const one = await call(
    'GET',
    `/v1.0/oauth2PermissionGrants/${encodeURIComponent(items[0]!.id as string)}`,
    { auth: READER },
  );
  assert.equal(one.json.id, items[0]!.id);
});

test('roleDefinitions carry the reference ids; roleAssignments filter by role and principal and match the ground truth', async () => {
  const { call } = graph();
  const defs = await call('GET', '/v1.0/roleManagement/directory/roleDefinitions', { auth: READER });
  const ga = defs.json.value.find((d: { displayName: string }) => d.displayName === 'Global Administrator');
  assert.deepEqual([ga.id, ga.templateId, ga.isBuiltIn], [GLOBAL_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, true]);
  const single = await call('GET', `/v1.0/roleManagement/directory/roleDefinitions/${GLOBAL_ADMINISTRATOR}`, {
    auth: READER,
  });
  assert.equal(single.json.displayName, 'Global Administrator');

  const all = await readAll(call, '/v1.0/roleManagement/directory/roleAssignments?$top=10');
  const expected = [...truth.servicePrincipals, ...truth.users].flatMap((p) =>
    p.directoryRoles.map((r) => [r.id, p.id, r.roleDefinitionId, r.directoryScopeId].join('|')),
  );
  assert.deepEqual(
    all.items.map((a) => [a.id, a.principalId, a.roleDefinitionId, a.directoryScopeId].join('|')).sort(),
    expected.sort(),
  );
  assert.ok(
    all.items.some(
      (a) =>
        String(a.directoryScopeId).startsWith('/administrativeUnits/') ||
        /^\/[0-9a-f-]{36}$/.test(String(a.directoryScopeId)),
    ),
  );

  const gas = await call(
    'GET',
    `/v1.0/roleManagement/directory/roleAssignments?$filter=roleDefinitionId eq '${GLOBAL_ADMINISTRATOR}'`,
    { auth: READER },
  );
  assert.ok(
    gas.json.value.length >= 2 &&
      gas.json.value.every((a: { roleDefinitionId: string }) => a.roleDefinitionId === GLOBAL_ADMINISTRATOR),
  );
  const holder = all.items[0]!.principalId as string;
  const mine = await call(
    'GET',
    `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${holder}'`,
    { auth: READER },
  );
  assert.ok(
    mine.json.value.length >= 1 &&
      mine.json.value.every((a: { principalId: string }) => a.principalId === holder),
  );
  assert.equal(
    (await call('GET', '/v1.0/roleManagement/directory/roleAssignments?$expand=principal', { auth: READER }))
      .status,
    400,
  );
});

const ROLE_READER = token(['RoleManagement.Read.Directory']);
const ELIGIBILITY = '/roleManagement/directory/roleEligibilityScheduleInstances';

test('roleEligibilityScheduleInstances (v1.0 and beta) page through every eligible role in Graph shape and match the ground truth', async () => {
  const { call } = graph();
  const expected = [...truth.servicePrincipals, ...truth.users]
    .flatMap((p) =>
      p.eligibleDirectoryRoles.map((r) =>
        [r.id, p.id, r.roleDefinitionId, r.directoryScopeId, r.startDateTime, r.endDateTime].join('|'),
      ),
    )
    .sort();
  const eligibleSps = truth.servicePrincipals.flatMap((s) => s.eligibleDirectoryRoles);
  // The tenant has what the reader must handle: a tier-0 role tenant-wide, roles scoped to an app and to a unit.
  assert.ok(
    eligibleSps.some(
      (r) =>
        r.directoryScopeId === '/' &&
        (r.roleDefinitionId === GLOBAL_ADMINISTRATOR || r.roleDefinitionId === PRIVILEGED_ROLE_ADMINISTRATOR),
    ),
  );
  assert.ok(eligibleSps.some((r) => r.directoryScopeId.startsWith('/administrativeUnits/')));
  assert.ok(eligibleSps.some((r) => /^\/[0-9a-f-]{36}$/.test(r.directoryScopeId)));
  assert.ok(truth.users.some((u) => u.eligibleDirectoryRoles.length > 0));

  for (const version of ['v1.0', 'beta']) {
    const { items, pages } = await readAll(call, `/${version}${ELIGIBILITY}?$top=5`, ROLE_READER);
    assert.ok(pages.length > 2 && pages.slice(0, -1).every((n) => n === 5), `${version} pages`);
    assert.deepEqual(
      items
        .map((e) =>
          [e.id, e.principalId, e.roleDefinitionId, e.directoryScopeId, e.startDateTime, e.endDateTime].join(
            '|',
          ),
        )
        .sort(),
      expected,
      version,
    );
    const e = items[0]!;
    assert.deepEqual(Object.keys(e).sort(), [
      'appScopeId',
      'directoryScopeId',
      'endDateTime',
      'id',
      'memberType',
      'principalId',
      'roleDefinitionId',
      'roleEligibilityScheduleId',
      'startDateTime',
    ]);
    assert.equal(e.memberType, 'Direct');
    assert.equal(e.appScopeId, null);
    // DC's example: base64url of the role's and the principal's GUID bytes, then "-1-e".
    assert.match(String(e.id), /^[A-Za-z0-9_-]{43}-1-e$/);
    assert.match(String(e.startDateTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }

  const first = await call('GET', `/v1.0${ELIGIBILITY}`, { auth: ROLE_READER });
  assert.equal(first.headers['x-ms-resource-unit'], '1');
  assert.match(
    first.json['@odata.context'],
    /\$metadata#roleManagement\/directory\/roleEligibilityScheduleInstances$/,
  );
  const selected = await call('GET', `/v1.0${ELIGIBILITY}?$select=id,principalId&$top=1`, {
    auth: ROLE_READER,
  });
  assert.deepEqual(Object.keys(selected.json.value[0]).sort(), ['id', 'principalId']);
  assert.match(selected.json['@odata.context'], /roleEligibilityScheduleInstances\(id,principalId\)$/);
  const bad = await call('GET', `/v1.0${ELIGIBILITY}?$select=nope`, { auth: ROLE_READER });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /microsoft\.graph\.unifiedRoleEligibilityScheduleInstance/);

  const holder = eligibleSps[0]!;
  const principal = truth.servicePrincipals.find((s) => s.eligibleDirectoryRoles.includes(holder))!.id;
  const mine = await call('GET', `/v1.0${ELIGIBILITY}?$filter=principalId eq '${principal}'`, {
    auth: ROLE_READER,
  });
  assert.deepEqual(
    mine.json.value.map((e: { id: string }) => e.id).sort(),
    truth.servicePrincipals
      .find((s) => s.id === principal)!
      .eligibleDirectoryRoles.map((r) => r.id)
      .sort(),
  );
  const one = await call('GET', `/v1.0${ELIGIBILITY}/${encodeURIComponent(holder.id)}`, {
    auth: ROLE_READER,
  });
  assert.equal(one.status, 200);
  assert.equal(one.json.roleDefinitionId, holder.roleDefinitionId);
  assert.equal((await call('GET', `/v1.0${ELIGIBILITY}/nope-1-e`, { auth: ROLE_READER })).status, 404);
});

test('without Entra ID P2 the eligibility list is a 400 AadPremiumLicenseRequired, after the permission check; the answer key lists none', async () => {
  for (const licence of ['none', 'p1'] as const) {
    const unlicensed = generateTenant({ seed: 5, apps: 60, now: NOW, tenantId: TENANT_ID, licence });
    assert.ok(unlicensed.access!.roleEligibilities.length > 0, 'generated whatever the licence');
    const { call } = createTestGraph({ throttle: { enabled: false } }, [unlicensed]);
    const refused = await call('GET', `/v1.0${ELIGIBILITY}`, { auth: ROLE_READER });
    assert.equal(refused.status, 400, licence);
    assert.equal(refused.json.error.code, 'AadPremiumLicenseRequired');
    assert.equal(
      refused.json.error.message,
      'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
    );
    assert.equal((await call('GET', `/beta${ELIGIBILITY}`, { auth: ROLE_READER })).status, 400);
    const denied = await call('GET', `/v1.0${ELIGIBILITY}`, { auth: READER });
    assert.equal(denied.status, 403, 'the permission first');
    // Role assignments need no P2.
    assert.equal(
      (await call('GET', '/v1.0/roleManagement/directory/roleAssignments', { auth: ROLE_READER })).status,
      200,
    );
    const key = accessGroundTruth(unlicensed);
    assert.ok([...key.servicePrincipals, ...key.users].every((p) => p.eligibleDirectoryRoles.length === 0));
    // Licensed again at run time: served and in the answer key, as Graph reads the licence per request.
    unlicensed.licence = 'p2';
    assert.equal((await call('GET', `/v1.0${ELIGIBILITY}`, { auth: ROLE_READER })).status, 200);
    assert.ok(
      accessGroundTruth(unlicensed).servicePrincipals.some((s) => s.eligibleDirectoryRoles.length > 0),
    );
  }
});

test('each new directory route answers only the permissions Graph lists and 403s every other', async () => {
  const { call } = graph();
  const sp = truth.servicePrincipals[0]!.id;
  const APPS = [
    'Application.Read.All',
    'Application.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ];
  const ROLE_MANAGEMENT = [
    'RoleManagement.Read.Directory',
    'RoleManagement.Read.All',
    'Directory.Read.All',
    'RoleManagement.ReadWrite.Directory',
    'Directory.ReadWrite.All',
  ];
  const cases: [string, string[]][] = [
    [`/v1.0/servicePrincipals/${sp}/appRoleAssignedTo`, APPS],
    [`/v1.0/servicePrincipals/${sp}/appRoleAssignments`, APPS],
    [
      '/v1.0/oauth2PermissionGrants',
      ['Directory.Read.All', 'DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'],
    ],
    ['/v1.0/roleManagement/directory/roleDefinitions', ROLE_MANAGEMENT],
    ['/v1.0/roleManagement/directory/roleAssignments', ROLE_MANAGEMENT],
    // No Directory.* permission reads eligibility (DC rbacapplication-list-roleeligibilityscheduleinstances.md).
    [
      `/v1.0${ELIGIBILITY}`,
      [
        'RoleEligibilitySchedule.Read.Directory',
        'RoleEligibilitySchedule.ReadWrite.Directory',
        'RoleManagement.Read.All',
        'RoleManagement.Read.Directory',
        'RoleManagement.ReadWrite.Directory',
      ],
    ],
  ];
  const roles = [
    ...new Set([
      ...cases.flatMap(([, r]) => r),
      'User.Read.All',
      'AuditLog.Read.All',
      'Application.ReadWrite.OwnedBy',
    ]),
  ];
  for (const [path, allowed] of cases) {
    for (const role of roles) {
      const r = await call('GET', path, { auth: token([role]) });
      if (allowed.includes(role)) assert.equal(r.status, 200, `${path} with ${role}`);
      else {
        assert.equal(r.status, 403, `${path} with ${role}`);
        assert.equal(r.json.error.code, 'Authorization_RequestDenied');
      }
    }
  }
});
