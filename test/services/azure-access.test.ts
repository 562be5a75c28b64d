// Azure RBAC and user-assigned identities' federated credentials through a whole scan (emulated Graph and ARM
// → collector → store): every role assignment of every subscription lands on its service principal's access,
// every user-assigned identity shows the federated credentials ARM holds for it, and a subscription refused
// while the scan runs leaves the part unknown (carried forward) instead of showing less.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import { tierOfGrant } from '../../src/core/access.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import type { Identity } from '../../src/core/inventory.ts';
import { createPartTracker } from '../../src/core/scan-parts.ts';
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createIntegrationService } from '../../src/services/integration-service.ts';
import { createScanService, type RunScanOptions } from '../../src/services/scan-service.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { FAST_THROTTLE, scannerTransport } from '../collect/helpers.ts';
import { emulatorIntegration } from './emulator-integration.ts';

const azureRoles = (identity: Identity) =>
  (identity.access ?? [])
    .filter((g) => g.kind === 'azure-role')
    .map((g) => `${g.permissionId}|${g.permission}|${g.scope}`.toLowerCase())
    .sort();

describe('Azure access in a scan, 3 subscriptions', () => {
  let emu: RunningEmulator;
  let store: Store;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 4, apps: 200 }],
      graph: { throttle: FAST_THROTTLE },
      arm: { subscriptions: 3, throttle: { enabled: false } },
    });
    store = await openStore({ dataDir: 'memory://' });
    await store.integrations.create(emulatorIntegration(emu, 'prod'));
  });
  after(async () => {
    await store.close();
    await emu.close();
  });
  const scan = (options: RunScanOptions = {}) =>
    createScanService({
      store,
      collect: createGraphCollect({ resourceUnitsPer10s: 5000, access: true }),
      now: () => new Date(),
    }).run('prod', options);

  test('role assignments and managed identities’ federated credentials equal what ARM holds', async () => {
    const { summary } = await scan();
    assert.equal(summary.status, 'succeeded', summary.warnings.join('\n'));
    const truth = emu.arm.groundTruth(emu.scanner.tenantId);
    const servicePrincipals = (await store.inventory.list()).filter((i) => i.kind === 'servicePrincipal');
    const byId = new Map(servicePrincipals.map((sp) => [sp.objectId.toLowerCase(), sp]));

    let principals = 0;
    for (const [principalId, assignments] of Object.entries(truth.assignmentsByPrincipal)) {
      const sp = byId.get(principalId.toLowerCase());
      if (!sp) continue; // users and groups hold Azure roles too; they are not workload identities
      principals += 1;
      const expected = assignments
        .map((a) => `${a.roleDefinitionId}|${a.roleName}|${a.scope}`.toLowerCase())
        .sort();
      assert.deepEqual(azureRoles(sp), expected, `Azure roles of ${sp.displayName}`);
    }
    assert.ok(principals > 5, `${principals} service principals hold Azure roles`);
    const withoutTruth = servicePrincipals.filter(
      (sp) => azureRoles(sp).length > 0 && !truth.assignmentsByPrincipal[sp.objectId],
    );
    assert.deepEqual(withoutTruth, [], 'no Azure role that ARM does not hold');
    const all = servicePrincipals.flatMap((sp) => sp.access ?? []).filter((g) => g.kind === 'azure-role');
    assert.ok(
      all.some((g) => tierOfGrant(g).tier === 0),
      'a tier-0 Azure role (Owner or similar)',
    );

    let identities = 0;
    for (const [principalId, identity] of Object.entries(truth.userAssignedIdentities)) {
      const sp = byId.get(principalId.toLowerCase());
      assert.ok(sp, `the user-assigned identity ${identity.name} is in the inventory`);
      const federated = sp.credentials
        .filter((c) => c.type === 'federated')
        .map((c) => `${c.issuer}|${c.subject}`)
        .sort();
      const expected = identity.federatedIdentityCredentials.map((c) => `${c.issuer}|${c.subject}`).sort();
      assert.deepEqual(federated, expected, `federated credentials of ${identity.name}`);
      if (expected.length > 0) identities += 1;
    }
    assert.ok(identities > 0, 'a user-assigned identity trusting an external issuer');
  });

  test('a subscription refused after discovery fails the access part alone, naming the role; nothing of it is delivered', async () => {
    const [refusing] = emu.arm.groundTruth(emu.scanner.tenantId).subscriptions;
    const transport = scannerTransport(emu);
    const armTransport = scannerTransport(emu, {
      transport: { graphUrl: emu.armUrl, api: 'arm', scope: `${new URL(emu.armUrl).origin}/.default` },
    });
    // Listed, then refused: the reader lost its role on it while the scan ran.
    const arm = {
      async *pages<T>(path: string, options: Parameters<typeof armTransport.pages>[1]) {
        yield* armTransport.pages<T>(path, options);
        if (path.startsWith('/subscriptions?')) emu.arm.access.deny([refusing!.subscriptionId]);
      },
    };
    const parts = createPartTracker();
    const facts: IdentityFact[] = [];
    try {
      const result = await collectInventory({
        transport,
        arm,
        access: true,
        parts,
        onFacts: async (f) => void facts.push(...f),
      });
      // A role taken away stands until someone grants it again: the scan is complete without these parts.
      assert.equal(result.complete, true);
      const failed = parts.snapshot('not read').filter((p) => !p.complete);
      assert.ok(failed.every((p) => p.standing === true));
      assert.deepEqual(failed.map((p) => p.name).sort(), [
        'managed-identity-federated-credentials',
        'service-principal-access',
      ]);
      for (const part of failed)
        assert.equal(part.permission, `the Reader role on subscription ${refusing!.subscriptionId}`);
      // Nothing of a part read in half reaches the store, which then keeps the previous scan's access.
      assert.equal(facts.filter((f) => f.aspect === 'access').length, 0);
      assert.ok(
        facts.some((f) => f.aspect === 'identity'),
        'the inventory itself is whole',
      );
    } finally {
      emu.arm.access.allow([refusing!.subscriptionId]);
      await Promise.all([transport.close(), armTransport.close()]);
    }
  });

  test('a subscription that vanishes from view is unknown, its roles kept, until the user forgets it; pinning reads only those', async () => {
    const truth = emu.arm.groundTruth(emu.scanner.tenantId);
    const integrations = createIntegrationService({ store });
    const ids = truth.subscriptions.map((s) => s.subscriptionId.toLowerCase()).sort();
    assert.deepEqual(
      (await integrations.subscriptions('prod')).seen,
      ids,
      'a complete reading remembers them',
    );
    const rolesNow = async () =>
      new Map(
        (await store.inventory.list())
          .filter((i) => i.kind === 'servicePrincipal')
          .map((i) => [i.objectId, azureRoles(i)]),
      );
    const before = await rolesNow();
    const vanishing = ids[0]!;
    const inVanishing = [...before.values()].flat().filter((r) => r.includes(`/subscriptions/${vanishing}`));
    assert.ok(inVanishing.length > 0, 'roles were held in it');
    emu.arm.access.deny([vanishing]);
    try {
      // Access is read by full scans (an incremental one keeps it as it was).
      const hidden = await scan({ full: true });
      // A role removed stands until someone grants it again: the scan succeeds, the part unknown and named.
      assert.equal(hidden.summary.status, 'succeeded');
      const part = hidden.summary.incompleteParts.find((p) => p.name === 'service-principal-access');
      assert.match(part?.reason ?? '', /no longer visible to the integration/);
      assert.equal(part?.permission, `the Reader role on subscription ${vanishing}`);
      assert.deepEqual(await rolesNow(), before, 'nothing dropped for a subscription that went out of view');

      await integrations.subscriptions('prod', { forget: [vanishing.toUpperCase()] });
      const confirmed = await scan();
      assert.equal(confirmed.summary.status, 'succeeded', confirmed.summary.warnings.join('\n'));
      const after = [...(await rolesNow()).values()].flat();
      assert.equal(after.filter((r) => r.includes(`/subscriptions/${vanishing}`)).length, 0);
    } finally {
      emu.arm.access.allow([vanishing]);
    }

    const [only] = ids.slice(1);
    await integrations.subscriptions('prod', { pin: [only!] });
    const pinned = await scan();
    assert.equal(pinned.summary.status, 'succeeded', pinned.summary.warnings.join('\n'));
    const scopes = [...(await rolesNow()).values()].flat().map((r) => r.split('|')[2]!);
    assert.ok(scopes.some((scope) => scope.startsWith(`/subscriptions/${only}`)));
    assert.ok(
      scopes.every(
        (scope) => !scope.startsWith('/subscriptions/') || scope.startsWith(`/subscriptions/${only}`),
      ),
      'no role read from a subscription that is not pinned',
    );
    assert.deepEqual((await integrations.subscriptions('prod')).seen, [only]);
  });
});
