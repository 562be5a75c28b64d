import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AZURE_MONITOR_COLUMNS, toAzureMonitorRecord } from './azure-monitor.ts';
import { testEvent } from './test-events.ts';

test('an Azure Monitor record has the flat columns, Data as the dynamic details', () => {
  const event = testEvent();
  assert.deepEqual(toAzureMonitorRecord(event), {
    TimeGenerated: '2026-11-01T12:34:56.789Z',
    EventId: event.id,
    EventType: 'credential.added',
    Severity: 'high',
    Integration: 'contoso-prod',
    TenantId: event.integration!.tenantId,
    ObjectId: event.subject!.objectId,
    AppId: event.subject!.appId,
    DisplayName: 'Payroll Sync',
    KeyId: event.credential!.keyId,
    Summary: event.summary,
    Data: event.data,
  });
  assert.deepEqual(
    AZURE_MONITOR_COLUMNS.map((c) => c.name).sort(),
    Object.keys(toAzureMonitorRecord(event)).sort(),
  );
});

test('absent parts become empty strings, so every row has every column', () => {
  const r = toAzureMonitorRecord(
    testEvent({ type: 'scan.finished', integration: null, subject: undefined, credential: undefined }),
  );
  assert.equal(r.Integration, '');
  assert.equal(r.ObjectId, '');
  assert.equal(r.KeyId, '');
  assert.equal(r.TimeGenerated, '2026-11-01T12:34:56.789Z');
});
