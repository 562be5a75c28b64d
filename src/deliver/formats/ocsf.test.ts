import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventType } from '../../core/events.ts';
import { findingUid, OCSF_MAPPING, OCSF_VERSION, toOcsf } from './ocsf.ts';
import { testEvent } from './test-events.ts';

const v = { version: '1.2.3' };

// biome-ignore lint/suspicious/noExplicitAny: records are read field by field in the assertions
type Doc = Record<string, any>;

test('every record: metadata.uid is the event id, time in epoch ms, severity_id, type_uid = class × 100 + activity', () => {
  const event = testEvent({ type: 'finding.opened', severity: 'critical' });
  const r = toOcsf(event, v) as Doc;
  assert.equal(r.metadata.uid, event.id);
  assert.equal(r.metadata.version, OCSF_VERSION);
  assert.deepEqual(r.metadata.product, { name: 'Lanyard', vendor_name: 'Lanyard', version: '1.2.3' });
  assert.equal(r.time, Date.parse(event.time));
  assert.equal(r.severity_id, 5);
  assert.equal(r.severity, 'Critical');
  assert.equal(r.class_uid, 2004);
  assert.equal(r.category_uid, 2);
  assert.equal(r.activity_id, 1);
  assert.equal(r.type_uid, 200401);
  assert.equal(r.message, event.summary);
  assert.deepEqual(r.unmapped.data, event.data);
});

test('each event type has its class and activity, and the class its required attributes', () => {
  const expected: Record<EventType, [number, number]> = {
    'finding.opened': [2004, 1],
    'finding.resolved': [2004, 3],
    'credential.expiring': [2004, 1],
    'risk.changed': [2004, 2],
    'identity.added': [3001, 1],
    'identity.removed': [3001, 6],
    'permission.granted': [3001, 7],
    'permission.revoked': [3001, 8],
    'identity.changed': [3004, 3],
    'owner.added': [3004, 3],
    'owner.removed': [3004, 3],
    'credential.added': [3004, 1],
    'credential.removed': [3004, 4],
    'signin.suspicious': [3002, 1],
    'identity.risky': [2004, 1],
    'identity.compromised': [2004, 2],
    'identity.risk-cleared': [2004, 3],
    'risk.detected': [2004, 1],
    'scan.finished': [6007, 2],
  };
  assert.deepEqual(Object.keys(OCSF_MAPPING).sort(), Object.keys(expected).sort());
  for (const [type, [classUid, activityId]] of Object.entries(expected) as [EventType, [number, number]][]) {
    const r = toOcsf(testEvent({ type }), v) as Doc;
    assert.equal(r.class_uid, classUid, type);
    assert.equal(r.activity_id, activityId, type);
    assert.equal(r.type_uid, classUid * 100 + activityId, type);
    for (const required of ['category_uid', 'severity_id', 'time', 'metadata'])
      assert.ok(r[required] !== undefined, `${type} ${required}`);
    if (classUid === 2004) assert.equal(typeof r.finding_info.uid, 'string', type);
    if (classUid === 3001 || classUid === 3002) assert.equal(r.user.uid, testEvent().subject!.objectId, type);
    if (classUid === 3004) assert.equal(typeof r.entity.uid, 'string', type);
    if (classUid === 6007) assert.ok(r.scan, type);
    // JSON only: a round trip changes nothing (no undefined, no Dates).
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  }
});

test('the identity is the OCSF user: object id, app id, display name, tenant as org', () => {
  const event = testEvent({ type: 'identity.added' });
  const r = toOcsf(event, v) as Doc;
  assert.deepEqual(r.user, {
    uid: event.subject!.objectId,
    uid_alt: event.subject!.appId,
    name: 'Payroll Sync',
    type_id: 99,
    type: 'Service Principal',
    org: { uid: event.integration!.tenantId, name: 'contoso-prod' },
  });
});

test('opening and resolving one finding share finding_info.uid; a given findingId wins', () => {
  const opened = toOcsf(testEvent({ type: 'finding.opened' }), v) as Doc;
  const resolved = toOcsf(testEvent({ type: 'finding.resolved' }), v) as Doc;
  assert.equal(opened.finding_info.uid, resolved.finding_info.uid);
  assert.equal(opened.status_id, 1);
  assert.equal(opened.is_alert, true);
  assert.equal(resolved.status_id, 4);
  assert.equal(resolved.is_alert, false);
  assert.equal(findingUid(testEvent({ type: 'finding.opened', data: { findingId: 'f-42' } })), 'f-42');
  const bare = testEvent({ type: 'finding.opened', data: {}, subject: undefined, credential: undefined });
  assert.equal(findingUid(bare), bare.id, 'nothing identifying: the event id');
});

test('credential events manage the credential entity; permission events carry the policy', () => {
  const added = toOcsf(testEvent({ type: 'credential.added' }), v) as Doc;
  assert.deepEqual(added.entity, {
    uid: testEvent().credential!.keyId,
    name: 'ci secret',
    type: 'credential:password',
  });
  const granted = toOcsf(
    testEvent({
      type: 'permission.granted',
      data: { permission: 'Application.ReadWrite.All', permissionId: 'p1' },
    }),
    v,
  ) as Doc;
  assert.deepEqual(granted.policy, { name: 'Application.ReadWrite.All', uid: 'p1' });
});

test('a suspicious sign-in is an Authentication logon with its outcome when known', () => {
  const r = toOcsf(testEvent({ type: 'signin.suspicious', data: { status: 'failure' } }), v) as Doc;
  assert.equal(r.status_id, 2);
  assert.equal(r.status, 'Failure');
  const unknown = toOcsf(testEvent({ type: 'signin.suspicious', data: {} }), v) as Doc;
  assert.equal(unknown.status_id, 0);
});
