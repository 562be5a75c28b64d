import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Grant } from '../access.ts';
import type { Identity } from '../inventory.ts';
import type { ReachInput } from '../risk/types.ts';
import { ACCESS_NOT_READ } from '../risk/workload.ts';
import check from './managed-identity-subscription-owner.ts';
import { context, identity, subject } from './test-subject.ts';

const SUB = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const OWNER_ID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const managed = (access: Grant[] | undefined, overrides: Partial<Identity> = {}) =>
  identity({
    servicePrincipalType: 'ManagedIdentity',
    managedIdentityType: 'user-assigned',
    owners: [],
    ...(access ? { access } : {}),
    ...overrides,
  });
const role = (permission: string, scope: string, permissionId?: string): Grant => ({
  kind: 'azure-role',
  permission,
  ...(permissionId ? { permissionId } : {}),
  scope,
});
const run = (of: Identity, reach?: ReachInput) =>
  check.evaluate(subject(of, reach ? { reach } : {}), context(check.params));

test('Owner on a subscription fails, by role definition id whatever its displayed name', () => {
  const outcome = run(managed([role('Owner', SUB, OWNER_ID)]));
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings.length, 1);
  assert.match(outcome.findings[0]!.message, new RegExp(`^holds Owner on subscription ${SUB}:`));
  const byFullId = run(
    managed([role(OWNER_ID, SUB, `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${OWNER_ID}`)]),
  );
  assert.ok(byFullId.status === 'fail', 'a role whose name was unreadable is known by its id');
  assert.match(byFullId.findings[0]!.message, /holds Owner on/);
});

test('User Access Administrator at the root and RBAC Administrator on a management group fail, case-insensitively', () => {
  const outcome = run(
    managed([
      role('user access administrator', '/'),
      role(
        'Role Based Access Control Administrator',
        '/providers/microsoft.management/MANAGEMENTGROUPS/platform',
      ),
      role('Reader', SUB),
    ]),
  );
  assert.ok(outcome.status === 'fail');
  assert.match(outcome.findings[0]!.message, /User Access Administrator on the root scope \(\/\)/);
  assert.match(outcome.findings[0]!.message, /Role Based Access Control Administrator on management group/);
  assert.doesNotMatch(outcome.findings[0]!.message, /Reader/);
});

test('the same role from access and from reach is said once; reach alone is enough', () => {
  const reach: ReachInput = {
    entries: [{ kind: 'azure-role', name: 'Owner', tier: 0, scope: `${SUB}/`, path: [] }],
  };
  const both = run(managed([role('Owner', SUB, OWNER_ID)]), reach);
  assert.ok(both.status === 'fail');
  assert.equal(both.findings[0]!.message.match(/Owner/g)?.length, 1);
  assert.equal(run(managed(undefined), reach).status, 'fail', 'decisive even with access unread');
});

test('below a subscription, or another role, passes', () => {
  assert.equal(run(managed([role('Owner', `${SUB}/resourceGroups/rg1`, OWNER_ID)])).status, 'pass');
  assert.equal(
    run(managed([role('Owner', `${SUB}/resourceGroups/rg1/providers/Microsoft.Web/sites/app`)])).status,
    'pass',
  );
  assert.equal(run(managed([role('Contributor', SUB)])).status, 'pass');
  assert.equal(run(managed([])).status, 'pass');
});

test('access not read, or read incompletely, is unknown', () => {
  const outcome = run(managed(undefined));
  assert.ok(outcome.status === 'unknown');
  assert.match(outcome.reason, /not read yet/);
  assert.equal(run(managed([], { unknown: ['access'] })).status, 'unknown');
  assert.equal(run(managed([]), { entries: [], unknown: [ACCESS_NOT_READ] }).status, 'unknown');
});

test('only managed identities are concerned', () => {
  assert.equal(run(identity({ access: [role('Owner', SUB, OWNER_ID)] })).status, 'not-applicable');
  assert.equal(
    run(identity({ kind: 'application', servicePrincipalType: null, access: [role('Owner', SUB)] })).status,
    'not-applicable',
  );
});
