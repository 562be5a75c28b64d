import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RiskDetection, RiskyServicePrincipal, WorkloadProtection } from '../protection.ts';
import check from './service-principal-at-risk.ts';
import { context, subject } from './test-subject.ts';

const risky = (overrides: Partial<RiskyServicePrincipal> = {}): RiskyServicePrincipal => ({
  id: 'sp1',
  appId: 'app1',
  displayName: 'Sync',
  riskLevel: 'medium',
  riskState: 'atRisk',
  riskDetail: null,
  riskLastUpdatedDateTime: '2026-10-30T10:00:00Z',
  ...overrides,
});
const detection = (overrides: Partial<RiskDetection> = {}): RiskDetection => ({
  id: 'd1',
  servicePrincipalId: 'sp1',
  appId: 'app1',
  servicePrincipalDisplayName: 'Sync',
  riskEventType: 'leakedCredentials',
  riskLevel: 'medium',
  riskState: 'atRisk',
  detectedDateTime: '2026-10-30T09:00:00Z',
  activityDateTime: null,
  ipAddress: null,
  keyIds: [],
  ...overrides,
});
const read = (
  servicePrincipals: RiskyServicePrincipal[],
  detections: RiskDetection[] = [],
): WorkloadProtection => ({
  conditionalAccess: null,
  risk: { servicePrincipals, detections },
});
const run = (protection: WorkloadProtection, kind: 'servicePrincipal' | 'application' = 'servicePrincipal') =>
  check.evaluate(subject({ objectId: 'sp1', kind }, { protection }), context(check.params));

test('at risk: a finding whose severity follows the risk level, with the detections named', () => {
  const cases: [string, Partial<RiskyServicePrincipal>, string][] = [
    ['low', { riskLevel: 'low' }, 'medium'],
    ['medium', { riskLevel: 'medium' }, 'high'],
    ['high', { riskLevel: 'high' }, 'critical'],
    ['hidden level', { riskLevel: 'hidden' }, 'high'],
    ['confirmed compromised', { riskState: 'confirmedCompromised', riskLevel: 'low' }, 'critical'],
  ];
  for (const [name, overrides, severity] of cases) {
    const outcome = run(read([risky(overrides)], [detection()]));
    assert.ok(outcome.status === 'fail', name);
    assert.equal(outcome.findings[0]!.severity, severity, name);
    assert.match(outcome.findings[0]!.message, /detections: leakedCredentials/, name);
  }
});

test('read and not risky (remediated, dismissed, safe, or not listed): pass', () => {
  for (const riskState of ['remediated', 'dismissed', 'confirmedSafe', 'none'])
    assert.deepEqual(run(read([risky({ riskState })])), { status: 'pass' }, riskState);
  assert.deepEqual(run(read([risky({ id: 'sp2' })])), { status: 'pass' });
  assert.deepEqual(run(read([risky({ id: 'SP1' })])).status, 'fail');
});

test('never read: unknown, never a pass; an application row is not concerned', () => {
  assert.equal(run({ conditionalAccess: null, risk: null }).status, 'unknown');
  assert.equal(run(read([risky()]), 'application').status, 'not-applicable');
});
