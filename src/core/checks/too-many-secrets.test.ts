import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential } from '../inventory.ts';
import { context, credential, subject } from './test-subject.ts';
import check from './too-many-secrets.ts';

const now = new Date('2026-11-01T00:00:00Z');
const run = (credentials: Credential[], params = check.params) =>
  check.evaluate(subject({ credentials }), context(params, now));
const secrets = (count: number, more: Partial<Credential> = {}) =>
  Array.from({ length: count }, (_, i) => credential({ keyId: `s${i + 1}`, ...more }));
const expired = credential({ keyId: 'old', endDateTime: '2026-10-01T00:00:00Z' });

test('three unexpired secrets are one finding about the identity, naming them', () => {
  const outcome = run(secrets(3));
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings.length, 1);
  assert.equal(outcome.findings[0]!.keyId, undefined);
  assert.equal(
    outcome.findings[0]!.message,
    '3 unexpired client secrets, more than the 2 a rotation needs: secret s1, secret s2, secret s3',
  );
});

test('a long list is cut short; a secret not yet started counts', () => {
  const outcome = run([...secrets(6), credential({ keyId: 'next', startDateTime: '2026-12-01T00:00:00Z' })]);
  assert.ok(outcome.status === 'fail');
  assert.match(
    outcome.findings[0]!.message,
    /^7 unexpired .*: secret s1, secret s2, secret s3, secret s4, secret s5 and 2 more$/,
  );
});

test('two (one in use, one rotating in) pass; expired ones do not count; the limit is a param', () => {
  assert.equal(run([...secrets(2), expired]).status, 'pass');
  assert.equal(run(secrets(3), { maxActiveSecrets: 3 }).status, 'pass');
  assert.equal(run([expired]).status, 'pass');
});

test('SAML token-signing passwords are not client secrets; no secrets at all is not applicable', () => {
  const saml = (keyId: string) => [
    credential({ keyId, type: 'certificate', location: 'servicePrincipal', usage: 'Sign' }),
    credential({ keyId, location: 'servicePrincipal' }),
  ];
  assert.equal(run([...saml('a'), ...saml('b'), ...saml('c')]).status, 'not-applicable');
  assert.equal(run([credential({ type: 'certificate' })]).status, 'not-applicable');
  assert.equal(run([]).status, 'not-applicable');
});
