// ARM generation: deterministic per seed, drawn from its own stream (the tenant is untouched), consistent with
// the tenant's managed identities, and covering what a scanner must find (every scope kind, risky custom roles,
// the 20-credential cap).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateTenant } from '../tenant/generate.ts';
import { generateArmState } from './generate.ts';
import { armGroundTruth } from './ground-truth.ts';
import { CONTRIBUTOR, OWNER, READER } from './roles.ts';
import { parseScopeId } from './scopes.ts';

const NOW = Date.parse('2026-01-31T00:00:00Z');
const tenantOf = (seed: number, apps: number) => generateTenant({ seed, apps, now: NOW });

/** Maps and other non-JSON values serialised, so two states or tenants can be compared byte for byte. */
const serialise = (value: unknown) =>
  JSON.stringify(value, (_k, v) => (v instanceof Map ? [...v.entries()] : v instanceof Set ? [...v] : v));

test('the same seed gives the same ARM state; another seed another', () => {
  const a = generateArmState(tenantOf(5, 300), { seed: 5, now: NOW });
  const b = generateArmState(tenantOf(5, 300), { seed: 5, now: NOW });
  assert.equal(serialise(a), serialise(b));
  const c = generateArmState(tenantOf(5, 300), { seed: 6, now: NOW });
  assert.notEqual(serialise(a.roleAssignments), serialise(c.roleAssignments));
});

test('generating ARM leaves the tenant byte-identical', () => {
  const tenant = tenantOf(9, 400);
  const before = serialise(tenant);
  generateArmState(tenant, { seed: 9, now: NOW, subscriptions: 20 });
  assert.equal(serialise(tenant), before);
  assert.equal(serialise(tenantOf(9, 400)), before);
});

test('user-assigned identities are the tenant’s user-assigned managed identities, ids and all', () => {
  const tenant = tenantOf(12, 500);
  const state = generateArmState(tenant, { seed: 12, now: NOW });
  const explicit = [...tenant.servicePrincipals.values()]
    .map((s) => s.object)
    .filter(
      (sp) =>
        sp.servicePrincipalType === 'ManagedIdentity' && sp.alternativeNames?.includes('isExplicit=True'),
    );
  assert.ok(explicit.length > 0);
  assert.equal(state.userAssignedIdentities.length, explicit.length);
  for (const sp of explicit) {
    const uami = state.userAssignedIdentities.find((u) => u.principalId === sp.id);
    assert.ok(uami, `no identity for ${sp.displayName}`);
    assert.equal(uami.clientId, sp.appId);
    assert.equal(uami.id, sp.alternativeNames?.[1]);
    assert.ok(uami.federatedIdentityCredentials.length <= 20);
    assert.equal(
      new Set(uami.federatedIdentityCredentials.map((f) => f.name)).size,
      uami.federatedIdentityCredentials.length,
    );
  }
  const system = [...tenant.servicePrincipals.values()].filter((s) =>
    s.object.alternativeNames?.includes('isExplicit=False'),
  );
  for (const { object: sp } of system) {
    assert.ok(
      state.resources.some((r) => r.systemAssignedPrincipalId === sp.id && r.id === sp.alternativeNames?.[1]),
    );
  }
  const issuers = state.userAssignedIdentities.flatMap((u) =>
    u.federatedIdentityCredentials.map((f) => f.issuer),
  );
  assert.ok(issuers.includes('https://token.actions.githubusercontent.com'));
  assert.ok(issuers.some((i) => i.includes('.oic.prod-aks.azure.com/')));
});

test('subscriptions: the managed identities’ own, topped up to the count asked for', () => {
  const tenant = tenantOf(3, 300);
  const named = new Set(
    [...tenant.servicePrincipals.values()].flatMap((s) =>
      (s.object.alternativeNames ?? [])
        .filter((n) => n.startsWith('/subscriptions/'))
        .map((n) => n.split('/')[2]!),
    ),
  );
  const small = generateArmState(tenant, { seed: 3, now: NOW });
  assert.equal(small.subscriptions.length, Math.max(3, named.size));
  const big = generateArmState(tenant, { seed: 3, now: NOW, subscriptions: 20 });
  assert.equal(big.subscriptions.length, 20);
  for (const id of named) assert.ok(big.subscriptions.some((s) => s.subscriptionId === id));
  assert.equal(new Set(big.subscriptions.map((s) => s.subscriptionId)).size, 20);
  const groups = new Set(big.managementGroups.map((g) => g.name));
  for (const s of big.subscriptions) assert.ok(groups.has(s.managementGroup));
  assert.equal(big.managementGroups[0]?.name, tenant.id);
});

test('assignments cover every scope kind, built-in and risky custom roles, and only real principals', () => {
  const tenant = tenantOf(21, 400);
  const state = generateArmState(tenant, { seed: 21, now: NOW });
  const kinds = new Set(state.roleAssignments.map((a) => parseScopeId(a.scope)?.kind));
  assert.deepEqual([...kinds].sort(), ['managementGroup', 'resource', 'resourceGroup', 'subscription']);
  for (const a of state.roleAssignments) {
    assert.ok(tenant.servicePrincipals.has(a.principalId), `unknown principal ${a.principalId}`);
    assert.ok(state.roleDefinitions.some((r) => r.name === a.roleDefinitionName));
  }
  const roles = new Set(state.roleAssignments.map((a) => a.roleDefinitionName));
  for (const id of [OWNER, CONTRIBUTOR, READER]) assert.ok(roles.has(id), `no ${id} assignment`);
  const custom = state.roleDefinitions.filter((r) => r.roleType === 'CustomRole');
  const actions = custom.flatMap((r) => r.permissions.flatMap((p) => p.actions));
  assert.ok(actions.includes('*'));
  assert.ok(actions.includes('Microsoft.Authorization/*/write'));
  assert.ok(state.roleAssignments.some((a) => custom.some((r) => r.name === a.roleDefinitionName)));
  const keys = state.roleAssignments.map(
    (a) => `${a.principalId}|${a.roleDefinitionName}|${a.scope.toLowerCase()}`,
  );
  assert.equal(new Set(keys).size, keys.length, 'duplicate assignment');
  // Resource-scope assignments name resources the state holds.
  const ids = new Set([...state.resources, ...state.userAssignedIdentities].map((r) => r.id.toLowerCase()));
  for (const a of state.roleAssignments) {
    if (parseScopeId(a.scope)?.kind === 'resource') assert.ok(ids.has(a.scope.toLowerCase()), a.scope);
  }
});

test('a tenant with ten or more user-assigned identities has one at the 20-credential cap', () => {
  const state = generateArmState(tenantOf(4, 1000), { seed: 4, now: NOW });
  assert.ok(state.userAssignedIdentities.length >= 10);
  assert.ok(state.userAssignedIdentities.some((u) => u.federatedIdentityCredentials.length === 20));
});

test('ground truth groups assignments by principal with role names and scopes', () => {
  const state = generateArmState(tenantOf(8, 200), { seed: 8, now: NOW });
  const truth = armGroundTruth(state);
  const flat = Object.values(truth.assignmentsByPrincipal).flat();
  assert.equal(flat.length, state.roleAssignments.length);
  const owner = flat.find((a) => a.roleDefinitionId === OWNER);
  if (owner) assert.equal(owner.roleName, 'Owner');
  for (const a of flat) assert.equal(a.subscriptionId === null, a.scopeKind === 'managementGroup');
  assert.equal(Object.keys(truth.userAssignedIdentities).length, state.userAssignedIdentities.length);
  assert.equal(JSON.parse(JSON.stringify(truth)).tenantId, state.tenantId);
});
