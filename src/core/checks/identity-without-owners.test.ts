import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity } from '../inventory.ts';
import type { ReachInput } from '../risk/types.ts';
import check from './identity-without-owners.ts';
import { context, identity, owner, subject, TIER0 } from './test-subject.ts';

const application = (overrides: Partial<Identity> = {}) =>
  identity({
    objectId: 'app-object',
    kind: 'application',
    servicePrincipalType: null,
    owners: [],
    ...overrides,
  });
const servicePrincipal = (overrides: Partial<Identity> = {}) =>
  identity({ objectId: 'sp-object', owners: [], access: [], ...overrides });
const run = (of: Identity, partner?: Identity, reach?: ReachInput) =>
  check.evaluate(
    subject(of, { ...(partner ? { partner } : {}), ...(reach ? { reach } : {}) }),
    context(check.params),
  );

test('an application of our own without owners on either object fails once, on the application row', () => {
  const app = application();
  const sp = servicePrincipal();
  const outcome = run(app, sp);
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings.length, 1);
  assert.equal(outcome.findings[0]!.severity, undefined, 'medium, the check severity');
  assert.match(outcome.findings[0]!.message, /no owners on the application or its service principal/);
  assert.equal(run(sp, app).status, 'not-applicable', 'the service principal row does not repeat it');
});

test('a service principal of our own without an application here carries the finding itself', () => {
  const outcome = run(servicePrincipal());
  assert.ok(outcome.status === 'fail');
  assert.match(outcome.findings[0]!.message, /^no owners on the service principal:/);
});

test('reaching tier 0 or 1 makes it high and names what it reaches', () => {
  const outcome = run(application(), servicePrincipal(), TIER0);
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings[0]!.severity, 'high');
  assert.match(outcome.findings[0]!.message, /reaches tier 0 \(RoleManagement\.ReadWrite\.Directory\)/);
  const tier1: ReachInput = { entries: [{ kind: 'app-permission', name: 'Mail.Read', tier: 1, path: [] }] };
  const one = run(servicePrincipal(), undefined, tier1);
  assert.ok(one.status === 'fail');
  assert.equal(one.findings[0]!.severity, 'high');
  const tier2: ReachInput = {
    entries: [{ kind: 'app-permission', name: 'User.Read.All', tier: 2, path: [] }],
  };
  const two = run(servicePrincipal(), undefined, tier2);
  assert.ok(two.status === 'fail');
  assert.equal(two.findings[0]!.severity, undefined);
});

test('an owner of either object passes the workload, disabled or not (owners_all_inactive judges those)', () => {
  assert.equal(run(application(), servicePrincipal({ owners: [owner()] })).status, 'pass');
  assert.equal(
    run(application({ owners: [owner({ accountEnabled: false })] }), servicePrincipal()).status,
    'pass',
  );
  assert.equal(run(servicePrincipal({ owners: [owner()] })).status, 'pass');
});

test('owners never read are unknown, not "none"; a known owner still passes', () => {
  const outcome = run(application({ unknown: ['owners'] }), servicePrincipal());
  assert.equal(outcome.status, 'unknown');
  assert.ok(outcome.status === 'unknown');
  assert.match(outcome.reason, /owners could not be read/);
  assert.equal(run(application(), servicePrincipal({ unknown: ['owners'] })).status, 'unknown');
  assert.equal(
    run(application({ owners: [owner()] }), servicePrincipal({ unknown: ['owners'] })).status,
    'pass',
  );
});

test('an unknown publisher without owners is unknown: it may not be ours', () => {
  const outcome = run(servicePrincipal({ publisher: 'unknown', appOwnerOrganizationId: null }));
  assert.equal(outcome.status, 'unknown');
});

test("Microsoft's, third parties' and managed identities have no owners by design: not applicable", () => {
  assert.equal(run(servicePrincipal({ publisher: 'microsoft' })).status, 'not-applicable');
  assert.equal(run(servicePrincipal({ publisher: 'third-party' })).status, 'not-applicable');
  const managed = servicePrincipal({
    servicePrincipalType: 'ManagedIdentity',
    managedIdentityType: 'system-assigned',
  });
  assert.equal(run(managed).status, 'not-applicable');
});
