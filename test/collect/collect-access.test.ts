// Blast radius against the emulator: what the collector reads of each service principal's access (app-role
// assignments from the resource side, delegated grants, directory roles with their scope, active and eligible)
// equals the emulator's access answer key; a reader without the permission leaves the part unknown, never
// "none", and a tenant without P2 (which can hold no eligible role) completes it without eligible roles.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, SCANNER_GRAPH_ROLES, startEmulator } from '../../emulator/index.ts';
import { accessGroundTruth } from '../../emulator/tenant/access-truth.ts';
import { ACCESS_PART } from '../../src/collect/graph/access.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import { type Grant, tierOfGrant } from '../../src/core/access.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import { createPartTracker } from '../../src/core/scan-parts.ts';
import { accessOf, expectedAccess, FAST_THROTTLE, scannerTransport } from './helpers.ts';

/** The integration's permissions with one that reads eligible roles (Directory.Read.All does not). */
const WITH_ELIGIBILITY = [...new Set([...SCANNER_GRAPH_ROLES, 'RoleManagement.Read.Directory'])];
const ELIGIBILITY_PATH = '/roleManagement/directory/roleEligibilityScheduleInstances';

async function scan(emu: RunningEmulator) {
  const transport = scannerTransport(emu);
  const facts: IdentityFact[] = [];
  const parts = createPartTracker();
  const result = await collectInventory({
    transport,
    parts,
    access: true,
    onFacts: async (f) => void facts.push(...f),
  });
  await transport.close();
  const outcome = parts.snapshot('not read');
  const access = outcome.find((p) => p.name === ACCESS_PART.name)!;
  return { result, facts, outcome, access };
}

/** Requests of the access part, by what they read. */
const ACCESS_PATHS =
  /\/servicePrincipals\?\$select=id,appId,displayName,appRoles|\/appRoleAssignedTo|\/oauth2PermissionGrants|\/roleManagement\//;

describe('access, tenant seed 11, 160 apps, Exchange app roles on', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 11, apps: 160, resourceAppRoles: true }],
      graph: { throttle: FAST_THROTTLE },
      scannerGraphRoles: WITH_ELIGIBILITY,
    });
  });
  after(() => emu.close());

  test('collected access equals the ground truth for every service principal', async (t) => {
    emu.control.resetLog();
    const { result, facts, access } = await scan(emu);
    assert.equal(result.complete, true, result.warnings.join('\n'));
    assert.ok(access.complete);

    const truth = accessGroundTruth(emu.tenants[0]!);
    const collected = accessOf(facts);
    const expected = expectedAccess(truth);
    assert.deepEqual([...collected.keys()].sort(), [...expected.keys()].sort());
    for (const [id, grants] of expected) assert.deepEqual(collected.get(id), grants, `access of ${id}`);

    // The tenant exercises every kind, a scoped directory role, and tier-0 app roles and directory roles (the
    // generated delegated scopes are everyday ones).
    const all = [...collected.values()].flat();
    for (const kind of ['app-role', 'directory-role'] as const)
      assert.ok(
        all.some((g) => g.kind === kind && tierOfGrant(g).tier === 0),
        `a tier-0 ${kind}`,
      );
    assert.ok(all.some((g) => g.kind === 'delegated'));
    assert.ok(
      all.some((g) => g.kind === 'directory-role' && g.scope !== '/'),
      'a scoped directory role',
    );
    assert.ok(
      all.some((g) => g.permission === 'full_access_as_app'),
      'an Exchange Online app role',
    );
    assert.ok(
      all.some((g) => g.kind === 'delegated' && g.scope !== 'AllPrincipals'),
      'a per-user grant',
    );
    // Eligible roles (PIM): a tier-0 one tenant-wide, scoped ones, and one both held and eligible, which are
    // two grants, the held one first.
    const eligible = all.filter((g) => g.eligible);
    assert.ok(
      eligible.every((g) => g.kind === 'directory-role'),
      'only directory roles are eligible',
    );
    assert.ok(
      eligible.some((g) => g.scope === '/' && tierOfGrant(g).tier === 0),
      'a tier-0 eligible role',
    );
    assert.ok(
      eligible.some((g) => g.scope?.startsWith('/administrativeUnits/')),
      'eligible in a unit',
    );
    assert.ok(
      eligible.some((g) => /^\/[0-9a-f-]{36}$/.test(g.scope ?? '')),
      'eligible on one app',
    );
    const same = (a: Grant, b: Grant) =>
      a.permissionId === b.permissionId && a.scope === b.scope && a.kind === b.kind;
    const both = [...collected.values()].find((grants) =>
      grants.some((g) => g.eligible && grants.some((h) => !h.eligible && same(g, h))),
    );
    assert.ok(both, 'a service principal holding a role and eligible for it');
    const pair = both.filter((g) => both.some((h) => h !== g && same(g, h)));
    assert.deepEqual(
      pair.map((g) => g.eligible ?? false),
      [false, true],
    );
    assert.ok(
      truth.users.length > 0 && !truth.users.some((u) => collected.has(u.id)),
      "users' roles and grants are not service principals' access",
    );

    // From the resource side: one appRoleAssignedTo list per assignable resource, never one per identity.
    const log = emu.control
      .requestLog({ appId: emu.scanner.clientId })
      .filter((r) => ACCESS_PATHS.test(r.path));
    const assignedTo = log.filter((r) => r.path.includes('/appRoleAssignedTo'));
    // Eligibility is one tenant-wide list (the test tenant's fits a page), never a read per identity.
    assert.equal(log.filter((r) => r.path.startsWith(`/v1.0${ELIGIBILITY_PATH}`)).length, 1);
    const resources = truth.servicePrincipals.length;
    assert.ok(assignedTo.length < resources / 5, `${assignedTo.length} appRoleAssignedTo reads`);
    assert.equal(log.filter((r) => r.status >= 400).length, 0);
    const units = log.reduce((sum, r) => sum + r.resourceUnits, 0);
    t.diagnostic(
      `access part: ${log.length} requests (${assignedTo.length} appRoleAssignedTo), ${units} RU, ` +
        `${resources} service principals, ${all.length} grants`,
    );
  });
});

