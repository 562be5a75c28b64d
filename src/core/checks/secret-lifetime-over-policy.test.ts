import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential } from '../inventory.ts';
import check from './secret-lifetime-over-policy.ts';
import { context, credential, subject } from './test-subject.ts';

const now = new Date('2026-11-01T00:00:00Z');
const run = (credentials: Credential[], params = check.params) =>
  check.evaluate(subject({ credentials }), context(params, now));
const secret = (startDateTime: string | null, endDateTime: string | null) =>
  credential({ keyId: 's', startDateTime, endDateTime });

const cases: [name: string, credential: Credential, expected: [severity: string, message: RegExp] | null][] =
  [
    ['one year', secret('2026-06-01T00:00:00Z', '2027-06-01T00:00:00Z'), null],
    ['exactly 730 days', secret('2025-01-01T00:00:00Z', '2027-01-01T00:00:00Z'), null],
    ['"2 years" across 29 February (731 days)', secret('2026-02-01T00:00:00Z', '2028-02-01T00:00:00Z'), null],
    [
      '732 days',
      secret('2026-01-01T00:00:00Z', '2028-01-03T00:00:00Z'),
      ['medium', /^secret s is valid for 732 days, until 2028-01-03: over the policy of 730 days$/],
    ],
    ['3 years', secret('2026-01-01T00:00:00Z', '2029-01-01T00:00:00Z'), ['medium', /valid for 1096 days/]],
    [
      'no start date: what is left of it',
      secret(null, '2029-01-01T00:00:00Z'),
      ['medium', /valid for 792 days/],
    ],
    [
      'no end date',
      secret('2026-01-01T00:00:00Z', null),
      ['high', /^secret s has no end date: it never expires$/],
    ],
    [
      'the old "never" (2299)',
      secret('2020-01-01T00:00:00Z', '2299-12-31T00:00:00Z'),
      ['high', /valid until 2299-12-31: no practical expiry/],
    ],
    ['an unreadable end date says nothing', secret('2026-01-01T00:00:00Z', 'someday'), null],
    [
      'a 3-year certificate',
      credential({
        keyId: 's',
        type: 'certificate',
        startDateTime: '2026-01-01T00:00:00Z',
        endDateTime: '2029-01-01T00:00:00Z',
      }),
      ['medium', /^certificate s is valid for 1096 days/],
    ],
  ];

for (const [name, given, expected] of cases) {
  test(`lifetime: ${name}`, () => {
    const outcome = run([given]);
    if (!expected) return assert.equal(outcome.status, 'pass');
    assert.ok(outcome.status === 'fail');
    assert.equal(outcome.findings.length, 1);
    const [finding] = outcome.findings;
    assert.equal(finding!.keyId, 's');
    assert.equal(finding!.severity ?? check.severity, expected[0]);
    assert.match(finding!.message, expected[1]);
  });
}

test('secrets and certificates follow their own param', () => {
  const threeYears = { startDateTime: '2026-01-01T00:00:00Z', endDateTime: '2029-01-01T00:00:00Z' };
  const both = [
    credential({ keyId: 'sec', ...threeYears }),
    credential({ keyId: 'cert', type: 'certificate', ...threeYears }),
  ];
  const outcome = run(both, { maxLifetimeDays: 730, maxCertificateLifetimeDays: 1200 });
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => f.keyId),
    ['sec'],
  );
  assert.equal(run(both, { maxLifetimeDays: 1200, maxCertificateLifetimeDays: 1200 }).status, 'pass');
});

test('expired credentials are left to credential_expired; none at all is not applicable', () => {
  assert.equal(run([secret('2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z')]).status, 'not-applicable');
  assert.equal(run([]).status, 'not-applicable');
  assert.equal(run([credential({ type: 'federated', endDateTime: null })]).status, 'not-applicable');
});
