import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential, Identity } from '../inventory.ts';
import type { LastUse } from '../risk/types.ts';
import check from './credential-unused.ts';
import { context, credential, subject } from './test-subject.ts';

const now = new Date('2026-11-01T00:00:00Z');
const used = (at: string): LastUse => ({ state: 'used', at });
const notSeen = (monitoredSince: string): LastUse => ({ state: 'not-seen', monitoredSince });
const NO_LICENCE: LastUse = { state: 'unknown', reason: 'the tenant has no Entra ID P1 or P2 licence' };

const run = (
  credentials: Credential[],
  lastUse: Record<string, LastUse>,
  of: Partial<Identity> = {},
  params = check.params,
) => check.evaluate(subject({ credentials, ...of }, { lastUse }), context(params, now));

const cases: [name: string, start: string, lastUse: LastUse, expected: RegExp | 'pass' | 'unknown'][] = [
  [
    'used 123 days ago',
    '2025-06-01T00:00:00Z',
    used('2026-07-01T00:00:00Z'),
    /^secret k1 was last used 123 days ago, on 2026-07-01$/,
  ],
  ['used 31 days ago', '2025-06-01T00:00:00Z', used('2026-10-01T00:00:00Z'), 'pass'],
  [
    'not seen since watching began 304 days ago',
    '2025-06-01T00:00:00Z',
    notSeen('2026-01-01T00:00:00Z'),
    /^secret k1 has not been used since Lanyard began watching on 2026-01-01 \(304 days ago\)$/,
  ],
  [
    'never used since created 153 days ago, within the watch',
    '2026-06-01T00:00:00Z',
    notSeen('2026-01-01T00:00:00Z'),
    /^secret k1 has never been used since it was created on 2026-06-01 \(153 days ago\)$/,
  ],
  ['not seen, but watched for only 61 days', '2025-06-01T00:00:00Z', notSeen('2026-09-01T00:00:00Z'), 'pass'],
  ['not seen, but created 31 days ago', '2026-10-01T00:00:00Z', notSeen('2026-01-01T00:00:00Z'), 'pass'],
  ['no sign-in data', '2025-06-01T00:00:00Z', NO_LICENCE, 'unknown'],
];

for (const [name, startDateTime, lastUse, expected] of cases) {
  test(`last use: ${name}`, () => {
    const outcome = run([credential({ startDateTime })], { k1: lastUse });
    if (expected === 'pass') return assert.equal(outcome.status, 'pass');
    if (expected === 'unknown') {
      assert.ok(outcome.status === 'unknown');
      return assert.equal(outcome.reason, 'last use unknown: the tenant has no Entra ID P1 or P2 licence');
    }
    assert.ok(outcome.status === 'fail');
    assert.equal(outcome.findings[0]!.keyId, 'k1');
    assert.match(outcome.findings[0]!.message, expected);
  });
}

test('federated credentials count; expired credentials are left to credential_expired', () => {
  const fic = credential({
    keyId: 'fic',
    type: 'federated',
    name: 'main',
    startDateTime: null,
    endDateTime: null,
  });
  const expired = credential({ keyId: 'gone', endDateTime: '2026-10-01T00:00:00Z' });
  const outcome = run([fic, expired], {
    fic: notSeen('2026-01-01T00:00:00Z'),
    gone: used('2025-01-01T00:00:00Z'),
  });
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => [f.keyId, f.message]),
    [
      [
        'fic',
        'federated credential "main" (fic) has not been used since Lanyard began watching on 2026-01-01 (304 days ago)',
      ],
    ],
  );
  assert.equal(run([expired], {}).status, 'not-applicable');
  assert.equal(run([], {}).status, 'not-applicable');
});

test('a finding wins over an unknown; unknown reasons are given once', () => {
  const two = [credential({ keyId: 'a' }), credential({ keyId: 'b' })];
  const mixed = run(two, { a: used('2026-01-01T00:00:00Z'), b: NO_LICENCE });
  assert.ok(mixed.status === 'fail');
  assert.deepEqual(
    mixed.findings.map((f) => f.keyId),
    ['a'],
  );
  const both = run(two, { a: NO_LICENCE, b: NO_LICENCE });
  assert.ok(both.status === 'unknown');
  assert.equal(both.reason, 'last use unknown: the tenant has no Entra ID P1 or P2 licence');
});

test('unusedDays is the threshold', () => {
  const lastUse = { k1: used('2026-10-01T00:00:00Z') };
  assert.equal(run([credential()], lastUse, {}, { unusedDays: 30 }).status, 'fail');
  assert.equal(run([credential()], lastUse, {}, { unusedDays: 32 }).status, 'pass');
});

test("a multi-tenant application's own credentials sign in elsewhere: not seen here is unknown, not unused", () => {
  const app = { kind: 'application' as const, signInAudience: 'AzureADMultipleOrgs' };
  const old = run([credential()], { k1: notSeen('2026-01-01T00:00:00Z') }, app);
  assert.ok(old.status === 'unknown');
  assert.match(old.reason, /multi-tenant application, which signs in to other tenants/);
  assert.equal(run([credential()], { k1: used('2026-10-20T00:00:00Z') }, app).status, 'pass');
  // The same application in its own tenant only: not seen is unused.
  const single = run(
    [credential()],
    { k1: notSeen('2026-01-01T00:00:00Z') },
    { ...app, signInAudience: 'AzureADMyOrg' },
  );
  assert.equal(single.status, 'fail');
});

test('managed identities and SAML token signing are not evaluated', () => {
  const mi = { servicePrincipalType: 'ManagedIdentity', managedIdentityType: 'user-assigned' as const };
  assert.equal(run([credential({ type: 'federated' })], {}, mi).status, 'not-applicable');
  const signing = credential({ type: 'certificate', location: 'servicePrincipal', usage: 'Sign' });
  assert.equal(run([signing], { k1: notSeen('2025-01-01T00:00:00Z') }).status, 'not-applicable');
});
