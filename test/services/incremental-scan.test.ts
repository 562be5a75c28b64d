// Incremental scans through the whole path (emulated Graph with its delta functions and audit log → collector
// → store): a rescan reads only what changed yet leaves the same inventory a fresh full scan of the changed
// tenant gives; a link Graph no longer knows falls back to a full read in the same run; a fault or an interrupt
// leaves the previous inventory and delta links as they were, and only a succeeded scan removes what Graph
// reported deleted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LENIENT_READINGS, STRICT_READINGS } from '../../emulator/graph/readings.ts';
import { type GraphReadings, type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { applyChurn } from '../../emulator/tenant/churn.ts';
import {
  addFederatedCredential,
  addKey,
  addOwner,
  addPassword,
  removeObject,
  removeOwner,
} from '../../emulator/tenant/mutate.ts';
import type { Identity } from '../../src/core/inventory.ts';
import { createGraphCollect, type GraphCollectSettings } from '../../src/services/graph-collect.ts';
import { createScanService, type RunScanOptions } from '../../src/services/scan-service.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { FAST_THROTTLE } from '../collect/helpers.ts';
import { emulatorIntegration } from './emulator-integration.ts';

const FAST_RETRY = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

function scanner(store: Store, settings: Partial<GraphCollectSettings> = {}) {
  const service = createScanService({
    store,
    collect: createGraphCollect({ resourceUnitsPer10s: 5000, retry: FAST_RETRY, ...settings }),
    now: () => new Date(),
  });
  return (name: string, options: RunScanOptions = {}) => service.run(name, options);
}

const canonical = (identities: Identity[]) =>
  new Map(
    identities.map((i) => [
      i.objectId,
      JSON.stringify({
        ...i,
        owners: [...i.owners].sort((a, b) => a.objectId.localeCompare(b.objectId)),
        credentials: [...i.credentials].sort((a, b) =>
          `${a.type}${a.keyId}`.localeCompare(`${b.type}${b.keyId}`),
        ),
      }),
    ]),
  );

async function inventoryOf(store: Store, name: string): Promise<Map<string, string>> {
  const integration = await store.integrations.get(name);
  return canonical(await store.inventory.list({ integrationId: integration!.id }));
}

function assertSameInventory(actual: Map<string, string>, expected: Map<string, string>) {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), 'the same identities');
  const differing = [...expected].filter(([id, json]) => actual.get(id) !== json).map(([id]) => id);
  assert.deepEqual(differing, [], 'each identity the same');
}

const READINGS: Array<[string, Partial<GraphReadings>]> = [
  ['strict readings: delta reports no owner or federated credential change', STRICT_READINGS],
  ['lenient readings: sync from now, whole objects, relationships shown, 410 on expiry', LENIENT_READINGS],
];

