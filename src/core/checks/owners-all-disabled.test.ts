import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity } from '../inventory.ts';
import check from './owners-all-disabled.ts';
import { context, identity, owner, subject } from './test-subject.ts';

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
const run = (of: Identity, partner?: Identity) =>
  check.evaluate(subject(of, partner ? { partner } : {}), context(check.params));

const gone = owner({ objectId: 'ana', accountEnabled: false });
const goneToo = owner({ objectId: 'bo', userPrincipalName: 'bo@contoso.com', accountEnabled: false });
const active = owner({ objectId: 'cy', userPrincipalName: 'cy@contoso.com' });
const unreadable = owner({
  objectId: 'dee',
  displayName: null,
  userPrincipalName: null,
  accountEnabled: null,
  readable: false,
});

test('every owner of the workload disabled fails once, on the application row, naming them', () => {
  const app = application({ owners: [gone] });
  const sp = servicePrincipal({ owners: [goneToo] });
  const outcome = run(app, sp);
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings.length, 1);
  assert.match(
    outcome.findings[0]!.message,
    /all 2 owners \(ana@contoso\.com, bo@contoso\.com\) are disabled/,
  );
  assert.equal(run(sp, app).status, 'not-applicable', 'the service principal row does not repeat it');
  const alone = run(servicePrincipal({ owners: [gone] }));
  assert.ok(alone.status === 'fail', 'a service principal without an application here carries it');
  assert.match(alone.findings[0]!.message, /its only owner, ana@contoso\.com, is a disabled account/);
});

test('one active owner on either object passes', () => {
  assert.equal(run(application({ owners: [gone] }), servicePrincipal({ owners: [active] })).status, 'pass');
  assert.equal(run(application({ owners: [gone, active, unreadable] })).status, 'pass');
});

test('an unreadable owner or one without account state is unknown, never disabled nor active', () => {
  const outcome = run(application({ owners: [gone, unreadable] }));
  assert.equal(outcome.status, 'unknown');
  assert.ok(outcome.status === 'unknown');
  assert.match(outcome.reason, /could not be read/);
  assert.equal(run(application({ owners: [owner({ accountEnabled: null })] })).status, 'unknown');
});

test('owners never read are unknown unless an active owner is known', () => {
  assert.equal(
    run(application({ owners: [gone] }), servicePrincipal({ unknown: ['owners'] })).status,
    'unknown',
  );
  assert.equal(run(application({ unknown: ['owners'] })).status, 'unknown');
  assert.equal(
    run(application({ owners: [active] }), servicePrincipal({ unknown: ['owners'] })).status,
    'pass',
  );
});

test('no owners at all is identity_without_owners, not this; Microsoft and managed identities are not concerned', () => {
  assert.equal(run(application(), servicePrincipal()).status, 'not-applicable');
  assert.equal(run(servicePrincipal({ publisher: 'microsoft', owners: [gone] })).status, 'not-applicable');
  const managed = servicePrincipal({
    servicePrincipalType: 'ManagedIdentity',
    managedIdentityType: 'user-assigned',
  });
  assert.equal(run(managed).status, 'not-applicable');
});

test("a third party's service principal whose owners here are all disabled fails too (owners could add credentials)", () => {
  assert.equal(run(servicePrincipal({ publisher: 'third-party', owners: [gone] })).status, 'fail');
});
