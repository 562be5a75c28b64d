import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Grant } from '../access.ts';
import type { Identity, Owner } from '../inventory.ts';
import type { ReachInput } from '../risk/types.ts';
import { ACCESS_NOT_READ } from '../risk/workload.ts';
import type { TierOverrides } from '../tiers/tier-table.ts';
import { isOwnerFindingKey, ownerFindingKey } from './check.ts';
import { context, identity, NO_REACH, owner, subject, TIER0 } from './test-subject.ts';
import check from './tier0-app-owner-not-tier0.ts';

const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const APP_DEVELOPER = 'cf1c38e5-3621-4004-a7cb-879624dced7c';
const role = (name: string, id: string, more: Partial<Grant> = {}): Grant => ({
  kind: 'directory-role',
  permission: name,
  permissionId: id,
  scope: '/',
  ...more,
});
const admin = role('Global Administrator', GLOBAL_ADMIN);
const developer = role('Application Developer', APP_DEVELOPER);

const application = (owners: Owner[], more: Partial<Identity> = {}) =>
  identity({ objectId: 'app-object', kind: 'application', servicePrincipalType: null, owners, ...more });
const servicePrincipal = (owners: Owner[], more: Partial<Identity> = {}) =>
  identity({ objectId: 'sp-object', owners, access: [], ...more });
const run = (of: Identity, options: { partner?: Identity; reach?: ReachInput; tiers?: TierOverrides } = {}) =>
  check.evaluate(
    {
      ...subject(of, {
        reach: options.reach ?? TIER0,
        ...(options.partner ? { partner: options.partner } : {}),
      }),
      ...(options.tiers ? { tiers: options.tiers } : {}),
    },
    context(check.params),
  );

const ana = owner({ objectId: 'ana', userPrincipalName: 'ana@contoso.com', directoryRoles: [] });
const bo = owner({
  objectId: 'bo',
  displayName: 'Bo',
  userPrincipalName: 'bo@contoso.com',
  directoryRoles: [developer],
});
const cy = owner({
  objectId: 'cy',
  displayName: 'Cy',
  userPrincipalName: 'cy@contoso.com',
  directoryRoles: [admin],
});

test('each owner below tier 0 of a tier-0 workload is a finding of its own, naming him and what he holds', () => {
  const outcome = run(application([ana, cy]), { partner: servicePrincipal([bo]) });
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => f.keyId),
    [ownerFindingKey(ana), ownerFindingKey(bo)],
  );
  assert.ok(outcome.findings.every((f) => isOwnerFindingKey(f.keyId)));
  assert.match(
    outcome.findings[0]!.message,
    /^owner Ana \(ana@contoso\.com\) holds no directory role, below tier 0/,
  );
  assert.match(outcome.findings[1]!.message, /owner Bo \(bo@contoso\.com\) holds only Application Developer/);
  assert.match(outcome.findings[1]!.message, /reaches tier 0: RoleManagement\.ReadWrite\.Directory/);
});

test('owners who hold a tier-0 role tenant-wide, active or eligible, pass', () => {
  const eligible = owner({
    objectId: 'dee',
    directoryRoles: [role('Global Administrator', GLOBAL_ADMIN, { eligible: true })],
  });
  assert.equal(run(application([cy, eligible])).status, 'pass');
});

test('a tier-0 role scoped to an administrative unit does not make the owner tier 0', () => {
  const scoped = owner({
    objectId: 'eve',
    directoryRoles: [role('Global Administrator', GLOBAL_ADMIN, { scope: '/administrativeUnits/au1' })],
  });
  const outcome = run(application([scoped]));
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings[0]!.keyId, ownerFindingKey(scoped));
});

test("the user's tier overrides apply to the owners' roles as to the reach", () => {
  const tiers: TierOverrides = {
    directoryRoles: [{ displayName: 'Application Developer', tier: 0, source: 'test', reason: 'ours' }],
  };
  assert.equal(run(application([bo]), { tiers }).status, 'pass');
  assert.equal(run(application([bo])).status, 'fail');
});

test('unknown roles or unread owners are unknown, never a pass, and hold back findings of the others', () => {
  const unread = owner({ objectId: 'fay' });
  assert.equal(unread.directoryRoles, undefined);
  const rolesUnknown = run(application([unread]));
  assert.equal(rolesUnknown.status, 'unknown');
  assert.match(
    rolesUnknown.status === 'unknown' ? rolesUnknown.reason : '',
    /directory roles of its user owners are unknown/,
  );
  // One owner known below tier 0, another unknown: unknown, so neither's earlier finding is closed as resolved.
  const mixed = run(application([ana, unread]));
  assert.ok(mixed.status === 'unknown');
  assert.match(mixed.reason, /other owners are below tier 0 already/);
  const ownersUnread = run(application([], { unknown: ['owners'] }));
  assert.ok(ownersUnread.status === 'unknown');
  assert.match(ownersUnread.reason, /owners could not be read/);
});

test('a disabled owner below tier 0 is still a path, at lower severity', () => {
  const gone = owner({ objectId: 'gus', accountEnabled: false, directoryRoles: [] });
  const outcome = run(application([gone]));
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings[0]!.severity, 'medium');
  assert.match(outcome.findings[0]!.message, /\(disabled\)/);
});

test('not concerned: no tier 0 reached, no person owning it, or the service principal row of an application', () => {
  assert.equal(run(application([ana]), { reach: NO_REACH }).status, 'not-applicable');
  const spOwner = owner({ objectId: 'sp9', kind: 'servicePrincipal', userPrincipalName: null });
  assert.equal(run(application([spOwner])).status, 'not-applicable');
  assert.equal(run(application([])).status, 'not-applicable');
  assert.equal(
    run(servicePrincipal([ana]), { partner: application([ana]) }).status,
    'not-applicable',
    'the application row carries the workload',
  );
  // A service principal without an application in the tenant carries it itself.
  assert.equal(run(servicePrincipal([ana])).status, 'fail');
});

test('what the workload reaches unknown, with a person owning it: unknown', () => {
  const outcome = run(application([ana]), { reach: { entries: [], unknown: [ACCESS_NOT_READ] } });
  assert.ok(outcome.status === 'unknown');
  assert.match(outcome.reason, /not fully known/);
});
