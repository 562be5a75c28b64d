import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Grant } from './access.ts';
import { type Change, type DiffContext, diffIdentity } from './changes.ts';
import type { Identity } from './inventory.ts';
import { credential, identity, owner } from './risk/test-fixtures.ts';
import { MICROSOFT_GRAPH_APP_ID } from './tiers/tier-table.ts';

const DAY = 86_400_000;
const AT = Date.parse('2026-11-01T00:00:00Z');
const context: DiffContext = { beforeAt: AT - DAY, afterAt: AT };
const iso = (ms: number) => new Date(ms).toISOString();

const graphRole = (permission: string): Grant => ({
  kind: 'app-role',
  resourceId: 'graph-sp',
  resourceAppId: MICROSOFT_GRAPH_APP_ID,
  resourceDisplayName: 'Microsoft Graph',
  permission,
});
const sp = (overrides: Partial<Identity> = {}) => identity({ access: [], ...overrides });
const types = (changes: Change[]) => changes.map((change) => change.type);

test('an identity that appears or goes is one change, with its identity and a hint by publisher', () => {
  const added = diffIdentity(null, sp({ publisher: 'third-party' }), context);
  assert.deepEqual(types(added), ['identity.added']);
  assert.deepEqual(added[0]!.identity, {
    objectId: 'sp1',
    appId: 'app1',
    displayName: 'Sync',
    kind: 'servicePrincipal',
    publisher: 'third-party',
  });
  assert.equal(added[0]!.severity, 'medium');
  assert.equal(diffIdentity(null, sp({ publisher: 'microsoft' }), context)[0]!.severity, 'info');
  assert.deepEqual(types(diffIdentity(sp(), null, context)), ['identity.removed']);
  assert.deepEqual(diffIdentity(null, null, context), []);
  assert.deepEqual(diffIdentity(sp(), sp(), context), [], 'equal versions: nothing');
});

test('credentials are matched by key, location and type, and named without any secret material', () => {
  const kept = credential({ keyId: 'k1', displayName: 'deploy' });
  const before = sp({ credentials: [kept, credential({ keyId: 'k2' })] });
  const after = sp({
    credentials: [
      kept,
      credential({ keyId: 'k3', displayName: 'ci', hint: 'xyz' }),
      // The same key id on the other object is another credential.
      credential({ keyId: 'k1', location: 'servicePrincipal', type: 'certificate', hint: null }),
    ],
  });
  const changes = diffIdentity(before, after, context);
  assert.deepEqual(types(changes).sort(), ['credential.added', 'credential.added', 'credential.removed']);
  const ci = changes.find((c) => c.type === 'credential.added' && c.credential.keyId === 'k3')!;
  assert.equal(ci.summary, 'secret "ci" (k3) added');
  assert.equal(ci.severity, 'medium');
  assert.doesNotMatch(JSON.stringify(changes), /xyz|abc/, 'no hint, no secret');
  const onSp = changes.find(
    (c) => c.type === 'credential.added' && c.credential.location === 'servicePrincipal',
  );
  assert.equal(onSp!.severity, 'high', 'a credential on the service principal is out of sight');
  const removed = changes.find((c) => c.type === 'credential.removed')!;
  assert.equal(removed.type === 'credential.removed' && removed.credential.keyId, 'k2');
});

