// Blast radius against the emulator: what the collector reads of each service principal's access (app-role
// assignments from the resource side, delegated grants, directory roles with their scope) equals the
// emulator's access answer key; a reader without the permission leaves the part unknown, never "none".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { accessGroundTruth } from '../../emulator/tenant/access-truth.ts';
import { ACCESS_PART } from '../../src/collect/graph/access.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import { tierOfGrant } from '../../src/core/access.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import { createPartTracker } from '../../src/core/scan-parts.ts';
import { accessOf, expectedAccess, FAST_THROTTLE, scannerTransport } from './helpers.ts';

/** Requests of the access part, by what they read. */
const ACCESS_PATHS =
  /\/servicePrincipals\?\$select=id,appId,displayName,appRoles|\/appRoleAssignedTo|\/oauth2PermissionGrants|\/roleManagement\//;

describe('access, tenant seed 11, 160 apps, Exchange app roles on', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 11, apps: 160, resourceAppRoles: true }],
      graph: { throttle: FAST_THROTTLE },
    });
  });
  after(() => emu.close());

  test('collected access equals the ground truth for every service principal', async (t) => {
    emu.control.resetLog();
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
    assert.equal(result.complete, true, result.warnings.join('\n'));
    assert.ok(parts.snapshot('not read').some((p) => p.name === ACCESS_PART.name && p.complete));

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
    assert.ok(
      truth.users.length > 0 && !truth.users.some((u) => collected.has(u.id)),
      "users' roles and grants are not service principals' access",
    );

    // From the resource side: one appRoleAssignedTo list per assignable resource, never one per identity.
    const log = emu.control
      .requestLog({ appId: emu.scanner.clientId })
      .filter((r) => ACCESS_PATHS.test(r.path));
    const assignedTo = log.filter((r) => r.path.includes('/appRoleAssignedTo'));
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

  test('the scan goes on partial: the access part is unknown and names the permission', async () => {
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
    assert.equal(result.complete, false);
    const outcome = parts.snapshot('not read');
    const access = outcome.find((p) => p.name === ACCESS_PART.name)!;
    assert.equal(access.complete, false);
    assert.equal(access.optional, true);
    assert.match(access.permission ?? '', /Directory\.Read\.All|RoleManagement\.Read\.Directory/);
    assert.ok(outcome.filter((p) => p.name !== ACCESS_PART.name).every((p) => p.complete));
    assert.ok(!result.warnings.some((w) => w.includes(ACCESS_PART.name)), 'said once, by the part');
    // Nothing of a part read in half reaches the store; the inventory itself is whole.
    assert.equal(accessOf(facts).size, 0);
    assert.ok(facts.some((f) => f.aspect === 'identity'));
  });
});
