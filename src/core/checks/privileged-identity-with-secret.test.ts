import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential, Identity } from '../inventory.ts';
import type { Reach, ReachInput } from '../risk/types.ts';
import { ACCESS_NOT_READ } from '../risk/workload.ts';
import check from './privileged-identity-with-secret.ts';
import { context, credential, NO_REACH, subject, TIER0 } from './test-subject.ts';

const now = new Date('2026-11-01T00:00:00Z');
const run = (credentials: Credential[], reach: ReachInput, of: Partial<Identity> = {}) =>
  check.evaluate(subject({ credentials, ...of }, { reach }), context(check.params, now));

const entry = (name: string, tier: Reach['tier'], more: Partial<Reach> = {}): Reach => ({
  kind: 'app-permission',
  name,
  tier,
  path: [],
  ...more,
});
const TIER1: ReachInput = { entries: [entry('Mail.Read', 1), entry('User.Read.All', 2)] };
const secret = credential({ keyId: 's1', displayName: 'ci' });

test('an active secret on a workload reaching tier 0 is critical, one finding per secret', () => {
  const outcome = run(
    [secret, credential({ keyId: 's2' }), credential({ keyId: 'c', type: 'certificate' })],
    TIER0,
  );
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => [f.keyId, f.severity]),
    [
      ['s1', 'critical'],
      ['s2', 'critical'],
    ],
  );
  assert.equal(
    outcome.findings[0]!.message,
    'secret "ci" (s1) signs in as a workload that reaches tier 0: RoleManagement.ReadWrite.Directory',
  );
});

test('tier 1 is high, and names what it reaches with its scope', () => {
  const reach = {
    entries: [...TIER1.entries, entry('Contributor', 1, { kind: 'azure-role', scope: '/subscriptions/s' })],
  };
  const outcome = run([secret], reach);
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings[0]!.severity, 'high');
  assert.match(
    outcome.findings[0]!.message,
    /reaches tier 1: Mail\.Read, Contributor at \/subscriptions\/s$/,
  );
});

test('the application row is judged by the workload reach its service principal holds', () => {
  assert.equal(run([secret], TIER0, { kind: 'application' }).status, 'fail');
});

test('tier 2 only, or no access at all, passes', () => {
  assert.equal(run([secret], { entries: [entry('User.Read.All', 2)] }).status, 'pass');
  assert.equal(run([secret], NO_REACH).status, 'pass');
});

test('access not read, or held but unclassified, is unknown unless tier 0 or 1 is already known', () => {
  const notRead = run([secret], { entries: [entry('User.Read.All', 2)], unknown: [ACCESS_NOT_READ] });
  assert.ok(notRead.status === 'unknown');
  assert.match(
    notRead.reason,
    /^it holds an active client secret, but whether it reaches tier 0 or 1 is unknown: its access/,
  );
  const unclassified = run([secret], {
    entries: [entry('Widgets.Manage', 'unknown', { resource: 'Contoso API' })],
  });
  assert.ok(unclassified.status === 'unknown');
  assert.match(unclassified.reason, /1 permission with no known tier \(Widgets\.Manage \(Contoso API\)\)/);
  const known = run([secret], { entries: TIER0.entries, unknown: [ACCESS_NOT_READ] });
  assert.equal(known.status, 'fail');
});

test('no active client secret: expired ones, certificates, federated credentials and SAML passwords do not count', () => {
  const samlPassword = [
    credential({ keyId: 'x', type: 'certificate', location: 'servicePrincipal', usage: 'Sign' }),
    credential({ keyId: 'x', location: 'servicePrincipal' }),
  ];
  for (const credentials of [
    [credential({ endDateTime: '2026-10-01T00:00:00Z' })],
    [credential({ type: 'certificate' }), credential({ keyId: 'f', type: 'federated' })],
    samlPassword,
    [],
  ]) {
    assert.equal(run(credentials, TIER0).status, 'not-applicable');
  }
});
