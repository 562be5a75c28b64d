import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential, Identity } from '../inventory.ts';
import { scoreCredential } from './score.ts';
import { assertReproducible, credential, identity, NO_REACH, NOW, TIER0 } from './test-fixtures.ts';
import type { LastUse, ReachInput } from './types.ts';

const USED_YESTERDAY: LastUse = { state: 'used', at: '2026-10-31T08:00:00Z' };
const NO_LICENCE: LastUse = { state: 'unknown', reason: 'sign-in activity needs Entra ID P1' };

interface Row {
  name: string;
  credential: Credential;
  lastUse?: LastUse;
  identity?: Identity;
  reach?: ReachInput;
  samlSignOn?: boolean;
  /** Every factor as `id:points`, in order. */
  factors: string[];
  score: number;
  /** Texts that must appear among the factors, verbatim. */
  texts?: string[];
}

// With TIER0 reach, impact is 100 and the score equals the likelihood: each row reads as a sum.
const rows: Row[] = [
  {
    name: 'a fresh, used certificate',
    credential: credential({ type: 'certificate' }),
    factors: ['reach_tier0_tenant:100', 'credential_type:12', 'used_recently:0'],
    score: 12,
    texts: ['last used less than a day ago, on 2026-10-31'],
  },
  {
    name: 'an old secret with a long lifetime',
    credential: credential({ startDateTime: '2023-10-01T00:00:00Z', endDateTime: '2027-10-01T00:00:00Z' }),
    factors: [
      'reach_tier0_tenant:100',
      'credential_type:25',
      'credential_age:10',
      'credential_lifetime:10',
      'used_recently:0',
    ],
    score: 45,
    texts: ['client secret, 3 years old', 'valid for 4 years, over the policy of 2 years'],
  },
  {
    name: 'a named secret a year old',
    credential: credential({
      displayName: 'deploy',
      startDateTime: '2025-10-01T00:00:00Z',
      endDateTime: '2026-12-15T00:00:00Z',
    }),
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'credential_age:5', 'used_recently:0'],
    score: 30,
    texts: ['client secret "deploy", 1 year old'],
  },
  {
    name: 'expires in 5 days, last use unknown',
    credential: credential({
      type: 'certificate',
      startDateTime: '2025-11-06T00:00:00Z',
      endDateTime: '2026-11-06T00:00:00Z',
    }),
    lastUse: NO_LICENCE,
    factors: ['reach_tier0_tenant:100', 'credential_type:12', 'credential_expiry:8', 'last_use_unknown:5'],
    score: 25,
    texts: ['expires in 5 days, on 2026-11-06', 'last use unknown: sign-in activity needs Entra ID P1'],
  },
  {
    name: 'expires in 20 days',
    credential: credential({ endDateTime: '2026-11-21T00:00:00Z' }),
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'credential_expiry:3', 'used_recently:0'],
    score: 28,
  },
  {
    name: 'expired: cannot sign in, scores nothing else',
    credential: credential({ endDateTime: '2026-10-20T00:00:00Z', location: 'servicePrincipal' }),
    lastUse: { state: 'not-seen', monitoredSince: '2026-01-01T00:00:00Z' },
    factors: ['reach_tier0_tenant:100', 'credential_expired:0'],
    score: 0,
    texts: ['client secret expired 12 days ago, on 2026-10-20: it can no longer sign in'],
  },
  {
    name: 'no end date',
    credential: credential({ endDateTime: null }),
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'credential_no_expiry:15', 'used_recently:0'],
    score: 40,
    texts: ['no end date: it never expires'],
  },
  {
    name: 'valid until 9999',
    credential: credential({ endDateTime: '9999-12-31T23:59:59Z' }),
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'credential_no_expiry:15', 'used_recently:0'],
    score: 40,
    texts: ['no practical expiry: valid until 9999-12-31'],
  },
  {
    name: 'an unreadable end date is not "no end date"',
    credential: credential({ endDateTime: 'soon' }),
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'used_recently:0'],
    score: 25,
  },
  {
    name: 'held on the service principal',
    credential: credential({ location: 'servicePrincipal' }),
    factors: [
      'reach_tier0_tenant:100',
      'credential_type:25',
      'credential_on_service_principal:40',
      'used_recently:0',
    ],
    score: 65,
  },
  {
    name: 'SAML signing certificate on the service principal is expected',
    credential: credential({ type: 'certificate', location: 'servicePrincipal', usage: 'Sign' }),
    samlSignOn: true,
    factors: ['reach_tier0_tenant:100', 'credential_type:12', 'used_recently:0'],
    score: 12,
  },
  {
    name: 'on a Microsoft first-party service principal, whatever it reaches',
    credential: credential({ location: 'servicePrincipal' }),
    identity: identity({ publisher: 'microsoft', owners: [] }),
    reach: NO_REACH,
    factors: [
      'reach_microsoft_first_party:100',
      'reach_none:5',
      'credential_type:25',
      'microsoft_service_principal_credential:100',
      'used_recently:0',
    ],
    score: 100,
  },
  {
    name: 'unused 120 days',
    credential: credential({ startDateTime: '2026-01-01T00:00:00Z' }),
    lastUse: { state: 'used', at: '2026-07-04T00:00:00Z' },
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'unused:15'],
    score: 40,
    texts: ['last used 3 months ago, on 2026-07-04'],
  },
  {
    name: 'unused 200 days',
    credential: credential({ startDateTime: '2026-01-01T00:00:00Z' }),
    lastUse: { state: 'used', at: '2026-04-15T00:00:00Z' },
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'unused:20'],
    score: 45,
  },
  {
    name: 'not seen since monitoring began, older credential',
    credential: credential({ startDateTime: '2026-01-01T00:00:00Z' }),
    lastUse: { state: 'not-seen', monitoredSince: '2026-07-01T00:00:00Z' },
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'not_seen:15'],
    score: 40,
    texts: ['never used since monitoring began on 2026-07-01 (4 months)'],
  },
  {
    name: 'never used since creation, watched all along',
    credential: credential({ startDateTime: '2026-06-01T00:00:00Z' }),
    lastUse: { state: 'not-seen', monitoredSince: '2026-03-01T00:00:00Z' },
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'not_seen:15', 'never_used_since_creation:5'],
    score: 45,
    texts: ['never used since it was created on 2026-06-01 (5 months)'],
  },
  {
    name: 'not seen, but monitoring is too recent to tell',
    credential: credential(),
    lastUse: { state: 'not-seen', monitoredSince: '2026-10-01T00:00:00Z' },
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'not_seen:0'],
    score: 25,
    texts: ['never used since monitoring began on 2026-10-01 (31 days)'],
  },
  {
    name: 'federated: no dates to judge',
    credential: credential({
      type: 'federated',
      startDateTime: null,
      endDateTime: null,
      name: 'github-main',
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:contoso/app:ref:refs/heads/main',
    }),
    factors: ['reach_tier0_tenant:100', 'credential_type:6', 'used_recently:0'],
    score: 6,
    texts: [
      'federated credential "github-main": trusts tokens from https://token.actions.githubusercontent.com for repo:contoso/app:ref:refs/heads/main',
    ],
  },
  {
    name: 'no reach found: the same exposure matters little',
    credential: credential({ location: 'servicePrincipal' }),
    reach: NO_REACH,
    factors: ['reach_none:5', 'credential_type:25', 'credential_on_service_principal:40', 'used_recently:0'],
    score: 3,
  },
  {
    name: 'unknown reach is not "no permissions"',
    credential: credential({ location: 'servicePrincipal' }),
    reach: { entries: [], unknown: ['app role assignments could not be read'] },
    factors: [
      'reach_unknown:50',
      'credential_type:25',
      'credential_on_service_principal:40',
      'used_recently:0',
    ],
    score: 33,
  },
];

