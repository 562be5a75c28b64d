import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential } from '../inventory.ts';
import check, { isExpired, samlSigningKeyIds, signInKeyCredentials } from './credential-expired.ts';
import { context, credential, identity, subject } from './test-subject.ts';

const now = new Date('2026-11-01T00:00:00Z');
const run = (credentials: Credential[], more: Parameters<typeof identity>[0] = {}) =>
  check.evaluate(subject({ credentials, ...more }), context(check.params, now));

/** A SAML token-signing certificate as addTokenSigningCertificate leaves it: Sign key, Verify twin, PFX password. */
const saml = (endDateTime: string) => [
  credential({
    keyId: 'sign',
    type: 'certificate',
    location: 'servicePrincipal',
    usage: 'Sign',
    thumbprint: 'T1',
    endDateTime,
  }),
  credential({
    keyId: 'verify',
    type: 'certificate',
    location: 'servicePrincipal',
    usage: 'Verify',
    thumbprint: 'T1',
    endDateTime,
  }),
  credential({ keyId: 'sign', type: 'secret', location: 'servicePrincipal', endDateTime }),
];

test('expired secrets and certificates are findings about each, with when they expired', () => {
  const outcome = run([
    credential({ keyId: 'old', displayName: 'deploy', endDateTime: '2026-10-01T00:00:00Z' }),
    credential({ keyId: 'cert', type: 'certificate', endDateTime: '2026-10-31T20:00:00Z' }),
    credential({ keyId: 'live', endDateTime: '2027-06-01T00:00:00Z' }),
  ]);
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => f.keyId),
    ['old', 'cert'],
  );
  assert.equal(
    outcome.findings[0]!.message,
    'secret "deploy" (old) expired 31 days ago, on 2026-10-01, and is still on the service principal',
  );
  assert.match(outcome.findings[1]!.message, /^certificate cert expired less than a day ago, on 2026-10-31/);
});

test('active, undated or unreadably dated credentials pass; without secrets or certificates it does not apply', () => {
  assert.equal(run([credential({ endDateTime: '2027-01-01T00:00:00Z' })]).status, 'pass');
  assert.equal(
    run([credential({ endDateTime: null }), credential({ keyId: 'k2', endDateTime: 'soon' })]).status,
    'pass',
  );
  assert.equal(run([]).status, 'not-applicable');
  assert.equal(run([credential({ type: 'federated', endDateTime: null })]).status, 'not-applicable');
});

test("a managed identity's key and SAML token signing are not credentials someone signs in with", () => {
  const expired = credential({ type: 'certificate', endDateTime: '2026-01-01T00:00:00Z' });
  const mi = { servicePrincipalType: 'ManagedIdentity', managedIdentityType: 'system-assigned' as const };
  assert.equal(run([expired], mi).status, 'not-applicable');
  assert.equal(run(saml('2026-01-01T00:00:00Z')).status, 'not-applicable');
  const outcome = run([
    ...saml('2026-01-01T00:00:00Z'),
    credential({ keyId: 'leftover', location: 'servicePrincipal', endDateTime: '2026-01-01T00:00:00Z' }),
  ]);
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => f.keyId),
    ['leftover'],
  );
});

test('the shared helpers: expiry at the very instant, and SAML signing found by Sign usage, thumbprint and keyId', () => {
  assert.equal(isExpired(credential({ endDateTime: now.toISOString() }), now), true);
  assert.equal(isExpired(credential({ endDateTime: '2026-11-01T00:00:01Z' }), now), false);
  const sp = identity({
    credentials: [
      ...saml('2027-01-01T00:00:00Z'),
      credential({
        keyId: 'other',
        type: 'certificate',
        location: 'servicePrincipal',
        usage: 'Verify',
        thumbprint: 'T2',
      }),
    ],
  });
  assert.deepEqual([...samlSigningKeyIds(sp)].sort(), ['sign', 'verify']);
  assert.deepEqual(
    signInKeyCredentials(sp).map((c) => c.keyId),
    ['other'],
  );
  // Usage Sign on an application object is not SAML: applications do not sign SAML tokens.
  const app = identity({
    kind: 'application',
    credentials: [credential({ type: 'certificate', usage: 'Sign' })],
  });
  assert.equal(samlSigningKeyIds(app).size, 0);
});
