// An application and its service principal are scored as one workload; what could not be read stays unknown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_APP_ROLE_ID, type Grant } from '../access.ts';
import { MICROSOFT_GRAPH_APP_ID } from '../tiers/tier-table.ts';
import { scoreIdentity } from './score.ts';
import { credential, identity, NOW, owner } from './test-fixtures.ts';
import type { LastUse } from './types.ts';
import {
  ACCESS_INCOMPLETE,
  ACCESS_NOT_READ,
  OTHER_TENANTS,
  reachOfGrant,
  reachOfWorkload,
  scoredIdentity,
  workloadOf,
  workloadRiskInput,
} from './workload.ts';

const EXCHANGE = '00000002-0000-0ff1-ce00-000000000000';
const unknownUse = (): LastUse => ({ state: 'unknown', reason: 'no sign-in data' });

const application = identity({
  objectId: 'app-object',
  kind: 'application',
  servicePrincipalType: null,
  owners: [owner({ objectId: 'ana' })],
  credentials: [credential({ keyId: 'app-secret' })],
});
const servicePrincipal = (overrides: Parameters<typeof identity>[0] = {}) =>
  identity({
    objectId: 'sp-object',
    owners: [owner({ objectId: 'ana' }), owner({ objectId: 'bo', userPrincipalName: 'bo@contoso.com' })],
    credentials: [credential({ keyId: 'sp-secret', location: 'servicePrincipal' })],
    access: [],
    ...overrides,
  });

test('grants become reach entries with kind, tier, scope and resource', () => {
  const cases: Array<{ grant: Grant; expected: Record<string, unknown> }> = [
    {
      grant: {
        kind: 'app-role',
        permission: 'RoleManagement.ReadWrite.Directory',
        resourceAppId: MICROSOFT_GRAPH_APP_ID,
        resourceDisplayName: 'Microsoft Graph',
      },
      // Graph is the texts' default API: not named.
      expected: { kind: 'app-permission', tier: 0, resource: undefined, scope: undefined },
    },
    {
      grant: {
        kind: 'app-role',
        permission: 'full_access_as_app',
        resourceAppId: EXCHANGE,
        resourceDisplayName: 'Office 365 Exchange Online',
      },
      expected: { kind: 'app-permission', resource: 'Office 365 Exchange Online' },
    },
    {
      grant: {
        kind: 'delegated',
        permission: 'Mail.Read',
        resourceAppId: MICROSOFT_GRAPH_APP_ID,
        scope: 'AllPrincipals',
      },
      expected: { kind: 'delegated-grant', scope: 'AllPrincipals' },
    },
    {
      grant: {
        kind: 'delegated',
        permission: 'Mail.Read',
        resourceAppId: MICROSOFT_GRAPH_APP_ID,
        scope: 'u-1',
      },
      expected: { kind: 'delegated-grant', scope: 'user u-1' },
    },
    {
      grant: {
        kind: 'directory-role',
        permission: 'Global Administrator',
        permissionId: '62e90394-69f5-4237-9190-012177145e10',
      },
      expected: { kind: 'directory-role', tier: 0, scope: '/' },
    },
    {
      grant: {
        kind: 'app-role',
        permission: DEFAULT_APP_ROLE_ID,
        permissionId: DEFAULT_APP_ROLE_ID,
        resourceAppId: 'x',
        resourceDisplayName: 'Payroll API',
      },
      expected: { kind: 'app-permission', name: 'default access', tier: 'unknown', reason: undefined },
    },
  ];
  for (const { grant, expected } of cases) {
    const entry = reachOfGrant(grant);
    for (const [key, value] of Object.entries(expected)) {
      assert.deepEqual(entry[key as keyof typeof entry], value, `${grant.permission}: ${key}`);
    }
    assert.deepEqual(entry.path, [], 'held directly');
  }
});

