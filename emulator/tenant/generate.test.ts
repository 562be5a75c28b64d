import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ficName } from './credentials.ts';
import { generateTenant } from './generate.ts';
import { GRAPH_APP_ROLES } from './microsoft-catalogue.ts';
import { MICROSOFT_GRAPH_APP_ID, MICROSOFT_TENANT_ID, type TenantState } from './model.ts';
import { LONG_NAME } from './names.ts';

const NOW = Date.UTC(2026, 2, 1, 9, 30, 0);
const DAY = 86_400_000;

function serialise(t: TenantState): string {
  return JSON.stringify({
    ...t,
    users: [...t.users.values()],
    applications: [...t.applications.values()],
    servicePrincipals: [...t.servicePrincipals.values()],
  });
}

// One medium-large tenant shared by the proportion tests (generation is deterministic).
const big = generateTenant({ seed: 2024, apps: 2000, now: NOW });
const apps = [...big.applications.values()];
const sps = [...big.servicePrincipals.values()];
const users = [...big.users.values()];

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual.toFixed(3)} not within ${tolerance} of ${expected}`,
  );
}

test('same seed, apps and now give byte-identical tenants; another seed does not', () => {
  const a = serialise(generateTenant({ seed: 11, apps: 300, now: NOW }));
  const b = serialise(generateTenant({ seed: 11, apps: 300, now: NOW }));
  const c = serialise(generateTenant({ seed: 12, apps: 300, now: NOW }));
  assert.equal(a, b);
  assert.notEqual(a, c);
});

test('an explicit tenantId is used everywhere and leaves the rest of the draw unchanged', () => {
  const tenantId = '11111111-2222-4333-8444-555555555555';
  const t = generateTenant({ seed: 11, apps: 100, now: NOW, tenantId });
  const u = generateTenant({ seed: 11, apps: 100, now: NOW });
  assert.equal(t.id, tenantId);
  const own = [...t.servicePrincipals.values()].filter((s) => s.object.appOwnerOrganizationId === tenantId);
  assert.ok(own.length > 90);
  assert.deepEqual([...t.applications.keys()], [...u.applications.keys()]);
});

test('counts scale from the number of own apps', () => {
  assert.equal(apps.length, 2000);
  assert.equal(users.length, 500);
  assert.equal(big.size, 'medium');
  const byType = (type: string) => sps.filter((s) => s.object.servicePrincipalType === type);
  const microsoft = sps.filter(
    (s) =>
      s.object.appOwnerOrganizationId === MICROSOFT_TENANT_ID &&
      s.object.servicePrincipalType === 'Application',
  );
  assert.equal(microsoft.length, 250);
  assert.equal(byType('ManagedIdentity').length, 400);
  const own = byType('Application').filter((s) => s.object.appOwnerOrganizationId === big.id);
  near(own.length / 2000, 0.95, 0.02, 'apps with a service principal');
  const thirdParty = byType('Application').filter(
    (s) =>
      s.object.appOwnerOrganizationId !== big.id && s.object.appOwnerOrganizationId !== MICROSOFT_TENANT_ID,
  );
  assert.equal(thirdParty.length, 200);
  assert.ok(thirdParty.some((s) => s.object.verifiedPublisher?.verifiedPublisherId));
  assert.ok(byType('Legacy').length >= 2);
  assert.ok(byType('SocialIdp').length >= 1);
});

test('credential mix on apps roughly holds', () => {
  const share = (f: (a: (typeof apps)[number]) => boolean) => apps.filter(f).length / apps.length;
  near(
    share((a) => (a.object.passwordCredentials?.length ?? 0) > 0),
    0.6,
    0.04,
    'apps with secrets',
  );
  near(
    share((a) => (a.object.keyCredentials?.length ?? 0) > 0),
    0.25,
    0.03,
    'apps with certificates',
  );
  near(
    share((a) => a.federatedIdentityCredentials.length > 0),
    0.15,
    0.03,
    'apps with federated credentials',
  );
  const manySecrets = apps.filter((a) => (a.object.passwordCredentials?.length ?? 0) >= 25);
  near(manySecrets.length / apps.length, 0.01, 0.004, 'apps with many secrets');
  assert.ok(manySecrets.every((a) => a.object.passwordCredentials!.length <= 40));
});

test('expiry mix: ~15% expired, some within 7/14/30 days, some never-expiring', () => {
  const ends = apps.flatMap((a) => [
    ...(a.object.passwordCredentials ?? []),
    ...(a.object.keyCredentials ?? []),
  ]);
  const days = ends.map((c) => (Date.parse(c.endDateTime!) - NOW) / DAY);
  const share = (f: (d: number) => boolean) => days.filter(f).length / days.length;
  near(
    share((d) => d < 0),
    0.15,
    0.03,
    'expired',
  );
  assert.ok(share((d) => d >= 0 && d <= 7) > 0.02);
  assert.ok(share((d) => d > 7 && d <= 14) > 0.01);
  assert.ok(share((d) => d > 14 && d <= 30) > 0.02);
  assert.ok(ends.some((c) => c.endDateTime!.startsWith('2299-')));
  assert.ok(days.some((d) => d > 36_000 && d < 36_600));
  near(
    share((d) => d >= 183 && d <= 730),
    0.61,
    0.05,
    '6 to 24 months',
  );
  for (const a of apps) {
    for (const c of [...(a.object.passwordCredentials ?? []), ...(a.object.keyCredentials ?? [])]) {
      assert.ok(c.startDateTime! < c.endDateTime!, 'start before end');
      assert.ok(Date.parse(c.startDateTime!) >= Date.parse(a.object.createdDateTime!), 'not before the app');
    }
  }
});

test('credential wire shapes: hint of 3, no secret value, thumbprint of 20 bytes, no key', () => {
  const secrets = apps.flatMap((a) => a.object.passwordCredentials ?? []);
  assert.ok(secrets.every((p) => p.hint?.length === 3 && p.customKeyIdentifier === null && p.keyId));
  const certs = apps.flatMap((a) => a.object.keyCredentials ?? []);
  for (const k of certs) {
    assert.equal(Buffer.from(k.customKeyIdentifier!, 'base64').length, 20);
    assert.equal(k.key, null);
    assert.equal(k.type, 'AsymmetricX509Cert');
    assert.equal(k.usage, 'Verify');
    assert.match(k.displayName!, /^CN=/);
  }
});

test('no secretText value anywhere in the generated tenant', () => {
  const json = serialise(big);
  assert.ok(json.includes('"secretText":null'));
  assert.doesNotMatch(json, /"secretText":(?!null)/);
});

test('federated credentials: Graph limits, unique names and issuer+subject, at least one app at 20', () => {
  const withFic = apps.filter((a) => a.federatedIdentityCredentials.length > 0);
  assert.ok(apps.some((a) => a.federatedIdentityCredentials.length === 20));
  for (const a of withFic) {
    const fics = a.federatedIdentityCredentials;
    assert.ok(fics.length <= 20);
    assert.equal(new Set(fics.map((f) => f.name)).size, fics.length);
    assert.equal(new Set(fics.map((f) => `${f.issuer} ${f.subject}`)).size, fics.length);
    for (const f of fics) {
      assert.match(f.name!, /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/);
      assert.deepEqual(f.audiences, ['api://AzureADTokenExchange']);
      assert.match(f.id!, /^[0-9a-f-]{36}$/);
    }
  }
  const issuers = new Set(withFic.flatMap((a) => a.federatedIdentityCredentials.map((f) => f.issuer)));
  assert.ok(issuers.has('https://token.actions.githubusercontent.com'));
  assert.ok([...issuers].some((i) => i!.includes('.oic.prod-aks.azure.com/')));
  assert.equal(ficName('-x'), 'f-x');
  assert.equal(ficName('a b/c'), 'a-b-c');
});

test('owners: ~35% ownerless, apps past the 20-item $expand cap, every owner resolves', () => {
  near(apps.filter((a) => a.owners.length === 0).length / apps.length, 0.35, 0.04, 'ownerless');
  const crowded = apps.filter((a) => a.owners.length > 20);
  assert.ok(crowded.length >= 1);
  assert.ok(
    crowded.every(
      (a) => a.owners.length <= 30 && new Set(a.owners.map((o) => o.id)).size === a.owners.length,
    ),
  );
  const all = [...apps.flatMap((a) => a.owners), ...sps.flatMap((s) => s.owners)];
  assert.ok(all.some((o) => o.kind === 'servicePrincipal'));
  for (const o of all) {
    const found = o.kind === 'user' ? big.users.get(o.id) : big.servicePrincipals.get(o.id);
    assert.ok(found, `owner ${o.id} exists`);
  }
  near(users.filter((u) => u.accountEnabled === false).length / users.length, 0.05, 0.025, 'disabled users');
  assert.ok(users.every((u) => u.userPrincipalName!.endsWith(`@${big.defaultDomain}`)));
});

test('Microsoft Graph service principal carries its application roles with real GUIDs', () => {
  const graph = sps.find((s) => s.object.appId === MICROSOFT_GRAPH_APP_ID)!.object;
  assert.equal(graph.appOwnerOrganizationId, MICROSOFT_TENANT_ID);
  const roles = new Map(graph.appRoles!.map((r) => [r.value, r]));
  const required: Record<string, string> = {
    'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
    'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
    'AuditLog.Read.All': 'b0afded3-3588-46d8-8b3d-9842eff778da',
    'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
    'Application.ReadWrite.OwnedBy': '18a4783c-866b-4cc7-a460-3d5e5662c884',
    'RoleManagement.ReadWrite.Directory': '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
    'AppRoleAssignment.ReadWrite.All': '06b708a9-e830-4db3-a914-8e69da51d44f',
    'RoleManagement.Read.Directory': '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
    'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
    'Policy.Read.All': '246dd0d5-5bd0-4def-940b-0421030a5b68',
  };
  for (const [value, id] of Object.entries(required)) {
    assert.equal(roles.get(value)?.id, id, value);
    assert.deepEqual(roles.get(value)?.allowedMemberTypes, ['Application']);
  }
  assert.equal(roles.size, GRAPH_APP_ROLES.length);
  for (const appId of ['00000002-0000-0ff1-ce00-000000000000', '797f4846-ba00-4fd7-ba43-dac1f8f63013']) {
    assert.ok(
      sps.some((s) => s.object.appId === appId && s.object.appOwnerOrganizationId === MICROSOFT_TENANT_ID),
    );
  }
  const granted = new Set(sps.flatMap((s) => s.grantedGraphRoles));
  assert.ok([...granted].every((r) => roles.has(r)));
  assert.ok(granted.has('Application.ReadWrite.All') || granted.has('RoleManagement.ReadWrite.Directory'));
});

test('managed identities: ~70% system-assigned, alternativeNames and SPNs as Entra writes them', () => {
  const mis = sps.filter((s) => s.object.servicePrincipalType === 'ManagedIdentity').map((s) => s.object);
  const system = mis.filter((m) => m.alternativeNames![0] === 'isExplicit=False');
  near(system.length / mis.length, 0.7, 0.06, 'system-assigned');
  for (const m of mis) {
    const [flag, resource] = m.alternativeNames!;
    if (flag === 'isExplicit=False')
      assert.match(
        resource!,
        /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.[A-Za-z]+\/[A-Za-z]+\/[^/]+$/,
      );
    else {
      assert.equal(flag, 'isExplicit=True');
      assert.match(
        resource!,
        /^\/subscriptions\/[0-9a-f-]{36}\/resourcegroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/,
      );
    }
    assert.equal(m.servicePrincipalNames![0], m.appId);
    assert.match(m.servicePrincipalNames![1]!, /^https:\/\/identity\.azure\.net\/[A-Za-z0-9+/]{43}=$/);
  }
  assert.equal(new Set(mis.map((m) => m.alternativeNames![1])).size, mis.length);
  const subscriptions = new Set(mis.map((m) => m.alternativeNames![1]!.split('/')[2]));
  assert.ok(subscriptions.size >= 3 && subscriptions.size <= 6);
});

test('a few service principals hold credentials on the SP object itself', () => {
  const withCreds = sps.filter(
    (s) => (s.object.keyCredentials?.length ?? 0) + (s.object.passwordCredentials?.length ?? 0) > 0,
  );
  near(withCreds.length / sps.length, 0.03, 0.015, 'service principals with credentials');
  const saml = withCreds.filter((s) => s.object.preferredSingleSignOnMode === 'saml');
  assert.ok(saml.length > 0);
  for (const s of saml)
    assert.deepEqual(s.object.keyCredentials!.map((k) => k.usage).sort(), ['Sign', 'Verify']);
});

test('hostile names appear by default and only then', () => {
  const names = [...apps.map((a) => a.object.displayName!), ...users.map((u) => u.displayName!)];
  assert.ok(names.some((n) => n.includes('\u001b[31m')));
  assert.ok(names.some((n) => n.includes('\u202E')));
  assert.ok(names.some((n) => n.includes('\n')));
  assert.ok(names.some((n) => n.startsWith('=')));
  assert.ok(names.some((n) => n.includes('"') && n.includes(',')));
  const long = apps.find((a) => a.object.displayName === LONG_NAME)!;
  assert.equal(long.object.displayName!.length, 10_000);
  const sp = sps.find((s) => s.object.appId === long.object.appId);
  if (sp) assert.equal(sp.object.displayName, LONG_NAME);
  const tame = generateTenant({ seed: 2024, apps: 200, now: NOW, hostileNames: false });
  const tameNames = [...tame.applications.values()].map((a) => a.object.displayName!);
  assert.ok(tameNames.every((n) => /^[\x20-\x7e]{1,256}$/.test(n)));
});

test('ids are unique across the tenant, and tiny tenants work', () => {
  const ids = [...big.users.keys(), ...big.applications.keys(), ...big.servicePrincipals.keys()];
  assert.equal(new Set(ids).size, ids.length);
  const appIds = [
    ...apps.map((a) => a.object.appId),
    ...sps.filter((s) => s.object.appOwnerOrganizationId !== big.id).map((s) => s.object.appId),
  ];
  assert.equal(new Set(appIds).size, appIds.length);
  const empty = generateTenant({ seed: 1, apps: 0, now: NOW });
  assert.equal(empty.applications.size, 0);
  assert.equal(empty.users.size, 60);
  assert.ok([...empty.servicePrincipals.values()].some((s) => s.object.appId === MICROSOFT_GRAPH_APP_ID));
  assert.equal(generateTenant({ seed: 1, apps: 10, now: NOW, size: 'small' }).size, 'small');
  assert.equal(generateTenant({ seed: 1, apps: 4000, now: NOW }).size, 'large');
});