test('a credential is expiring once it enters the 30 days at this scan that it was not in at the previous', () => {
  const ending = (days: number) => credential({ keyId: 'k1', endDateTime: iso(AT + days * DAY) });
  const cases: Array<[string, number, number, string[]]> = [
    ['entered the window since the previous scan', 29.5, DAY, ['credential.expiring']],
    ['already in the window at the previous scan', 20, DAY, []],
    ['still outside the window', 31, DAY, []],
    ['already expired', -1, DAY, []],
    ['entered it over a week without scans', 25, 7 * DAY, ['credential.expiring']],
  ];
  for (const [name, days, gap, expected] of cases) {
    const version = sp({ credentials: [ending(days)] });
    // Also for an unchanged identity: the same version judged at both scans' times.
    const changes = diffIdentity(version, version, { beforeAt: AT - gap, afterAt: AT });
    assert.deepEqual(types(changes), expected, name);
  }
  const [urgent] = diffIdentity(sp({ credentials: [ending(40)] }), sp({ credentials: [ending(6)] }), context);
  assert.ok(urgent?.type === 'credential.expiring' && urgent.daysLeft === 6 && urgent.severity === 'high');
  const [added] = diffIdentity(sp(), sp({ credentials: [ending(10)] }), context);
  assert.equal(added!.summary, 'secret (k1) added, expiring in 10 days');
});

test('owners are compared by object id and named; unread owner lists are not compared', () => {
  const ana = owner();
  const bo = owner({ objectId: 'o2', displayName: 'Bo', userPrincipalName: 'bo@contoso.com' });
  const changes = diffIdentity(sp({ owners: [ana] }), sp({ owners: [bo] }), context);
  assert.deepEqual(
    changes.map((c) => [c.type, c.summary, c.severity]),
    [
      ['owner.added', 'owner added: Bo (bo@contoso.com)', 'low'],
      ['owner.removed', 'owner removed: Ana (ana@contoso.com)', 'low'],
    ],
  );
  const last = diffIdentity(sp({ owners: [ana] }), sp({ owners: [] }), context);
  assert.equal(last[0]!.severity, 'medium');
  assert.match(last[0]!.summary, /no owner now/);
  const unread = sp({ owners: [], unknown: ['owners'] });
  assert.deepEqual(diffIdentity(sp({ owners: [ana] }), unread, context), []);
  assert.deepEqual(diffIdentity(unread, sp({ owners: [ana] }), context), []);
  const hidden = owner({ objectId: 'o3', displayName: null, userPrincipalName: null, readable: false });
  assert.equal(
    diffIdentity(sp(), sp({ owners: [hidden] }), context)[0]!.summary,
    'owner added: o3 (details not readable)',
  );
});

test("an owner's directory roles or mail changing is the same owner: no owner removed and added, no change", () => {
  // The user's roles are about the user, not the identity: told once by the findings they open or resolve
  // (tier0_app_owner_not_tier0), not once per identity he owns.
  const admin: Grant = {
    kind: 'directory-role',
    permission: 'Global Administrator',
    permissionId: 'ga',
    scope: '/',
  };
  const before = sp({ owners: [owner({ directoryRoles: [] })] });
  const after = sp({ owners: [owner({ directoryRoles: [admin], mail: 'ana.ruiz@contoso.com' })] });
  assert.deepEqual(diffIdentity(before, after, context), []);
  // Roles unknown (a scan without access) on either side: the same.
  assert.deepEqual(diffIdentity(sp({ owners: [owner()] }), after, context), []);
});

test('federated credentials never read completely are not compared', () => {
  const fic = credential({
    keyId: 'f1',
    type: 'federated',
    endDateTime: null,
    issuer: 'https://gh',
    subject: 's',
  });
  const unread = sp({ unknown: ['federated'] });
  assert.deepEqual(diffIdentity(unread, sp({ credentials: [fic] }), context), []);
  const [added] = diffIdentity(sp(), sp({ credentials: [fic] }), context);
  assert.equal(added!.summary, 'federated credential (f1) trusting https://gh for s added');
});

