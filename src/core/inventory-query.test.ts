import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './duration.ts';
import { LanyardError } from './errors.ts';
import type { Credential, Identity } from './inventory.ts';
import {
  atLeastLevel,
  filterInventory,
  matchesRiskFilter,
  needsRiskFacts,
  type RiskFacts,
  type RiskFilter,
} from './inventory-query.ts';
import { buildOverview } from './overview.ts';
import type { LastUse } from './risk/types.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW + days * DAY).toISOString();

function credential(
  type: Credential['type'],
  endInDays: number | null,
  keyId = `${type}-${endInDays}`,
): Credential {
  return {
    keyId,
    type,
    location: 'application',
    displayName: null,
    hint: type === 'secret' ? 'abc' : null,
    thumbprint: null,
    usage: null,
    startDateTime: at(-10),
    endDateTime: endInDays === null ? null : at(endInDays),
  };
}

function identity(overrides: Partial<Identity>): Identity {
  return {
    objectId: 'o',
    kind: 'application',
    appId: 'a',
    displayName: 'app',
    servicePrincipalType: null,
    managedIdentityType: null,
    publisher: 'own',
    appOwnerOrganizationId: null,
    signInAudience: null,
    accountEnabled: null,
    createdDateTime: null,
    owners: [],
    credentials: [],
    ...overrides,
  };
}

const owner = {
  objectId: 'u',
  kind: 'user' as const,
  displayName: 'U',
  userPrincipalName: 'u@x',
  accountEnabled: true,
};
const app = identity({
  objectId: 'app',
  credentials: [credential('secret', 5), credential('certificate', -1)],
});
const ownedApp = identity({
  objectId: 'owned',
  owners: [owner],
  credentials: [credential('secret', 20 * 365)],
});
const msSp = identity({
  objectId: 'ms',
  kind: 'servicePrincipal',
  servicePrincipalType: 'Application',
  publisher: 'microsoft',
});
const mi = identity({
  objectId: 'mi',
  kind: 'servicePrincipal',
  servicePrincipalType: 'ManagedIdentity',
  managedIdentityType: 'system-assigned',
  credentials: [credential('certificate', 60)],
});
const all = [app, ownedApp, msSp, mi];
const ids = (list: Identity[]) => list.map((i) => i.objectId);

const cases: Array<{ name: string; filter: Parameters<typeof filterInventory>[1]; expected: string[] }> = [
  { name: 'no filter', filter: {}, expected: ['app', 'owned', 'ms', 'mi'] },
  { name: 'managed identities', filter: { types: ['managed-identity'] }, expected: ['mi'] },
  { name: 'service principals', filter: { types: ['service-principal'] }, expected: ['ms'] },
  { name: 'microsoft publisher', filter: { publishers: ['microsoft'] }, expected: ['ms'] },
  { name: 'ownerless', filter: { ownerless: true }, expected: ['app', 'ms', 'mi'] },
  { name: 'expired', filter: { expired: true }, expected: ['app'] },
  { name: 'expired secrets only', filter: { expired: true, credentialTypes: ['secret'] }, expected: [] },
  { name: 'expires within 30d', filter: { expiresWithinMs: 30 * DAY }, expected: ['app'] },
  { name: 'expires within 90d', filter: { expiresWithinMs: 90 * DAY }, expected: ['app', 'mi'] },
  { name: 'holds certificates', filter: { credentialTypes: ['certificate'] }, expected: ['app', 'mi'] },
];
for (const { name, filter, expected } of cases) {
  test(`filterInventory: ${name}`, () => assert.deepEqual(ids(filterInventory(all, filter, NOW)), expected));
}

test('overview counts and flags what needs attention', () => {
  const overview = buildOverview(all, NOW);
  assert.deepEqual(overview.totals, {
    applications: 2,
    servicePrincipals: 1,
    managedIdentities: 1,
    secrets: 2,
    certificates: 2,
    federated: 0,
  });
  assert.deepEqual(
    overview.expired.map((r) => r.credential.keyId),
    ['certificate--1'],
  );
  assert.deepEqual(
    overview.expiring.days7.map((r) => r.credential.keyId),
    ['secret-5'],
  );
  assert.equal(overview.expiring.days30.length, 1);
  assert.deepEqual(ids(overview.ownerlessApplications), ['app']);
  assert.deepEqual(
    overview.longLivedSecrets.map((r) => r.identity.objectId),
    ['owned'],
  );
});

