// Last use through the whole path (emulated Graph → collector → store): what is kept equals the emulator's
// answer key, survives the sign-in log's retention passing, a rescan reads only the window since the previous
// reading, and a tenant without the licence (or a reader without AuditLog.Read.All) leaves it unknown, said once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { accessGroundTruth } from '../../emulator/tenant/access-truth.ts';
import { LOG_LAG_MS, SIGN_IN_PART } from '../../src/collect/graph/sign-in-activity.ts';
import { lastUseOfCredential } from '../../src/core/last-use.ts';
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createScanService } from '../../src/services/scan-service.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { FAST_THROTTLE } from '../collect/helpers.ts';
import { emulatorIntegration } from './emulator-integration.ts';

const DAY = 86_400_000;
const graph = { throttle: { ...FAST_THROTTLE, reportsWindowMs: 1000 } };

function scanner(store: Store) {
  return createScanService({
    store,
    collect: createGraphCollect({ resourceUnitsPer10s: 5000, signIns: true }),
    now: () => new Date(),
  });
}

async function everyRecord(store: Store, integrationId: string, appIds: string[]) {
  return store.lastUse.forApps(integrationId, appIds);
}

describe('last use, tenant seed 11, 160 apps, P2', () => {
  let emu: RunningEmulator;
  let store: Store;
  let integrationId: string;
  before(async () => {
    emu = await startEmulator({ tenants: [{ seed: 11, apps: 160 }], graph });
    store = await openStore({ dataDir: 'memory://' });
    integrationId = (await store.integrations.create(emulatorIntegration(emu, 'prod'))).id;
  });
  after(async () => {
    await store.close();
    await emu.close();
  });

  test('the first scan keeps what the reports and the log say, as the answer key has it', async () => {
    const { summary } = await scanner(store).run('prod');
    assert.equal(summary.status, 'succeeded', summary.warnings.join('\n'));
    const tenant = emu.tenants[0]!;
    const truth = accessGroundTruth(tenant, { now: emu.control.context.clock.now() });
    // The scanner's own sign-ins happen during the scan; the generated history is the answer key.
    const appIds = truth.servicePrincipals.map((sp) => sp.appId).filter((a) => a !== emu.scanner.clientId);
    const kept = await everyRecord(store, integrationId, appIds);

    let checked = 0;
    let federatedSeen = 0;
    for (const credential of truth.credentials) {
      if (credential.appId === emu.scanner.clientId) continue;
      const stored = kept
        .get(credential.appId.toLowerCase())
        ?.credentials.get(credential.keyId.toLowerCase());
      const last = credential.lastSignIn;
      // Secrets and certificates come from the activity report, however old; federated credentials only from
      // the log, so only while their sign-in is still in it.
      const readable = last && (credential.type !== 'federatedIdentityCredential' || last.inLog === true);
      assert.equal(stored ?? null, readable ? last.dateTime.replace(/Z$/, '.000Z') : null, credential.keyId);
      if (readable) checked += 1;
      if (readable && credential.type === 'federatedIdentityCredential') federatedSeen += 1;
    }
    assert.ok(checked > 20, `${checked} credentials with a last sign-in`);
    assert.ok(federatedSeen > 0, 'a federated credential seen in the log');
    for (const sp of truth.servicePrincipals) {
      if (sp.appId === emu.scanner.clientId || !sp.lastSignIn) continue;
      assert.equal(
        kept.get(sp.appId.toLowerCase())?.identityAt,
        sp.lastSignIn.dateTime.replace(/Z$/, '.000Z'),
        `last sign-in of ${sp.displayName}`,
      );
    }
    const watch = await store.lastUse.watch(integrationId);
    assert.equal(watch.unknownReason, null);
    assert.ok(watch.monitoredSince && watch.readThrough);
    // The first reading read the whole sign-in log (30 days): "not seen" holds from the start of that window.
    const windowStart = Date.now() - 30 * DAY;
    assert.ok(Math.abs(Date.parse(watch.monitoredSince) - windowStart) < 5 * 60_000, watch.monitoredSince);
  });

  test('a rescan reads only the sign-in log since the previous reading, not the reports', async () => {
    const before = await store.lastUse.watch(integrationId);
    emu.control.resetLog();
    const { summary } = await scanner(store).run('prod');
    assert.equal(summary.status, 'succeeded', summary.warnings.join('\n'));
    const reads = emu.control
      .requestLog({ appId: emu.scanner.clientId })
      .filter((r) => /\/(reports|auditLogs)\//i.test(r.path));
    assert.equal(reads.filter((r) => r.path.includes('/reports/')).length, 0);
    const since = new Date(Date.parse(before.readThrough!) - LOG_LAG_MS).toISOString().slice(0, 19);
    const logReads = reads.filter((r) => r.path.includes('/auditLogs/signIns'));
    assert.equal(logReads.length, 2, 'service principal and managed identity sign-ins');
    for (const r of logReads)
      assert.match(decodeURIComponent(r.path), new RegExp(`createdDateTime ge ${since}`));
    const afterWatch = await store.lastUse.watch(integrationId);
    assert.equal(afterWatch.monitoredSince, before.monitoredSince, 'watching began with the first reading');
    assert.ok(Date.parse(afterWatch.readThrough!) >= Date.parse(before.readThrough!));
  });

  test('last use survives the sign-in log forgetting it', async () => {
    const tenant = emu.tenants[0]!;
    const truth = accessGroundTruth(tenant, { now: emu.control.context.clock.now() });
    const federated = truth.credentials.filter(
      (c) => c.type === 'federatedIdentityCredential' && c.lastSignIn?.inLog === true,
    );
    assert.ok(federated.length > 0);
    emu.control.advanceClock(45 * DAY);
    const later = accessGroundTruth(tenant, { now: emu.control.context.clock.now() });
    assert.ok(
      federated.every((c) => later.credentials.find((l) => l.keyId === c.keyId)?.lastSignIn?.inLog === false),
      'the log no longer holds them',
    );
    const { summary } = await scanner(store).run('prod');
    assert.equal(summary.status, 'succeeded', summary.warnings.join('\n'));
    const kept = await everyRecord(
      store,
      integrationId,
      federated.map((c) => c.appId),
    );
    for (const c of federated) {
      const record = kept.get(c.appId.toLowerCase())!;
      const lastUse = lastUseOfCredential(
        { keyId: c.keyId, startDateTime: null },
        record,
        await store.lastUse.watch(integrationId),
      );
      assert.deepEqual(lastUse, { state: 'used', at: c.lastSignIn!.dateTime.replace(/Z$/, '.000Z') });
    }
  });
});

describe('last use cannot be read', () => {
  test('a tenant without P1/P2: unknown, said once, the inventory committed and removals still possible', async () => {
    const emu = await startEmulator({ tenants: [{ seed: 3, apps: 40, licence: 'none' }], graph });
    const store = await openStore({ dataDir: 'memory://' });
    try {
      const { id } = await store.integrations.create(emulatorIntegration(emu, 'free'));
      const { summary } = await scanner(store).run('free');
      // A missing licence stands until someone buys one: the scan succeeds without the part.
      assert.equal(summary.status, 'succeeded', summary.warnings.join('\n'));
      assert.ok((summary.counts.applications ?? 0) > 0, 'the inventory was committed');
      const part = summary.incompleteParts.find((p) => p.name === SIGN_IN_PART.name);
      assert.match(part?.reason ?? '', /no Microsoft Entra ID P1 or P2 licence/);
      assert.equal(part?.standing, true);
      assert.equal(summary.warnings.filter((w) => /P1 or P2/.test(w)).length, 1, summary.warnings.join('\n'));
      const watch = await store.lastUse.watch(id);
      assert.equal(watch.monitoredSince, null);
      assert.match(watch.unknownReason ?? '', /P1 or P2/);
      const lastUse = lastUseOfCredential(
        { keyId: 'any', startDateTime: null },
        { identityAt: null, credentials: new Map() },
        watch,
      );
      assert.equal(lastUse.state, 'unknown');

      // An application deleted in Entra is recorded as removed by the next scan, licence or not.
      const tenant = emu.tenants[0]!;
      const [gone] = [...tenant.applications.values()];
      tenant.applications.delete(gone!.object.id!);
      const rescan = await scanner(store).run('free');
      assert.equal(rescan.summary.status, 'succeeded');
      const listed = await store.inventory.list({ integrationId: id });
      assert.ok(listed.length > 0);
      assert.ok(
        !listed.some((identity) => identity.objectId === gone!.object.id),
        'the deleted one is removed',
      );
    } finally {
      await store.close();
      await emu.close();
    }
  });

  test('a reader without AuditLog.Read.All: the part names the permission that would fill it', async () => {
    const emu = await startEmulator({
      tenants: [{ seed: 3, apps: 40 }],
      graph,
      scannerGraphRoles: ['Application.Read.All'],
    });
    const store = await openStore({ dataDir: 'memory://' });
    try {
      await store.integrations.create(emulatorIntegration(emu, 'least'));
      const { summary } = await scanner(store).run('least');
      const part = summary.incompleteParts.find((p) => p.name === SIGN_IN_PART.name);
      assert.equal(part?.permission, 'AuditLog.Read.All');
      assert.ok(summary.warnings.some((w) => /grant AuditLog\.Read\.All/.test(w)));
    } finally {
      await store.close();
      await emu.close();
    }
  });
});
