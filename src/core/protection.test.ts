import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ConditionalAccessPolicy,
  coverageOf,
  newDetections,
  type RiskDetection,
  type RiskyServicePrincipal,
  riskTransitions,
} from './protection.ts';

const policy = (overrides: Partial<ConditionalAccessPolicy>): ConditionalAccessPolicy => ({
  id: 'p',
  displayName: 'p',
  state: 'enabled',
  includeServicePrincipals: [],
  excludeServicePrincipals: [],
  servicePrincipalFilter: null,
  ...overrides,
});

test('coverage: only enabled policies, included and not excluded, ids compared case-insensitively', () => {
  const policies = [
    policy({
      id: 'all',
      includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
      excludeServicePrincipals: ['B'],
    }),
    policy({ id: 'report', state: 'enabledForReportingButNotEnforced', includeServicePrincipals: ['a'] }),
    policy({ id: 'by-id', includeServicePrincipals: ['A'] }),
    policy({ id: 'users-only' }),
  ];
  assert.deepEqual(
    coverageOf(policies, 'a').covering.map((p) => p.id),
    ['all', 'by-id'],
  );
  assert.deepEqual(coverageOf(policies, 'b').covering, []);
  assert.deepEqual(coverageOf(policies, 'b').undecided, []);
});

const sp = (id: string, riskState: string): RiskyServicePrincipal => ({
  id,
  appId: null,
  displayName: null,
  riskLevel: 'high',
  riskState,
  riskDetail: null,
  riskLastUpdatedDateTime: null,
});

test('risk transitions: became risky, compromised, cleared (also by leaving the list); unchanged says nothing', () => {
  const previous = [
    sp('a', 'atRisk'),
    sp('b', 'atRisk'),
    sp('c', 'remediated'),
    sp('d', 'atRisk'),
    sp('e', 'atRisk'),
  ];
  const current = [
    sp('a', 'atRisk'),
    sp('b', 'confirmedCompromised'),
    sp('c', 'atRisk'),
    sp('d', 'dismissed'),
    sp('f', 'atRisk'),
  ];
  assert.deepEqual(
    riskTransitions(previous, current).map((t) => [t.servicePrincipal.id, t.transition, t.from]),
    [
      ['b', 'became-compromised', 'atRisk'],
      ['c', 'became-risky', 'remediated'],
      ['d', 'cleared', 'atRisk'],
      ['f', 'became-risky', 'none'],
      ['e', 'cleared', 'atRisk'],
    ],
  );
});

test('detections are new once: those the previous reading held are not', () => {
  const d = (id: string) => ({ id }) as RiskDetection;
  assert.deepEqual(
    newDetections(null, [d('1'), d('2')]).map((x) => x.id),
    ['1', '2'],
  );
  assert.deepEqual(
    newDetections([d('1')], [d('1'), d('2')]).map((x) => x.id),
    ['2'],
  );
});
