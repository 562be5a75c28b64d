// Tenant-wide readings (Conditional Access, Entra ID Protection) on both databases: a complete reading replaces
// the last one in the commit and keeps it as `previous`; a scan without the part, or a failed scan, keeps the last
// complete reading; a part never read has no row. And the events a risk reading makes: each detection once (its id
// fixed by the detection, so reading it again sends nothing), a principal's risk moving once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RISK_PART, type RiskDetection, type RiskReading } from '../../src/core/protection.ts';
import { detectionEventId, protectionEvents } from '../../src/services/protection-events.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, identity, newIntegration, scan } from './fixtures.ts';

const detection = (id: string): RiskDetection => ({
  id,
  servicePrincipalId: 'sp1',
  appId: 'app-sp1',
  servicePrincipalDisplayName: 'Payroll\u001b[31m',
  riskEventType: 'leakedCredentials',
  riskLevel: 'high',
  riskState: 'atRisk',
  detectedDateTime: '2026-10-01T00:00:00Z',
  activityDateTime: null,
  ipAddress: null,
  keyIds: ['k1'],
});
const reading = (riskState: string, detections: RiskDetection[]): RiskReading => ({
  servicePrincipals: [
    {
      id: 'sp1',
      appId: 'app-sp1',
      displayName: 'Payroll',
      riskLevel: 'high',
      riskState,
      riskDetail: null,
      riskLastUpdatedDateTime: '2026-10-01T00:00:00Z',
    },
  ],
  detections,
});

forEachDatabase('tenant readings', (database) => {
  let store: Store;
  before(async () => {
    store = await database.open();
  });
  after(() => store.close());

  test('a complete reading replaces the last; a scan without it or a failed scan keeps it', async () => {
    const integration = await store.integrations.create(newIntegration());
    const facts = asFacts([identity('a')]);
    assert.equal((await store.tenantReadings.latest(integration.id)).size, 0, 'never read: no row');

    const first = await scan(store, integration.id, facts, {
      tenantReadings: [{ part: RISK_PART, data: reading('atRisk', [detection('d1')]) }],
    });
    let stored = (await store.tenantReadings.latest(integration.id)).get(RISK_PART)!;
    assert.equal(stored.scanId, first.id);
    assert.deepEqual(stored.data, reading('atRisk', [detection('d1')]));
    assert.equal(stored.previous, null);

    // The part did not complete: nothing to save, the last reading stands.
    await scan(store, integration.id, facts, { status: 'partial' });
    // A failed scan writes nothing, its readings included.
    await scan(store, integration.id, facts, {
      status: 'failed',
      tenantReadings: [{ part: RISK_PART, data: reading('dismissed', []) }],
    });
    stored = (await store.tenantReadings.latest(integration.id)).get(RISK_PART)!;
    assert.equal(stored.scanId, first.id);
    assert.equal(stored.previous, null);

    const third = await scan(store, integration.id, facts, {
      tenantReadings: [
        { part: RISK_PART, data: reading('confirmedCompromised', [detection('d1'), detection('d2')]) },
      ],
    });
    stored = (await store.tenantReadings.latest(integration.id)).get(RISK_PART)!;
    assert.equal(stored.scanId, third.id);
    assert.deepEqual(stored.previous?.data, reading('atRisk', [detection('d1')]));
    assert.equal(stored.previous?.scanId, first.id);
  });

  test('one detection is one event; reading it again sends none; a risk move is sent once', async () => {
    const integration = await store.integrations.create(newIntegration());
    const ref = { id: integration.id, name: integration.name, tenantId: integration.tenantId };
    const facts = asFacts([identity('a')]);
    const record = async (scanId: number) => {
      const latest = (await store.tenantReadings.latest(integration.id)).get(RISK_PART);
      const events = protectionEvents(ref, latest, scanId);
      return { events, added: await store.outbox.enqueue(events, ['siem']) };
    };

    const s1 = await scan(store, integration.id, facts, {
      tenantReadings: [{ part: RISK_PART, data: reading('atRisk', [detection('d1')]) }],
    });
    const first = await record(s1.id);
    // The first reading compares with nothing: no "became risky" for what was risky before Lanyard looked.
    assert.deepEqual(
      first.events.map((e) => [e.type, e.id]),
      [['risk.detected', detectionEventId(integration.id, 'd1')]],
    );
    assert.equal(first.added, 1);
    assert.equal(
      first.events[0]!.summary,
      'Entra ID Protection detected leakedCredentials on Payroll\u001b[31m',
    );
    // The monitoring of the same scan again (a retry): the same ids, nothing added.
    assert.equal((await record(s1.id)).added, 0);

    // Read again, unchanged: no event at all.
    const s2 = await scan(store, integration.id, facts, {
      tenantReadings: [{ part: RISK_PART, data: reading('atRisk', [detection('d1')]) }],
    });
    assert.deepEqual((await record(s2.id)).events, []);

    // Confirmed compromised, with a new detection: one move, one detection.
    const s3 = await scan(store, integration.id, facts, {
      tenantReadings: [
        { part: RISK_PART, data: reading('confirmedCompromised', [detection('d1'), detection('d2')]) },
      ],
    });
    const third = await record(s3.id);
    assert.deepEqual(third.events.map((e) => e.type).sort(), ['identity.compromised', 'risk.detected']);
    assert.equal(third.events.find((e) => e.type === 'identity.compromised')!.severity, 'critical');
    assert.equal(third.added, 2);

    // A scan whose part did not complete: the reading is scan 3's, whose events are recorded already.
    const s4 = await scan(store, integration.id, facts, { status: 'partial' });
    assert.deepEqual((await record(s4.id)).events, []);

    // Remediated: cleared, once.
    const s5 = await scan(store, integration.id, facts, {
      tenantReadings: [{ part: RISK_PART, data: reading('remediated', [detection('d1'), detection('d2')]) }],
    });
    const fifth = await record(s5.id);
    assert.deepEqual(
      fifth.events.map((e) => e.type),
      ['identity.risk-cleared'],
    );
    assert.equal(fifth.added, 1);
  });
});
