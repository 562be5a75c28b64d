import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './duration.ts';
import { LanyardError } from './errors.ts';
import type { Credential, Identity } from './inventory.ts';
import { filterInventory } from './inventory-query.ts';
import { buildOverview } from './overview.ts';

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
