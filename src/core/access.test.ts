import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Grant, grantsByTier, sortGrants, tierOfGrant, uniqueGrants } from './access.ts';
import { changesIdentity } from './facts.ts';

const graph = { resourceId: 'g', resourceAppId: '00000003-0000-0000-c000-000000000000' };
const grants: Grant[] = [
  { kind: 'delegated', ...graph, permission: 'User.Read', scope: 'AllPrincipals' },
  { kind: 'app-role', ...graph, permission: 'Mail.Send', permissionId: 'x' },
  {
    kind: 'app-role',
    ...graph,
    permission: 'Application.ReadWrite.All',
    permissionId: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  },
  { kind: 'directory-role', permission: 'Custom role', permissionId: 'c', scope: '/' },
  {
    kind: 'directory-role',
    permission: 'Global Administrator',
    permissionId: '62e90394-69f5-4237-9190-012177145e10',
    scope: '/',
  },
];

test('grants sort canonically whatever order Graph listed them in', () => {
  assert.deepEqual(sortGrants([...grants].reverse()), sortGrants(grants));
  assert.deepEqual(
    sortGrants(grants).map((g) => g.permission),
    ['Custom role', 'Global Administrator', 'Application.ReadWrite.All', 'Mail.Send', 'User.Read'],
  );
});

test('grants group by tier, tier 0 first and unknown last', () => {
  const groups = grantsByTier(grants);
  assert.equal(groups[0]!.tier, 0);
  assert.deepEqual(
    groups[0]!.grants.map((g) => g.grant.permission),
    ['Global Administrator', 'Application.ReadWrite.All'],
  );
  assert.equal(groups.at(-1)!.tier, 'unknown');
  assert.ok(groups.at(-1)!.grants.some((g) => g.grant.permission === 'Custom role'));
  const ranks = groups.map((g) => (g.tier === 'unknown' ? 3 : g.tier));
  assert.deepEqual(ranks, [...ranks].sort());
});

test('an empty access fact changes nothing; a held grant does', () => {
  assert.equal(changesIdentity({ aspect: 'access', objectId: 'o', grants: [] }), false);
  assert.equal(changesIdentity({ aspect: 'access', objectId: 'o', grants: grants.slice(0, 1) }), true);
});

test('an Azure role: a built-in known by name, a custom role by the tier its definition earned, an override above both', () => {
  const owner: Grant = {
    kind: 'azure-role',
    permission: 'Owner',
    permissionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    scope: '/subscriptions/s1',
  };
  assert.equal(tierOfGrant(owner).tier, 0);
  const custom: Grant = {
    kind: 'azure-role',
    permission: 'Deployment operator',
    permissionId: 'c1',
    scope: '/subscriptions/s1/resourceGroups/rg',
    tier: 0,
    tierReason: 'custom role whose actions include Microsoft.Authorization/*/write',
  };
  assert.deepEqual(
    { tier: tierOfGrant(custom).tier, reason: tierOfGrant(custom).reason },
    { tier: 0, reason: custom.tierReason },
  );
  const { tier: _tier, tierReason: _reason, ...unread } = custom;
  assert.equal(tierOfGrant(unread).tier, 'unknown', 'a custom role never tiered is unknown, not harmless');
  const overridden = tierOfGrant(custom, {
    azureRoles: [
      { roleName: 'Deployment operator', tier: 2, source: 'our review', reason: 'scoped to one group' },
    ],
  });
  assert.equal(overridden.tier, 2);
});

const GA = '62e90394-69f5-4237-9190-012177145e10';
const active: Grant = {
  kind: 'directory-role',
  permission: 'Global Administrator',
  permissionId: GA,
  scope: '/',
};
const eligible: Grant = { ...active, eligible: true };

test('an eligible role sorts right after the same role held, whatever order Graph listed them in', () => {
  const readers: Grant = {
    kind: 'directory-role',
    permission: 'Directory Readers',
    permissionId: 'd',
    scope: '/',
  };
  const unit: Grant = { ...eligible, scope: '/administrativeUnits/u1' };
  const canonical = [readers, active, eligible, unit];
  for (const order of [canonical, [...canonical].reverse(), [unit, eligible, readers, active]])
    assert.deepEqual(sortGrants(order), canonical);
});

test('eligible and held are two grants; the same grant twice is one', () => {
  assert.deepEqual(uniqueGrants([eligible, active, { ...eligible }, { ...active }]), [active, eligible]);
  assert.deepEqual(uniqueGrants([eligible]), [eligible]);
});

test('an eligible role is tiered as the role: eligible Global Administrator is tier 0', () => {
  assert.equal(tierOfGrant(eligible).tier, 0);
  assert.deepEqual(tierOfGrant(eligible), tierOfGrant(active));
  const custom: Grant = {
    kind: 'directory-role',
    permission: 'Custom role',
    permissionId: 'c',
    scope: '/',
    eligible: true,
  };
  assert.equal(tierOfGrant(custom).tier, 'unknown', 'unknown, never harmless');
  const groups = grantsByTier([eligible, custom]);
  assert.deepEqual(
    groups.map((g) => [g.tier, g.grants.map((t) => t.grant.eligible)]),
    [
      [0, [true]],
      ['unknown', [true]],
    ],
  );
});
