import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Change } from '../core/change-types.ts';
import { changeEvent, scanFinishedEvent, stableEventId } from './change-events.ts';
import type { ScanHeader } from './changes-service.ts';

const header: ScanHeader = {
  integration: { name: 'prod', tenantId: 't' },
  scanId: 7,
  status: 'partial',
  reason: 'some data could not be read',
  finishedAt: '2026-12-01T03:00:00.000Z',
  previous: { scanId: 6, finishedAt: '2026-11-30T03:00:00.000Z' },
  baseline: false,
  removalsReported: false,
  counts: { added: 0, changed: 1, removed: 0 },
};
const scan = { integration: { id: 'i1', name: 'prod', tenantId: 't' }, header };
const added: Change = {
  type: 'credential.added',
  identity: { objectId: 'o1', appId: 'a1', displayName: 'Payroll', kind: 'application', publisher: 'own' },
  severity: 'medium',
  summary: 'secret "deploy" added',
  credential: { keyId: 'k1', type: 'secret', location: 'application', name: 'deploy', endDateTime: null },
};

test('event ids are UUIDs fixed by the scan and the change: recording them again adds nothing', () => {
  const id = changeEvent(scan, added).id;
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(changeEvent(scan, added).id, id);
  assert.notEqual(changeEvent({ ...scan, header: { ...header, scanId: 8 } }, added).id, id);
  assert.notEqual(stableEventId('a'), stableEventId('b'));
});

test('a change becomes an event of its type about its identity and credential, never with a secret', () => {
  const event = changeEvent(scan, added);
  assert.equal(event.type, 'credential.added');
  assert.equal(event.severity, 'medium');
  assert.deepEqual(event.credential, { keyId: 'k1', type: 'secret', displayName: 'deploy' });
  assert.equal(event.subject?.kind, 'application');
  assert.equal(event.data.publisher, 'own');
  const finished = scanFinishedEvent(scan, 1);
  assert.equal(finished.type, 'scan.finished');
  assert.equal(finished.data.removalsReported, false);
  assert.match(finished.summary, /scan 7 of prod partial: 1 change$/);
});
