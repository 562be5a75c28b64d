import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveRiskConfig } from './config.ts';
import { levelOf, scoreFactors, scoreIdentity } from './score.ts';
import { assertReproducible, credential, identity, NOW, owner, TIER0 } from './test-fixtures.ts';
import type { LastUse, RiskFactor } from './types.ts';

const RECENT: LastUse = { state: 'used', at: '2026-10-30T00:00:00Z' };

test('levels change exactly at their documented lower bounds', () => {
  const cases: [number, string][] = [
    [0, 'low'],
    [14, 'low'],
    [15, 'medium'],
    [39, 'medium'],
    [40, 'high'],
    [69, 'high'],
    [70, 'critical'],
    [100, 'critical'],
  ];
  for (const [score, level] of cases) assert.equal(levelOf(score), level, String(score));
});

test('scoreFactors: the largest impact times the capped sum of likelihood, rounded', () => {
  const impact = (points: number): RiskFactor => ({ id: 'i', dimension: 'impact', points, text: 'i' });
  const likelihood = (points: number): RiskFactor => ({
    id: 'l',
    dimension: 'likelihood',
    points,
    text: 'l',
  });
  const cases: [RiskFactor[], number, number, number][] = [
    [[impact(100), likelihood(25), likelihood(10)], 100, 35, 35],
    [[impact(60), impact(90), likelihood(30)], 90, 30, 27],
    [[impact(50), likelihood(60), likelihood(60)], 50, 100, 50],
    [[impact(5), likelihood(25)], 5, 25, 1],
    [[impact(20), likelihood(5), likelihood(0)], 20, 5, 1],
    [[likelihood(50)], 0, 50, 0],
    [[impact(100)], 100, 0, 0],
  ];
  for (const [factors, expectedImpact, expectedLikelihood, score] of cases) {
    const result = scoreFactors(factors);
    assert.deepEqual(
      [result.impact, result.likelihood, result.score],
      [expectedImpact, expectedLikelihood, score],
    );
    assertReproducible(result);
  }
});

test('every credential is scored on its own, riskiest first', () => {
  const result = scoreIdentity({
    identity: identity({
      credentials: [
        credential({ keyId: 'cert', type: 'certificate' }),
        credential({ keyId: 'sp', location: 'servicePrincipal' }),
      ],
    }),
    reach: TIER0,
    lastUse: () => RECENT,
    now: NOW,
  });
  assert.deepEqual(
    result.credentials.map((entry) => [entry.keyId, entry.score]),
    [
      ['sp', 65],
      ['cert', 12],
    ],
  );
});

test('an application and its service principal can be scored as one', () => {
  const app = identity({ kind: 'application', credentials: [credential({ keyId: 'app' })] });
  const result = scoreIdentity({
    identity: app,
    credentials: [...app.credentials, credential({ keyId: 'sp', location: 'servicePrincipal' })],
    owners: [owner(), owner({ objectId: 'o2', userPrincipalName: 'ben@contoso.com' })],
    reach: TIER0,
    lastUse: () => RECENT,
    now: NOW,
  });
  assert.deepEqual(
    result.factors.map((factor) => factor.id),
    [
      'reach_tier0_tenant',
      'credential_type',
      'credential_on_service_principal',
      'used_recently',
      'active_credentials',
      'owner',
      'owner',
    ],
  );
});

test('user weights change the score and the factors alike', () => {
  const config = resolveRiskConfig({
    points: { secret: 50 },
    levels: { critical: 90, high: 60, medium: 30 },
  });
  const result = scoreIdentity(
    {
      identity: identity({ owners: [], credentials: [credential()] }),
      reach: TIER0,
      lastUse: () => RECENT,
      now: NOW,
    },
    config,
  );
  assert.equal(result.factors.find((factor) => factor.id === 'credential_type')?.points, 50);
  assert.equal(result.score, 55);
  assert.equal(result.level, 'medium');
});
