// Owners' directory roles through the whole path (emulated Graph → collector → store), full and incremental: the
// store keeps them with each owner, and an incremental scan that reads an object's owners again gives them their
// roles again (the store replaces owners whole, so a re-read owner without them would turn unknown).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { accessGroundTruth } from '../../emulator/tenant/access-truth.ts';
import { addOwner } from '../../emulator/tenant/mutate.ts';
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createScanService } from '../../src/services/scan-service.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { FAST_THROTTLE } from '../collect/helpers.ts';
import { emulatorIntegration } from './emulator-integration.ts';

describe("owners' directory roles, full then incremental scan", () => {
  let emu: RunningEmulator;
  let store: Store;
  before(async () => {
    emu = await startEmulator({ tenants: [{ seed: 8, apps: 150 }], graph: { throttle: FAST_THROTTLE } });
    store = await openStore({ dataDir: 'memory://' });
    await store.integrations.create(emulatorIntegration(emu, 'prod'));
  });
  after(async () => {
    await store.close();
    await emu.close();
  });

  test('stored with each user owner; a re-read owner list gets them again, the new owner included', async () => {
    const service = createScanService({
      store,
      collect: createGraphCollect({
        resourceUnitsPer10s: 5000,
        retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
        access: true,
      }),
      now: () => new Date(),
    });
    const first = await service.run('prod');
    assert.equal(first.summary.status, 'succeeded', first.summary.warnings.join('\n'));
    const integrationId = (await store.integrations.get('prod'))!.id;
    const all = await store.inventory.list({ integrationId });
    const userOwners = all.flatMap((i) => i.owners).filter((o) => o.kind === 'user');
    assert.ok(userOwners.length > 0 && userOwners.every((o) => Array.isArray(o.directoryRoles)));

    // A Global Administrator made owner of an application that has user owners already.
    const truth = accessGroundTruth(emu.tenants[0]!);
    const admin = truth.users.find((u) =>
      u.directoryRoles.some((r) => r.displayName === 'Global Administrator' && r.directoryScopeId === '/'),
    )!;
    const target = all.find(
      (i) =>
        i.kind === 'application' &&
        i.owners.some((o) => o.kind === 'user') &&
        !i.owners.some((o) => o.objectId === admin.id),
    )!;
    addOwner(
      emu.tenants[0]!,
      target.objectId,
      { id: admin.id, kind: 'user' },
      emu.control.context.clock.now(),
    );
    const second = await service.run('prod');
    assert.equal(second.summary.status, 'succeeded', second.summary.warnings.join('\n'));
    assert.equal(second.summary.mode, 'incremental');
    const after = (await store.inventory.find(target.objectId, { integrationId }))[0]!.identity;
    assert.equal(after.owners.length, target.owners.length + 1, 'the change was read');
    for (const owner of after.owners.filter((o) => o.kind === 'user'))
      assert.ok(Array.isArray(owner.directoryRoles), `roles of ${owner.objectId} known`);
    const added = after.owners.find((o) => o.objectId === admin.id)!;
    assert.ok(added.directoryRoles!.some((r) => r.permission === 'Global Administrator' && r.scope === '/'));
  });
});