test('access never read, or read incompletely, is unknown and never scores as "no permissions"', () => {
  for (const [sp, reason] of [
    [servicePrincipal({ access: undefined }), ACCESS_NOT_READ],
    [servicePrincipal({ access: [], unknown: ['access'] }), ACCESS_INCOMPLETE],
  ] as const) {
    const reach = reachOfWorkload(workloadOf(sp));
    assert.deepEqual(reach.unknown, [reason]);
    const score = scoreIdentity(workloadRiskInput(workloadOf(sp), { lastUse: unknownUse, now: NOW, reach }));
    const ids = score.factors.map((factor) => factor.id);
    assert.ok(ids.includes('reach_unknown'), ids.join());
    assert.ok(!ids.includes('reach_none'), ids.join());
  }
  const read = reachOfWorkload(workloadOf(servicePrincipal()));
  assert.deepEqual(read, { entries: [], unknown: [] }, 'read completely and empty: nothing held');
});

test('an application without a service principal here reaches nothing, unless other tenants may hold it', () => {
  assert.deepEqual(reachOfWorkload(workloadOf(application)), { entries: [] });
  const multi = { ...application, signInAudience: 'AzureADMultipleOrgs' };
  assert.deepEqual(reachOfWorkload(workloadOf(multi)).unknown, [OTHER_TENANTS]);
});

test('reach lists the most privileged first', () => {
  const sp = servicePrincipal({
    access: [
      { kind: 'app-role', permission: 'User.Read.All', resourceAppId: MICROSOFT_GRAPH_APP_ID },
      { kind: 'app-role', permission: 'Application.ReadWrite.All', resourceAppId: MICROSOFT_GRAPH_APP_ID },
      { kind: 'app-role', permission: 'Custom.Thing', resourceAppId: 'custom' },
    ],
  });
  const tiers = reachOfWorkload(workloadOf(sp)).entries.map((entry) => entry.tier);
  assert.equal(tiers[0], 0);
  assert.equal(tiers.at(-1), 'unknown');
});

test('a workload pairs either side with its partner and ignores one of the same kind', () => {
  const sp = servicePrincipal();
  assert.deepEqual(workloadOf(application, sp), { application, servicePrincipal: sp });
  assert.deepEqual(workloadOf(sp, application), { application, servicePrincipal: sp });
  assert.deepEqual(workloadOf(sp, servicePrincipal({ objectId: 'other' })), { servicePrincipal: sp });
});

test('the scored identity holds both objects’ credentials and owners, and what either never had read', () => {
  const sp = servicePrincipal({ unknown: ['access', 'federated'], publisher: 'third-party' });
  const merged = scoredIdentity(workloadOf(application, sp));
  assert.deepEqual(
    merged.credentials.map((c) => c.keyId),
    ['app-secret', 'sp-secret'],
  );
  assert.deepEqual(
    merged.owners.map((o) => o.objectId),
    ['ana', 'bo'],
    'an owner of both counts once',
  );
  assert.deepEqual(merged.unknown, ['federated'], 'access is the reach’s to report');
  assert.equal(merged.publisher, 'third-party', 'the service principal says who publishes it');

  // The application's secret is scored with the service principal's reach.
  const tier0 = servicePrincipal({
    access: [
      {
        kind: 'app-role',
        permission: 'RoleManagement.ReadWrite.Directory',
        resourceAppId: MICROSOFT_GRAPH_APP_ID,
      },
    ],
  });
  const workload = workloadOf(application, tier0);
  const score = scoreIdentity(
    workloadRiskInput(workload, { lastUse: unknownUse, now: NOW, reach: reachOfWorkload(workload) }),
  );
  const appSecret = score.credentials.find((c) => c.keyId === 'app-secret')!;
  assert.equal(appSecret.impact, 100);
  assert.ok(appSecret.factors.some((f) => f.id === 'reach_tier0_tenant'));
});

test('an eligible (PIM) role reaches as far as the role, by a path that says it must be activated', () => {
  const entry = reachOfGrant({
    kind: 'directory-role',
    permission: 'Global Administrator',
    permissionId: '62e90394-69f5-4237-9190-012177145e10',
    scope: '/',
    eligible: true,
  });
  assert.equal(entry.tier, 0);
  assert.deepEqual(entry.path, ['eligible (PIM): activate to use']);
});
