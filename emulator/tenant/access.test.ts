import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { EXCHANGE_FULL_ACCESS_ROLE_ID, EXCHANGE_ONLINE_APP_ID } from './access-generate.ts';
import { DEFAULT_APP_ROLE_ID } from './access-model.ts';
import { accessGroundTruth } from './access-truth.ts';
import {
  DIRECTORY_ROLE_BY_ID,
  GLOBAL_ADMINISTRATOR,
  PRIVILEGED_ROLE_ADMINISTRATOR,
} from './directory-roles.ts';
import { generateTenant } from './generate.ts';
import { MICROSOFT_GRAPH_APP_ID, type TenantState } from './model.ts';

const NOW = Date.UTC(2026, 2, 1, 9, 30, 0);
const DAY = 86_400_000;

const ADDED_LATER = new Set(['IdentityRiskEvent.Read.All', 'IdentityRiskyServicePrincipal.Read.All']);

/** The objects generateTenant made before access existed, serialised as they were then. */
function existingObjects(t: TenantState): string {
  return JSON.stringify({
    id: t.id,
    displayName: t.displayName,
    defaultDomain: t.defaultDomain,
    size: t.size,
    // A user's mail is taken from his index, not drawn (generate.ts mailOf): as it was then, the UPN.
    users: [...t.users.values()].map((u) => ({ ...u, mail: u.userPrincipalName })),
    applications: [...t.applications.values()],
    // Microsoft Graph's app roles grew two ID Protection permissions since (a catalogue entry, not a draw).
    servicePrincipals: [...t.servicePrincipals.values()].map((sp) =>
      sp.object.appId === MICROSOFT_GRAPH_APP_ID
        ? {
            ...sp,
            object: {
              ...sp.object,
              appRoles: sp.object.appRoles?.filter((role) => !ADDED_LATER.has(role.value ?? '')),
            },
          }
        : sp,
    ),
    secrets: t.secrets,
    certificates: t.certificates,
  });
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const tenant = generateTenant({ seed: 2024, apps: 2000, now: NOW });
const access = tenant.access!;

test('existing objects are byte-identical to what the generator made before access was added', () => {
  // Hashes taken from the generator as committed before this change (seed, apps, NOW above).
  assert.equal(
    sha(existingObjects(generateTenant({ seed: 11, apps: 300, now: NOW }))),
    'dcccf698625c14c266ed47cb81d1293499226ef19f6bedbec16918a21c1885eb',
  );
  assert.equal(
    sha(existingObjects(tenant)),
    '0defc992010abbe166931a7b779e57a0028f8cf8b22a34ffdd93a1750def18ff',
  );
  // The licence changes nothing drawn.
  const free = generateTenant({ seed: 11, apps: 300, now: NOW, licence: 'none' });
  assert.equal(free.licence, 'none');
  assert.equal(
    sha(existingObjects(free)),
    'dcccf698625c14c266ed47cb81d1293499226ef19f6bedbec16918a21c1885eb',
  );
});

test('eligible roles came last: every other part of access is byte-identical to before they existed', () => {
  // Hashes of access without roleEligibilities, taken from the generator as committed before eligibility.
  const rest = (t: TenantState) => {
    const { roleEligibilities: _, ...others } = t.access!;
    return sha(JSON.stringify(others));
  };
  assert.equal(
    rest(generateTenant({ seed: 11, apps: 300, now: NOW, resourceAppRoles: true })),
    'e62d7e89591f5347ce4979fdb3dd63cf8cf5b51d120cc2bd8147a4ff7a0fbda8',
  );
  assert.equal(
    rest(generateTenant({ seed: 2024, apps: 2000, now: NOW, resourceAppRoles: true })),
    'fab7358c12a8df4c4e05816529dbb666c47917a04e2ab46fa05f3bd54a5fc886',
  );
});

test('access is deterministic per seed and differs across seeds', () => {
  const a = generateTenant({ seed: 11, apps: 300, now: NOW }).access!;
  const b = generateTenant({ seed: 11, apps: 300, now: NOW }).access!;
  const c = generateTenant({ seed: 12, apps: 300, now: NOW }).access!;
  const ser = (x: typeof a) => JSON.stringify(x);
  assert.equal(ser(a), ser(b));
  assert.notEqual(ser(a), ser(c));
});

test('resourceAppRoles adds Exchange full_access_as_app and leaves every other draw alone', () => {
  const plain = generateTenant({ seed: 7, apps: 600, now: NOW });
  const rich = generateTenant({ seed: 7, apps: 600, now: NOW, resourceAppRoles: true });
  const exchange = [...rich.servicePrincipals.values()].find(
    (s) => s.object.appId === EXCHANGE_ONLINE_APP_ID,
  )!;
  assert.deepEqual(
    exchange.object.appRoles?.map((r) => [r.id, r.value]),
    [[EXCHANGE_FULL_ACCESS_ROLE_ID, 'full_access_as_app']],
  );
  const onExchange = rich.access!.appRoleAssignments.filter((a) => a.resourceId === exchange.object.id);
  assert.ok(onExchange.length >= 2, 'own and third-party holders');
  assert.ok(
    onExchange.every(
      (a) => a.principalType === 'ServicePrincipal' && a.appRoleId === EXCHANGE_FULL_ACCESS_ROLE_ID,
    ),
  );
  // Everything but Exchange's appRoles and the new assignments is as without the switch.
  assert.deepEqual(rich.access!.permissionGrants, plain.access!.permissionGrants);
  assert.deepEqual(rich.access!.roleAssignments, plain.access!.roleAssignments);
  assert.deepEqual(rich.access!.roleEligibilities, plain.access!.roleEligibilities);
  assert.deepEqual(rich.access!.signInHistory, plain.access!.signInHistory);
  assert.deepEqual(
    rich.access!.appRoleAssignments.filter((a) => a.resourceId !== exchange.object.id),
    plain.access!.appRoleAssignments,
  );
});

test('Graph role assignments date between creation and generation; user assignments use the default role', () => {
  const truth = accessGroundTruth(tenant);
  const created = new Map(
    [...tenant.applications.values()].map((a) => [a.object.appId, Date.parse(a.object.createdDateTime!)]),
  );
  const graphHeld = truth.servicePrincipals.flatMap((s) =>
    s.appRoleAssignments
      .filter((a) => a.resourceAppId === MICROSOFT_GRAPH_APP_ID)
      .map((a) => [s.appId, a] as const),
  );
  const granted = [...tenant.servicePrincipals.values()].reduce((n, s) => n + s.grantedGraphRoles.length, 0);
  assert.equal(graphHeld.length, granted);
  for (const [appId, a] of graphHeld) {
    const t = Date.parse(a.createdDateTime!);
    assert.ok(t <= NOW - DAY && t >= (created.get(appId) ?? NOW - 3 * 365 * DAY), a.createdDateTime!);
  }
  const users = access.appRoleAssignments.filter((a) => a.principalType === 'User');
  assert.ok(users.length > 50);
  for (const a of users) {
    assert.equal(a.appRoleId, DEFAULT_APP_ROLE_ID);
    assert.ok(tenant.users.has(a.principalId));
    assert.equal(tenant.servicePrincipals.get(a.resourceId)?.object.appOwnerOrganizationId, tenant.id);
  }
  assert.equal(new Set(access.appRoleAssignments.map((a) => a.id)).size, access.appRoleAssignments.length);
});

test('delegated grants point at Microsoft Graph, per-user grants name their user', () => {
  const graph = [...tenant.servicePrincipals.values()].find(
    (s) => s.object.appId === MICROSOFT_GRAPH_APP_ID,
  )!;
  assert.ok(access.permissionGrants.length > 500);
  for (const g of access.permissionGrants) {
    assert.equal(g.resourceId, graph.object.id);
    assert.ok(tenant.servicePrincipals.has(g.clientId));
    assert.equal(g.consentType === 'Principal', g.principalId !== null);
    if (g.principalId) assert.ok(tenant.users.has(g.principalId));
    assert.match(g.scope, /^\S+( \S+)*$/);
  }
  const kinds = new Set(access.permissionGrants.map((g) => g.consentType));
  assert.deepEqual([...kinds].sort(), ['AllPrincipals', 'Principal']);
  assert.equal(new Set(access.permissionGrants.map((g) => g.id)).size, access.permissionGrants.length);
});

test('directory roles: built-in ids from the reference, valid scopes, one tier-0 service principal', () => {
  const apps = new Set(tenant.applications.keys());
  for (const r of access.roleAssignments) {
    assert.ok(DIRECTORY_ROLE_BY_ID.has(r.roleDefinitionId), r.roleDefinitionId);
    const scope = r.directoryScopeId;
    if (scope === '/') continue;
    const unit = /^\/administrativeUnits\/(.+)$/.exec(scope)?.[1];
    if (unit) assert.ok(access.administrativeUnitIds.includes(unit));
    else assert.ok(apps.has(scope.slice(1)), scope);
  }
  const tier0 = access.roleAssignments.filter(
    (r) =>
      r.principalKind === 'servicePrincipal' &&
      r.directoryScopeId === '/' &&
      (r.roleDefinitionId === GLOBAL_ADMINISTRATOR || r.roleDefinitionId === PRIVILEGED_ROLE_ADMINISTRATOR),
  );
  assert.ok(tier0.length >= 1);
  assert.ok(
    access.roleAssignments.some(
      (r) => r.principalKind === 'user' && r.roleDefinitionId === GLOBAL_ADMINISTRATOR,
    ),
  );
  assert.equal(new Set(access.roleAssignments.map((r) => r.id)).size, access.roleAssignments.length);
});

test('eligible roles: built-in ids, valid scopes, a tier-0 one tenant-wide, scoped ones, one also held; only with P2 in the answer key', () => {
  const apps = new Set(tenant.applications.keys());
  const eligible = access.roleEligibilities;
  for (const e of eligible) {
    assert.ok(DIRECTORY_ROLE_BY_ID.has(e.roleDefinitionId), e.roleDefinitionId);
    const principal =
      e.principalKind === 'user'
        ? tenant.users.get(e.principalId)
        : tenant.servicePrincipals.get(e.principalId);
    assert.ok(principal, e.principalId);
    const unit = /^\/administrativeUnits\/(.+)$/.exec(e.directoryScopeId)?.[1];
    if (unit) assert.ok(access.administrativeUnitIds.includes(unit));
    else if (e.directoryScopeId !== '/') assert.ok(apps.has(e.directoryScopeId.slice(1)), e.directoryScopeId);
    assert.ok(Date.parse(e.startDateTime) <= NOW - DAY);
    assert.ok(e.endDateTime === null || Date.parse(e.endDateTime) >= NOW + 29 * DAY, e.endDateTime ?? '');
    assert.match(
      e.roleEligibilityScheduleId,
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  }
  assert.equal(new Set(eligible.map((e) => e.id)).size, eligible.length);
  const sps = eligible.filter((e) => e.principalKind === 'servicePrincipal');
  assert.ok(
    sps.some(
      (e) =>
        e.directoryScopeId === '/' &&
        (e.roleDefinitionId === GLOBAL_ADMINISTRATOR || e.roleDefinitionId === PRIVILEGED_ROLE_ADMINISTRATOR),
    ),
    'a tier-0 role a service principal may activate tenant-wide',
  );
  assert.ok(sps.some((e) => e.directoryScopeId.startsWith('/administrativeUnits/')));
  assert.ok(sps.some((e) => apps.has(e.directoryScopeId.slice(1))));
  assert.ok(
    sps.some((e) =>
      access.roleAssignments.some(
        (a) =>
          a.principalId === e.principalId &&
          a.roleDefinitionId === e.roleDefinitionId &&
          a.directoryScopeId === e.directoryScopeId,
      ),
    ),
    'a role both held and eligible',
  );
  assert.ok(eligible.some((e) => e.principalKind === 'user' && e.roleDefinitionId === GLOBAL_ADMINISTRATOR));
  assert.ok(eligible.some((e) => e.endDateTime === null) && eligible.some((e) => e.endDateTime !== null));

  const truth = accessGroundTruth(tenant);
  assert.equal(
    truth.servicePrincipals.reduce((n, s) => n + s.eligibleDirectoryRoles.length, 0),
    sps.length,
  );
  const unlicensed = generateTenant({ seed: 2024, apps: 300, now: NOW, licence: 'p1' });
  assert.ok(unlicensed.access!.roleEligibilities.length > 0);
  assert.ok(
    accessGroundTruth(unlicensed).servicePrincipals.every((s) => s.eligibleDirectoryRoles.length === 0),
  );
});

test('sign-in history: newest first, credentials used only while valid, some recent, some dormant', () => {
  const h = access.signInHistory;
  h.forEach((e, i) => {
    assert.equal(e.seq, i);
    if (i > 0) assert.ok(h[i - 1]!.time >= e.time);
    assert.ok(e.time <= NOW);
  });
  const creds = new Map<string, { start: number; end: number }>();
  for (const a of tenant.applications.values()) {
    for (const c of [...(a.object.passwordCredentials ?? []), ...(a.object.keyCredentials ?? [])])
      creds.set(c.keyId!, { start: Date.parse(c.startDateTime!), end: Date.parse(c.endDateTime!) });
  }
  for (const e of h.filter(
    (x) =>
      x.errorCode === 0 &&
      (x.credentialType === 'clientSecret' || x.credentialType === 'certificate') &&
      x.credentialKeyId,
  )) {
    const c = creds.get(e.credentialKeyId!)!;
    assert.ok(c, 'a known credential');
    assert.ok(e.time >= c.start && e.time <= c.end, 'used inside its validity');
  }
  const recent = h.filter((e) => e.time >= NOW - 30 * DAY).length;
  assert.ok(recent > 500 && recent < h.length, `${recent} of ${h.length} within 30 days`);
  assert.ok(
    h.some((e) => e.kind === 'managedIdentity') &&
      h.some((e) => e.credentialType === 'federatedIdentityCredential'),
  );
  assert.ok(
    h.some((e) => e.errorCode === 7000222),
    'an expired secret still tried',
  );
});