describe('access without RoleManagement / Directory.Read.All', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 3, apps: 60 }],
      graph: { throttle: FAST_THROTTLE },
      scannerGraphRoles: ['Application.Read.All'],
    });
  });
  after(() => emu.close());

  test('the scan goes on without it: the access part is unknown, standing, and names the permission', async () => {
    const { result, facts, outcome, access } = await scan(emu);
    // A missing permission stands until someone grants it: the scan is complete without the part.
    assert.equal(result.complete, true);
    assert.equal(access.complete, false);
    assert.equal(access.optional, true);
    assert.equal(access.standing, true);
    assert.match(
      access.permission ?? '',
      /Directory\.Read\.All|RoleManagement\.Read\.Directory|RoleEligibilitySchedule\.Read\.Directory/,
    );
    assert.ok(outcome.filter((p) => p.name !== ACCESS_PART.name).every((p) => p.complete));
    assert.ok(!result.warnings.some((w) => w.includes(ACCESS_PART.name)), 'said once, by the part');
    // Nothing of a part read in half reaches the store; the inventory itself is whole.
    assert.equal(accessOf(facts).size, 0);
    assert.ok(facts.some((f) => f.aspect === 'identity'));
  });
});

describe('access with Directory.Read.All but no permission for eligible roles', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 3, apps: 60 }],
      graph: { throttle: FAST_THROTTLE },
      // What README asked of an integration before eligibility was read.
      scannerGraphRoles: ['Application.Read.All', 'Directory.Read.All', 'AuditLog.Read.All'],
    });
  });
  after(() => emu.close());

  test('the access part is unknown, naming the permission: unread eligibility is never shown as none', async () => {
    const { result, facts, access } = await scan(emu);
    assert.equal(result.complete, true, 'a missing permission does not make the scan partial');
    assert.equal(access.complete, false);
    assert.equal(access.standing, true);
    assert.equal(access.permission, 'RoleEligibilitySchedule.Read.Directory');
    assert.match(access.reason ?? '', /roleEligibilityScheduleInstances/);
    // Not even the grants that were read: the store keeps the previous scan's access (or says unknown).
    assert.equal(accessOf(facts).size, 0);
    assert.ok(facts.some((f) => f.aspect === 'identity'));
    const refused = emu.control
      .requestLog({ appId: emu.scanner.clientId })
      .filter((r) => r.path.startsWith(`/v1.0${ELIGIBILITY_PATH}`));
    assert.deepEqual(
      refused.map((r) => r.status),
      [403],
    );
  });
});

describe('access in a tenant without Entra ID P2', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 3, apps: 60, licence: 'p1' }],
      graph: { throttle: FAST_THROTTLE },
      scannerGraphRoles: WITH_ELIGIBILITY,
    });
  });
  after(() => emu.close());

  test('Graph refuses PIM for the licence: no eligible role can exist, the part completes with the roles held', async () => {
    const tenant = emu.tenants[0]!;
    assert.ok(
      tenant.access!.roleEligibilities.some((e) => e.principalKind === 'servicePrincipal'),
      'stored, but removed while the tenant has no P2',
    );
    const { result, facts, access } = await scan(emu);
    assert.equal(result.complete, true, result.warnings.join('\n'));
    assert.equal(access.complete, true);
    const collected = accessOf(facts);
    const expected = expectedAccess(accessGroundTruth(tenant));
    assert.deepEqual([...collected.keys()].sort(), [...expected.keys()].sort());
    for (const [id, grants] of expected) assert.deepEqual(collected.get(id), grants, `access of ${id}`);
    const all = [...collected.values()].flat();
    assert.ok(all.some((g) => g.kind === 'directory-role'));
    assert.ok(!all.some((g) => g.eligible));
    const answered = emu.control
      .requestLog({ appId: emu.scanner.clientId })
      .filter((r) => r.path.startsWith(`/v1.0${ELIGIBILITY_PATH}`));
    assert.deepEqual(
      answered.map((r) => r.status),
      [400],
    );
  });
});