for (const [title, readings] of READINGS)
  describe(`incremental scans (${title})`, () => {
    let emu: RunningEmulator;
    let store: Store;
    const tenant = () => emu.tenants[0]!;
    const now = () => emu.control.context.clock.now();
    before(async () => {
      emu = await startEmulator({
        tenants: [{ seed: 21, apps: 400 }],
        graph: { throttle: FAST_THROTTLE, readings },
      });
      store = await openStore({ dataDir: 'memory://' });
      await store.integrations.create(emulatorIntegration(emu, 'prod'));
    });
    after(async () => {
      await store.close();
      await emu.close();
    });

    test('a rescan reads what changed and leaves what a fresh full scan of the changed tenant gives', async () => {
      const scan = scanner(store);
      const first = await scan('prod');
      assert.equal(first.summary.status, 'succeeded', first.summary.warnings.join('\n'));
      assert.equal(first.summary.mode, 'full');
      assert.equal(first.record.mode, 'full');
      const state = (await store.integrations.get('prod'))!.syncState as {
        deltaLinks: Record<string, string>;
      };
      assert.match(state.deltaLinks.applications!, /\/applications\/delta\?\$deltatoken=/);

      // What the issue names (a credential added, an application removed, an owner changed), what delta does not
      // report (owners, federated credentials, certificates), and 1 % of the tenant's applications changed at large.
      const apps = [...tenant().applications.values()].filter(
        (a) => a.object.displayName !== 'Lanyard Scanner',
      );
      const withOwner = apps.find((a) => a.owners.length > 0 && a.owners[0]!.kind === 'user')!;
      const removed = apps.find((a) => a !== withOwner)!;
      const removedId = String(removed.object.id);
      addPassword(tenant(), String(apps[10]!.object.id), {}, now());
      removeObject(tenant(), removedId, {}, now());
      const owner = withOwner.owners[0]!;
      removeOwner(tenant(), String(withOwner.object.id), owner.id, now());
      addOwner(
        tenant(),
        String(withOwner.object.id),
        { id: [...tenant().users.keys()][7]!, kind: 'user' },
        now(),
      );
      addFederatedCredential(
        tenant(),
        String(apps[11]!.object.id),
        { name: 'gh', issuer: 'https://i.test', subject: 's' },
        now(),
      );
      addKey(tenant(), String(apps[12]!.object.id), {}, now());
      const churn = applyChurn(tenant(), { share: 0.01, seed: 3, now: now() });
      assert.ok(churn.applications >= 4);

      const second = await scan('prod');
      assert.equal(second.summary.status, 'succeeded', second.summary.warnings.join('\n'));
      assert.equal(second.summary.mode, 'incremental', second.summary.modeReason);
      assert.equal(second.record.mode, 'incremental');
      assert.ok(second.record.changes!.removed >= 2, 'the application and its service principal');
      assert.ok(
        second.summary.resourceUnits < first.summary.resourceUnits / 4,
        `${second.summary.resourceUnits} RU against ${first.summary.resourceUnits}`,
      );

      await store.integrations.create(emulatorIntegration(emu, 'fresh'));
      const fresh = await scan('fresh');
      assert.equal(fresh.summary.mode, 'full');
      assertSameInventory(await inventoryOf(store, 'prod'), await inventoryOf(store, 'fresh'));
      await store.integrations.delete('fresh');
      const history = await store.inventory.history((await store.integrations.get('prod'))!.id, removedId);
      assert.deepEqual(
        history.map((h) => h.change),
        ['added', 'removed'],
      );
    });

    test('a link Graph no longer knows (410, or expired) is read in full in the same run, and says so', async () => {
      const scan = scanner(store);
      emu.control.resetDeltaSync();
      const reset = await scan('prod');
      assert.equal(reset.summary.status, 'succeeded', reset.summary.warnings.join('\n'));
      assert.equal(reset.summary.mode, 'full');
      assert.match(
        reset.summary.modeReason!,
        /delta links are no longer valid: .*HTTP 410.*read in full instead/,
      );
      assert.equal((await scan('prod')).summary.mode, 'incremental', 'new links were taken');
      emu.control.expireDeltaTokens();
      const expired = await scan('prod');
      assert.equal(expired.summary.mode, 'full');
      assert.match(
        expired.summary.modeReason!,
        readings === STRICT_READINGS ? /HTTP 400 syncStateNotFound/ : /HTTP 410 resyncRequired/,
      );
    });

    test('full on request and past the interval', async () => {
      const scan = scanner(store);
      const asked = await scan('prod', { full: true });
      assert.equal(asked.summary.mode, 'full');
      assert.match(asked.summary.modeReason!, /asked for/);
      const old = await scan('prod', { fullEveryMs: 1 });
      assert.equal(old.summary.mode, 'full');
      assert.match(old.summary.modeReason!, /longer than the full-scan interval/);
      assert.equal((await scan('prod')).summary.mode, 'incremental');
    });

    test('a fault or an interrupt mid-incremental leaves the inventory and links; removal waits for a success', async () => {
      const scan = scanner(store);
      await scan('prod');
      const integration = await store.integrations.get('prod');
      const linksBefore = JSON.stringify(integration!.syncState);
      const inventoryBefore = await inventoryOf(store, 'prod');
      const victim = [...tenant().applications.values()].find(
        (a) => a.object.displayName !== 'Lanyard Scanner' && a.federatedIdentityCredentials.length === 0,
      )!;
      const victimId = String(victim.object.id);
      removeObject(tenant(), victimId, {}, now());
      addPassword(tenant(), String([...tenant().applications.values()][20]!.object.id), {}, now());

      // Graph keeps failing the reads by id: the scan fails and writes nothing.
      emu.control.injectFaults({ pathContains: '$batch', serverErrorRate: 1 });
      const failed = await scan('prod');
      emu.control.clearFaults();
      assert.equal(failed.summary.status, 'failed');
      assert.equal(failed.record.mode, 'incremental');
      assert.equal(JSON.stringify((await store.integrations.get('prod'))!.syncState), linksBefore);
      assertSameInventory(await inventoryOf(store, 'prod'), inventoryBefore);

      // Interrupted once the changed objects are being read: partial, applies what it read, removes nothing and
      // keeps the links, so the next scan reads the same changes again.
      const interrupt = new AbortController();
      let reads = 0;
      const partial = await scan('prod', {
        signal: interrupt.signal,
        // The two delta rounds and the audit log take a page each; the fourth report is a read by id.
        onProgress: () => {
          if (++reads === 4) interrupt.abort();
        },
      });
      assert.equal(partial.summary.status, 'partial');
      assert.equal(partial.record.changes?.removed ?? 0, 0);
      assert.equal(JSON.stringify((await store.integrations.get('prod'))!.syncState), linksBefore);
      assert.ok((await inventoryOf(store, 'prod')).has(victimId), 'not removed by a partial scan');

      const done = await scan('prod');
      assert.equal(done.summary.status, 'succeeded', done.summary.warnings.join('\n'));
      assert.equal(done.summary.mode, 'incremental');
      assert.ok(!(await inventoryOf(store, 'prod')).has(victimId), 'removed once a scan succeeded');
      assert.notEqual(JSON.stringify((await store.integrations.get('prod'))!.syncState), linksBefore);
    });
  });

