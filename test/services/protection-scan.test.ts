// Conditional Access and Entra ID Protection through whole scans of the emulator: the full and the incremental
// scan both read them (a few requests) and store the reading on commit; a scan that can no longer read them keeps
// the previous reading; the checks find the risky and the uncovered privileged principals; the monitoring sends a
// principal's risk move and each new detection once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import type { LanyardEvent } from '../../src/core/events.ts';
import { RISK_PART, type RiskReading } from '../../src/core/protection.ts';
import type { EventSink } from '../../src/deliver/sink.ts';
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createMonitoringService } from '../../src/services/monitoring-service.ts';
import { createScanService } from '../../src/services/scan-service.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { FAST_THROTTLE } from '../collect/helpers.ts';
import { emulatorIntegration } from './emulator-integration.ts';

let emu: RunningEmulator;
let store: Store;
const received: LanyardEvent[] = [];
const sink: EventSink = {
  name: 'siem',
  async deliver(events) {
    received.push(...events);
  },
};

before(async () => {
  emu = await startEmulator({ tenants: [{ seed: 21, apps: 200 }], graph: { throttle: FAST_THROTTLE } });
  store = await openStore({ dataDir: 'memory://' });
  await store.integrations.create(emulatorIntegration(emu, 'prod'));
});
after(async () => {
  await store.close();
  await emu.close();
});

test('read on full and incremental scans, kept when unreadable, found by the checks, sent once', async () => {
  const monitoring = createMonitoringService({ store, lastUse: store.lastUse, now: Date.now, sinks: [sink] });
  const service = createScanService({
    store,
    collect: createGraphCollect({
      resourceUnitsPer10s: 5000,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
      access: true,
      protection: true,
    }),
    now: () => new Date(),
    afterCommit: (integration, scanId) => monitoring.afterScan(integration.name, scanId),
  });
  const integrationId = (await store.integrations.get('prod'))!.id;
  const riskReading = async () => (await store.tenantReadings.latest(integrationId)).get(RISK_PART)!;
  const tenant = emu.tenants[0]!;

  const first = await service.run('prod');
  assert.equal(first.summary.status, 'succeeded', first.summary.warnings.join('\n'));
  assert.equal((await riskReading()).scanId, first.summary.scanId);
  const findings = await monitoring.findings.list({ integration: 'prod' });
  const atRisk = findings.findings.filter((f) => f.checkId === 'service_principal_at_risk');
  const risky = tenant.protection!.riskyServicePrincipals.filter(
    (r) => r.riskState === 'atRisk' || r.riskState === 'confirmedCompromised',
  );
  assert.deepEqual(atRisk.map((f) => f.objectId).sort(), risky.map((r) => r.id).sort());
  assert.ok(
    findings.findings.some((f) => f.checkId === 'privileged_workload_without_conditional_access'),
    'some privileged principal is not covered',
  );
  const detections = received.filter((e) => e.type === 'risk.detected');
  assert.equal(detections.length, tenant.protection!.riskDetections.length, 'each detection once');

  // An administrator dismisses one principal's risk: the incremental rescan reads it and says so once.
  const target = risky.find((r) => r.riskState === 'atRisk')!;
  target.riskState = 'dismissed';
  const second = await service.run('prod');
  assert.equal(second.summary.mode, 'incremental', second.summary.modeReason);
  const reading = await riskReading();
  assert.equal(reading.scanId, second.summary.scanId);
  assert.equal(reading.previous?.scanId, first.summary.scanId);
  const cleared = received.filter((e) => e.type === 'identity.risk-cleared');
  assert.deepEqual(
    cleared.map((e) => e.subject?.objectId),
    [target.id],
  );
  assert.equal(
    received.filter((e) => e.type === 'risk.detected').length,
    detections.length,
    'no detection again',
  );

  // The licence lapses: the part is unknown (said once), the scan succeeds, the last reading stands.
  tenant.workloadIdentitiesPremium = false;
  const third = await service.run('prod');
  assert.equal(third.summary.status, 'succeeded');
  assert.equal(third.summary.warnings.filter((w) => w.includes(RISK_PART)).length, 1);
  assert.equal((await riskReading()).scanId, second.summary.scanId);
  const data = (await riskReading()).data as RiskReading;
  assert.equal(data.servicePrincipals.find((r) => r.id === target.id)!.riskState, 'dismissed');
  const stillOpen = (await monitoring.findings.list({ integration: 'prod' })).findings.filter(
    (f) => f.checkId === 'service_principal_at_risk',
  );
  assert.equal(
    stillOpen.length,
    atRisk.length - 1,
    'findings from the kept reading, not "unknown" nor "none"',
  );
});