for (const row of rows) {
  test(`credential score: ${row.name}`, () => {
    const result = scoreCredential({
      identity: row.identity ?? identity(),
      credential: row.credential,
      reach: row.reach ?? TIER0,
      lastUse: () => row.lastUse ?? USED_YESTERDAY,
      samlSignOn: row.samlSignOn,
      now: NOW,
    });
    assert.deepEqual(
      result.factors.map((factor) => `${factor.id}:${factor.points}`),
      row.factors,
    );
    assert.equal(result.score, row.score);
    assertReproducible(result);
    const texts = result.factors.map((factor) => factor.text);
    for (const text of row.texts ?? [])
      assert.ok(texts.includes(text), `"${text}" in ${JSON.stringify(texts)}`);
    for (const factor of result.factors) {
      if (factor.dimension === 'likelihood') assert.equal(factor.keyId, row.credential.keyId);
    }
  });
}

test('unknown last use never scores as never used, nor as used', () => {
  const score = (lastUse: LastUse) =>
    scoreCredential({
      identity: identity(),
      credential: credential(),
      reach: TIER0,
      lastUse: () => lastUse,
      now: NOW,
    });
  const unknown = score(NO_LICENCE);
  const neverSeen = score({ state: 'not-seen', monitoredSince: '2026-01-01T00:00:00Z' });
  const used = score(USED_YESTERDAY);
  assert.ok(
    used.score < unknown.score && unknown.score < neverSeen.score,
    `${used.score} < ${unknown.score} < ${neverSeen.score}`,
  );
  assert.ok(!unknown.factors.some((factor) => factor.id === 'not_seen' || factor.id === 'unused'));
});
