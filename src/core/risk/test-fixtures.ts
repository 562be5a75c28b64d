// Builders and the score-recomputation check shared by the risk tests (test support only: nothing imports it
// outside *.test.ts files).
import assert from 'node:assert/strict';
import type { Credential, Identity, Owner } from '../inventory.ts';
import { DEFAULT_RISK_CONFIG } from './config.ts';
import type { Reach, ReachInput, RiskScore } from './types.ts';

export const NOW = new Date('2026-11-01T00:00:00Z');

export function credential(overrides: Partial<Credential> = {}): Credential {
  return {
    keyId: 'k1',
    type: 'secret',
    location: 'application',
    displayName: null,
    hint: 'abc',
    thumbprint: null,
    usage: null,
    startDateTime: '2026-06-01T00:00:00Z',
    endDateTime: '2027-06-01T00:00:00Z',
    ...overrides,
  };
}

export function owner(overrides: Partial<Owner> = {}): Owner {
  return {
    objectId: 'o1',
    kind: 'user',
    displayName: 'Ana',
    userPrincipalName: 'ana@contoso.com',
    accountEnabled: true,
    ...overrides,
  };
}

export function identity(overrides: Partial<Identity> = {}): Identity {
  return {
    objectId: 'sp1',
    kind: 'servicePrincipal',
    appId: 'app1',
    displayName: 'Sync',
    servicePrincipalType: 'Application',
    managedIdentityType: null,
    publisher: 'own',
    appOwnerOrganizationId: '0785ef7c-1111-4222-8333-944455556666',
    signInAudience: 'AzureADMyOrg',
    accountEnabled: true,
    createdDateTime: '2023-01-01T00:00:00Z',
    owners: [owner()],
    credentials: [],
    ...overrides,
  };
}

export const TIER0: ReachInput = {
  entries: [
    { kind: 'app-permission', name: 'RoleManagement.ReadWrite.Directory', tier: 0, path: [] } satisfies Reach,
  ],
};
export const NO_REACH: ReachInput = { entries: [] };

/** The documented rule, written out again: if score.ts drifts from it, this disagrees. */
export function assertReproducible(result: RiskScore): void {
  const impacts = result.factors
    .filter((factor) => factor.dimension === 'impact')
    .map((factor) => factor.points);
  const sum = result.factors
    .filter((factor) => factor.dimension === 'likelihood')
    .reduce((total, factor) => total + factor.points, 0);
  const impact = Math.max(0, ...impacts);
  const likelihood = Math.min(100, sum);
  assert.equal(result.impact, impact, 'impact');
  assert.equal(result.likelihood, likelihood, 'likelihood');
  assert.equal(result.score, Math.round((impact * likelihood) / 100), 'score');
  const { critical, high, medium } = DEFAULT_RISK_CONFIG.levels;
  const level =
    result.score >= critical
      ? 'critical'
      : result.score >= high
        ? 'high'
        : result.score >= medium
          ? 'medium'
          : 'low';
  assert.equal(result.level, level, 'level');
  for (const factor of result.factors) {
    assert.ok(factor.id && factor.text.trim(), `factor ${JSON.stringify(factor)} is explained`);
    assert.ok(Number.isInteger(factor.points) && factor.points >= 0, `factor ${factor.id} has whole points`);
  }
}