test('grants granted and revoked by identity, the hint by tier; unread access is never "revoked"', () => {
  const before = sp({ access: [graphRole('User.Read.All')] });
  const after = sp({ access: [graphRole('RoleManagement.ReadWrite.Directory')] });
  const changes = diffIdentity(before, after, context).filter((c) => c.type.startsWith('permission'));
  assert.deepEqual(
    changes.map((c) => [c.type, c.severity]),
    [
      ['permission.granted', 'high'],
      ['permission.revoked', 'info'],
    ],
  );
  const granted = changes[0]!;
  assert.ok(granted.type === 'permission.granted');
  assert.deepEqual(granted.grant, {
    kind: 'app-role',
    permission: 'RoleManagement.ReadWrite.Directory',
    resource: null,
    scope: null,
    eligible: false,
    tier: 0,
  });
  assert.equal(granted.summary, 'granted tier 0 RoleManagement.ReadWrite.Directory (app permission)');
  const eligible: Grant = {
    kind: 'directory-role',
    permission: 'Global Administrator',
    permissionId: '62e90394-69f5-4237-9190-012177145e10',
    scope: '/',
    eligible: true,
  };
  const [pim] = diffIdentity(sp(), sp({ access: [eligible] }), context);
  assert.equal(pim!.summary, 'granted tier 0 Global Administrator (directory role, eligible (PIM))');
  assert.equal(pim!.severity, 'high', 'eligible tier 0 is tier 0');
  const perms = (a: Identity, b: Identity) =>
    types(diffIdentity(a, b, context)).filter((t) => t.startsWith('permission'));
  assert.deepEqual(perms(before, sp({ access: undefined })), [], 'access not read');
  assert.deepEqual(perms(sp({ access: undefined }), after), [], 'access read for the first time');
  assert.deepEqual(perms(before, sp({ access: [], unknown: ['access'] })), [], 'access unknown');
});

test('publisher, sign-in audience, display name and enabled are field changes with before and after', () => {
  const changes = diffIdentity(
    sp(),
    sp({
      publisher: 'third-party',
      signInAudience: 'AzureADMultipleOrgs',
      displayName: 'Sync 2',
      accountEnabled: false,
    }),
    context,
  ).filter((c) => c.type === 'identity.changed');
  assert.deepEqual(
    changes.map((c) => c.type === 'identity.changed' && [c.field, c.before, c.after, c.severity]),
    [
      ['publisher', 'own', 'third-party', 'medium'],
      ['signInAudience', 'AzureADMyOrg', 'AzureADMultipleOrgs', 'medium'],
      ['displayName', 'Sync', 'Sync 2', 'info'],
      ['accountEnabled', true, false, 'low'],
    ],
  );
  assert.equal(changes[0]!.summary, 'publisher: "own" → "third-party"');
});

test('the workload’s risk level up or down, scored at the same time, the partner as each scan saw it', () => {
  const app = identity({
    objectId: 'app-object',
    kind: 'application',
    servicePrincipalType: null,
    owners: [],
    credentials: [credential({ keyId: 'k1' })],
  });
  const quiet = sp({ access: [graphRole('User.Read.All')], credentials: [] });
  const tier0 = sp({ access: [graphRole('RoleManagement.ReadWrite.Directory')], credentials: [] });
  const up = diffIdentity(quiet, tier0, { ...context, partner: { before: app, after: app } }).find(
    (c) => c.type === 'risk.changed',
  );
  assert.ok(up?.type === 'risk.changed' && up.direction === 'up', JSON.stringify(up));
  assert.ok(up.after.score > up.before.score);
  assert.ok(['high', 'critical'].includes(up.severity));
  assert.match(up.summary, /^risk up: \w+ \(\d+\) → \w+ \(\d+\)$/);
  const down = diffIdentity(tier0, quiet, { ...context, partner: { before: app, after: app } }).find(
    (c) => c.type === 'risk.changed',
  );
  assert.ok(down?.type === 'risk.changed' && down.direction === 'down' && down.severity === 'info');
  // The same grant change without the application's credential: nothing can sign in, no level moves.
  assert.equal(
    diffIdentity(quiet, tier0, context).some((c) => c.type === 'risk.changed'),
    false,
  );
  // Access read for the first time is not a risk change, whatever the scores.
  assert.equal(
    diffIdentity(sp({ access: undefined }), tier0, { ...context, partner: { before: app, after: app } }).some(
      (c) => c.type === 'risk.changed',
    ),
    false,
  );
});
