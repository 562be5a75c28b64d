// Owners' directory roles and mail against the emulator. The roles come from the access part's own tenant-wide
// role lists (no request of their own) and equal the access answer key's users; the mail is read with the owners
// under either reading of nested $select in $expand; a role list refused or cut short leaves every owner's roles
// unknown (absent), never "none".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LENIENT_READINGS, STRICT_READINGS } from '../../emulator/graph/readings.ts';
import { type GraphReadings, type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { accessGroundTruth } from '../../emulator/tenant/access-truth.ts';
import { ACCESS_PART } from '../../src/collect/graph/access.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import { type Grant, sortGrants } from '../../src/core/access.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import type { Owner } from '../../src/core/inventory.ts';
import { createPartTracker } from '../../src/core/scan-parts.ts';
import { directoryRoleGrants, FAST_THROTTLE, scannerTransport } from './helpers.ts';

const FAST_RETRY = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 };

async function scan(emu: RunningEmulator, access = true) {
  const transport = scannerTransport(emu, { transport: { retry: FAST_RETRY } });
  const facts: IdentityFact[] = [];
  const parts = createPartTracker();
  const result = await collectInventory({
    transport,
    parts,
    access,
    onFacts: async (f) => void facts.push(...f),
  });
  await transport.close();
  const outcome = parts.snapshot('not read');
  return { result, facts, access: outcome.find((p) => p.name === ACCESS_PART.name) };
}

/** Every owner entry of every owners fact (an owner of several objects comes once per object). */
const ownersIn = (facts: IdentityFact[]): Owner[] =>
  facts.flatMap((f) => (f.aspect === 'owners' ? f.owners : []));

/** Each user's roles from the answer key, written independently of the collector: active, then eligible. */
function expectedRoles(emu: RunningEmulator): Map<string, Grant[]> {
  const truth = accessGroundTruth(emu.tenants[0]!);
  const out = new Map<string, Grant[]>();
  for (const user of truth.users) {
    out.set(user.id, sortGrants(directoryRoleGrants(user)));
  }
  return out;
}

const READINGS: Array<[string, Partial<GraphReadings>]> = [
  ['nested $select refused (the default)', STRICT_READINGS],
  ['nested $select allowed', LENIENT_READINGS],
];

for (const [title, readings] of READINGS)
  describe(`owners' roles and mail, ${title}`, () => {
    let emu: RunningEmulator;
    before(async () => {
      // Owners of the first applications are made role holders, so the tenant has owners with and without roles.
      emu = await startEmulator({
        tenants: [{ seed: 11, apps: 160 }],
        graph: { throttle: FAST_THROTTLE, readings },
      });
    });
    after(() => emu.close());

    test('every user owner carries his active and eligible roles, [] for none, and his mail; no extra request', async () => {
      emu.control.resetLog();
      const { result, facts, access } = await scan(emu);
      assert.equal(result.complete, true, result.warnings.join('\n'));
      assert.equal(access?.complete, true);
      const expected = expectedRoles(emu);
      const users = new Map(emu.control.groundTruth(emu.scanner.tenantId).users.map((u) => [u.id, u]));
      const owners = ownersIn(facts).filter((o) => o.kind === 'user');
      assert.ok(owners.length > 20);
      for (const owner of owners) {
        assert.deepEqual(
          owner.directoryRoles,
          expected.get(owner.objectId) ?? [],
          `roles of ${owner.objectId}`,
        );
        const mail = users.get(owner.objectId)!.mail;
        assert.equal(owner.mail, mail ?? undefined, `mail of ${owner.objectId}`);
      }
      // The tenant exercises each case: owners holding roles (an eligible one among them) and none; a mail that
      // is not the UPN, and no mail at all.
      assert.ok(owners.some((o) => o.directoryRoles!.length > 0));
      assert.ok(owners.some((o) => o.directoryRoles!.some((r) => r.eligible)));
      assert.ok(owners.some((o) => o.directoryRoles!.length === 0));
      assert.ok(owners.some((o) => o.mail && o.mail !== o.userPrincipalName));
      assert.ok(owners.some((o) => o.mail === undefined));
      // Service principals that own something keep their roles as their own access.
      assert.ok(ownersIn(facts).every((o) => o.kind === 'user' || o.directoryRoles === undefined));

      // The role lists are the access part's, read once: owners cost no request of their own.
      const log = emu.control.requestLog({ appId: emu.scanner.clientId });
      const reads = (path: string) => log.filter((r) => r.path.startsWith(`/v1.0${path}`)).length;
      assert.equal(reads('/roleManagement/directory/roleAssignments'), 1);
      assert.equal(reads('/roleManagement/directory/roleEligibilityScheduleInstances'), 1);
      assert.equal(reads('/roleManagement/directory/roleDefinitions'), 1);
      // Never one read per owner: no user's roles or memberships asked for one by one.
      assert.equal(log.filter((r) => /\/users\/|principalId%20eq|principalId eq/.test(r.path)).length, 0);
    });

    test('a scan without access reads no role list: the owners keep their mail, their roles unknown', async () => {
      emu.control.resetLog();
      const { result, facts } = await scan(emu, false);
      assert.equal(result.complete, true);
      const owners = ownersIn(facts).filter((o) => o.kind === 'user');
      assert.ok(owners.length > 0 && owners.every((o) => o.directoryRoles === undefined));
      assert.ok(owners.some((o) => o.mail));
      const log = emu.control.requestLog({ appId: emu.scanner.clientId });
      assert.equal(log.filter((r) => r.path.includes('/roleManagement/')).length, 0);
    });
  });

describe("owners' roles when the role lists cannot be read completely", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ tenants: [{ seed: 3, apps: 60 }], graph: { throttle: FAST_THROTTLE } });
  });
  after(() => emu.close());

  test('the role assignments cut short (a page that is no collection, every time): unknown, never none', async () => {
    emu.control.clearFaults();
    emu.control.injectFaults({ pathContains: '/roleManagement/directory/roleAssignments', malformedRate: 1 });
    try {
      const { facts, access } = await scan(emu);
      assert.equal(access?.complete, false, 'the access part failed');
      const owners = ownersIn(facts).filter((o) => o.kind === 'user');
      assert.ok(owners.length > 0, 'the owners themselves were read');
      assert.ok(
        owners.every((o) => o.directoryRoles === undefined),
        'no owner shown with no role',
      );
    } finally {
      emu.control.clearFaults();
    }
  });
});

describe("owners' roles when eligibility is refused (Directory.Read.All, no RoleManagement.Read.Directory)", () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 3, apps: 60 }],
      graph: { throttle: FAST_THROTTLE },
      scannerGraphRoles: ['Application.Read.All', 'Directory.Read.All', 'AuditLog.Read.All'],
    });
  });
  after(() => emu.close());

  test("the active roles alone are not all of them: every owner's roles are unknown", async () => {
    const { result, facts, access } = await scan(emu);
    assert.equal(result.complete, true, 'a missing permission stands: the scan still succeeds');
    assert.equal(access?.standing, true);
    const owners = ownersIn(facts).filter((o) => o.kind === 'user');
    assert.ok(owners.length > 0);
    assert.ok(owners.every((o) => o.directoryRoles === undefined));
    assert.ok(
      owners.some((o) => o.mail),
      'mail needs no role permission',
    );
  });
});