test('an identity whose owners were never read is not ownerless, in the filter or the overview', () => {
  const unread = identity({ objectId: 'unread', owners: [], unknown: ['owners'] });
  const none = identity({ objectId: 'none', owners: [] });
  assert.deepEqual(ids(filterInventory([unread, none], { ownerless: true }, NOW)), ['none']);
  assert.deepEqual(ids(buildOverview([unread, none], NOW).ownerlessApplications), ['none']);
});

test('parseDuration accepts units and rejects nonsense with a fix', () => {
  assert.equal(parseDuration('30d'), 30 * DAY);
  assert.equal(parseDuration('2w'), 14 * DAY);
  assert.equal(parseDuration('12h'), 12 * 3_600_000);
  for (const bad of ['', '30', 'd30', '-3d', '1.5d', '30 days']) {
    assert.throws(
      () => parseDuration(bad),
      (error: unknown) => error instanceof LanyardError && error.fix !== undefined,
    );
  }
});

test('risk filters: level at least, tier or more privileged, unused for at least; unknown never matches', () => {
  const now = new Date(NOW);
  const used = (daysAgo: number): LastUse => ({ state: 'used', at: at(-daysAgo) });
  const notSeen = (sinceDaysAgo: number): LastUse => ({
    state: 'not-seen',
    monitoredSince: at(-sinceDaysAgo),
  });
  const unknown: LastUse = { state: 'unknown', reason: 'no licence' };
  const reach = (...tiers: Array<0 | 1 | 2 | 'unknown'>) => ({
    entries: tiers.map((tier) => ({ kind: 'app-permission' as const, name: `p${tier}`, tier, path: [] })),
  });
  const facts = (overrides: Partial<RiskFacts> = {}): RiskFacts => ({
    level: 'high',
    reach: reach(1),
    identityLastUse: used(200),
    credentialLastUses: [used(200), notSeen(120)],
    ...overrides,
  });
  const cases: Array<[name: string, facts: RiskFacts, filter: RiskFilter, expected: boolean]> = [
    ['no filter', facts(), {}, true],
    ['level equal', facts(), { minLevel: 'high' }, true],
    ['level above', facts({ level: 'critical' }), { minLevel: 'high' }, true],
    ['level below', facts({ level: 'medium' }), { minLevel: 'high' }, false],
    ['tier 1 holds tier 1', facts(), { tier: 1 }, true],
    ['tier 2 holds a tier 1 (more privileged)', facts(), { tier: 2 }, true],
    ['tier 0 wants more than tier 1', facts(), { tier: 0 }, false],
    ['unclassified is no tier', facts({ reach: reach('unknown') }), { tier: 2 }, false],
    [
      'access unknown, nothing read',
      facts({ reach: { entries: [], unknown: ['access'] } }),
      { tier: 2 },
      false,
    ],
    ['unused long enough', facts(), { unusedForDays: 90 }, true],
    ['a credential used lately', facts({ credentialLastUses: [used(10)] }), { unusedForDays: 90 }, false],
    ['the identity used lately', facts({ identityLastUse: used(3) }), { unusedForDays: 90 }, false],
    [
      'exactly the span',
      facts({ identityLastUse: used(90), credentialLastUses: [] }),
      { unusedForDays: 90 },
      true,
    ],
    ['identity last use unknown', facts({ identityLastUse: unknown }), { unusedForDays: 1 }, false],
    [
      'a credential unknown',
      facts({ credentialLastUses: [used(200), unknown] }),
      { unusedForDays: 1 },
      false,
    ],
    [
      'all at once',
      facts({ level: 'critical', reach: reach(0) }),
      { minLevel: 'high', tier: 0, unusedForDays: 100 },
      true,
    ],
  ];
  for (const [name, input, filter, expected] of cases) {
    assert.equal(matchesRiskFilter(input, filter, now), expected, name);
  }
  assert.equal(needsRiskFacts({}), false);
  assert.equal(needsRiskFacts({ tier: 0 }), true);
  assert.equal(atLeastLevel('low', 'medium'), false);
});
