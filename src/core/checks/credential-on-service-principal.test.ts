import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential, Identity } from '../inventory.ts';
import check from './credential-on-service-principal.ts';
import { context, credential, subject } from './test-subject.ts';

const now = new Date('2026-11-01T00:00:00Z');
const run = (credentials: Credential[], of: Partial<Identity> = {}) =>
  check.evaluate(subject({ credentials, ...of }), context(check.params, now));
const onSp = (more: Partial<Credential>) => credential({ location: 'servicePrincipal', ...more });
const samlSigning = [
  onSp({ keyId: 'sign', type: 'certificate', usage: 'Sign', thumbprint: 'T1' }),
  onSp({ keyId: 'verify', type: 'certificate', usage: 'Verify', thumbprint: 'T1' }),
  onSp({ keyId: 'sign', type: 'secret' }),
];

test('a secret or certificate on the service principal is a high finding about it', () => {
  const outcome = run([
    onSp({ keyId: 'hidden', displayName: 'backup' }),
    onSp({ keyId: 'cert', type: 'certificate', usage: 'Verify', thumbprint: 'T9' }),
  ]);
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => [f.keyId, f.severity ?? check.severity]),
    [
      ['hidden', 'high'],
      ['cert', 'high'],
    ],
  );
  assert.equal(
    outcome.findings[0]!.message,
    'secret "backup" (hidden) is held on the service principal, where App registrations does not show it',
  );
});

test('SAML token signing (Sign key, its Verify twin, its PFX password) is how SAML SSO works: a pass', () => {
  assert.equal(run(samlSigning).status, 'pass');
  const outcome = run([
    ...samlSigning,
    onSp({ keyId: 'extra', type: 'certificate', usage: 'Verify', thumbprint: 'T2' }),
  ]);
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => f.keyId),
    ['extra'],
  );
});

test("any credential on Microsoft's own service principal is critical, SAML-looking or not", () => {
  const outcome = run(samlSigning, { publisher: 'microsoft' });
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => [f.keyId, f.severity]),
    [
      ['sign', 'critical'],
      ['verify', 'critical'],
      ['sign', 'critical'],
    ],
  );
  assert.match(
    outcome.findings[0]!.message,
    /held on Microsoft's own service principal, where no valid reason/,
  );
});

test("a vendor's service principal is judged like our own: a credential on it signs in here as the vendor's app", () => {
  assert.equal(run([onSp({})], { publisher: 'third-party' }).status, 'fail');
});

test('a service principal without credentials, or with only expired or federated ones, passes', () => {
  assert.equal(run([]).status, 'pass');
  assert.equal(run([onSp({ endDateTime: '2026-10-01T00:00:00Z' })]).status, 'pass');
  assert.equal(run([onSp({ type: 'federated', endDateTime: null })]).status, 'pass');
});

test('applications and managed identities are not concerned', () => {
  assert.equal(run([credential()], { kind: 'application' }).status, 'not-applicable');
  const mi = { servicePrincipalType: 'ManagedIdentity', managedIdentityType: 'system-assigned' as const };
  assert.equal(run([onSp({ type: 'certificate' })], mi).status, 'not-applicable');
});