describe('incremental scans with access: grants are carried forward, never unknown and never revoked', () => {
  let emu: RunningEmulator;
  let store: Store;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 8, apps: 150 }],
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

  test('a changed principal keeps the access the full scan read', async () => {
    const scan = scanner(store, { access: true, signIns: true });
    const first = await scan('prod');
    assert.equal(first.summary.status, 'succeeded', first.summary.warnings.join('\n'));
    const integrationId = (await store.integrations.get('prod'))!.id;
    const holders = (await store.inventory.list({ integrationId })).filter(
      (i) => (i.access ?? []).length > 0,
    );
    const holder = holders.find(
      (i) => i.kind === 'servicePrincipal' && i.servicePrincipalType === 'Application',
    )!;
    addPassword(emu.tenants[0]!, holder.objectId, {}, emu.control.context.clock.now());
    const second = await scan('prod');
    assert.equal(second.summary.status, 'succeeded', second.summary.warnings.join('\n'));
    assert.equal(second.summary.mode, 'incremental');
    assert.deepEqual(second.summary.carriedParts, [
      'service-principal-access',
      'managed-identity-federated-credentials',
    ]);
    assert.deepEqual(second.summary.incompleteParts, []);
    const after = (await store.inventory.find(holder.objectId, { integrationId }))[0]!.identity;
    assert.equal(after.credentials.length, holder.credentials.length + 1, 'the change was read');
    assert.deepEqual(after.access, holder.access, 'its access is carried as it was');
    assert.equal(after.unknown, undefined);
    const history = await store.grants.history(integrationId, holder.objectId);
    assert.ok(history.length > 0 && history.every((g) => g.revokedScanId === null), 'nothing revoked');
  });
});
