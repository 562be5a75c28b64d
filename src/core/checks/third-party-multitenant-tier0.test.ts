import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity } from '../inventory.ts';
import type { ReachInput } from '../risk/types.ts';
import { ACCESS_NOT_READ } from '../risk/workload.ts';
import { context, identity, NO_REACH, subject, TIER0 } from './test-subject.ts';
import check from './third-party-multitenant-tier0.ts';

const VENDOR = '9a1b2c3d-0000-4000-8000-000000000001';
const vendorApp = (overrides: Partial<Identity> = {}) =>
  identity({
    publisher: 'third-party',
    appOwnerOrganizationId: VENDOR,
    signInAudience: 'AzureADMultipleOrgs',
    owners: [],
    access: [],
    ...overrides,
  });
const run = (of: Identity, reach: ReachInput) =>
  check.evaluate(subject(of, { reach }), context(check.params));

test("a vendor's multi-tenant service principal holding tier 0 here is critical, naming rights and publisher", () => {
  const outcome = run(vendorApp(), TIER0);
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings.length, 1);
  assert.equal(check.severity, 'critical');
  assert.match(outcome.findings[0]!.message, new RegExp(`publisher tenant ${VENDOR}`));
  assert.match(outcome.findings[0]!.message, /holds tier 0 here: RoleManagement\.ReadWrite\.Directory$/);
});

test('an eligible tier-0 directory role or a tier-0 Azure role counts, said so', () => {
  const reach: ReachInput = {
    entries: [
      {
        kind: 'directory-role',
        name: 'Global Administrator',
        tier: 0,
        scope: '/',
        path: ['eligible (PIM): activate to use'],
      },
      { kind: 'azure-role', name: 'Owner', tier: 0, scope: '/subscriptions/s1', path: [] },
      { kind: 'app-permission', name: 'User.Read.All', tier: 2, path: [] },
    ],
  };
  const outcome = run(vendorApp(), reach);
  assert.ok(outcome.status === 'fail');
  assert.match(
    outcome.findings[0]!.message,
    /Global Administrator \[eligible \(PIM\): activate to use\], Owner on \/subscriptions\/s1$/,
  );
});

test('below tier 0, or nothing at all, passes', () => {
  const tier1: ReachInput = { entries: [{ kind: 'app-permission', name: 'Mail.Read', tier: 1, path: [] }] };
  assert.equal(run(vendorApp(), tier1).status, 'pass');
  assert.equal(run(vendorApp(), NO_REACH).status, 'pass');
});

test('access not read is unknown unless tier 0 is already known', () => {
  const unread: ReachInput = { entries: [], unknown: [ACCESS_NOT_READ] };
  const outcome = run(vendorApp(), unread);
  assert.ok(outcome.status === 'unknown');
  assert.match(outcome.reason, /not read yet/);
  assert.equal(run(vendorApp(), { ...TIER0, unknown: [ACCESS_NOT_READ] }).status, 'fail');
  const unclassified: ReachInput = {
    entries: [{ kind: 'app-permission', name: 'X.Custom', tier: 'unknown', path: [] }],
  };
  assert.equal(run(vendorApp(), unclassified).status, 'pass', 'an unclassified right is not tier 0');
});

test('an unknown publisher holding tier 0 may be a third party: unknown; without tier 0 it passes', () => {
  const outcome = run(vendorApp({ publisher: 'unknown', appOwnerOrganizationId: null }), TIER0);
  assert.ok(outcome.status === 'unknown');
  assert.match(outcome.reason, /publisher unknown/);
  assert.equal(
    run(vendorApp({ publisher: 'unknown', appOwnerOrganizationId: null }), NO_REACH).status,
    'pass',
  );
});

test('our own and Microsoft’s applications, and application rows, are not concerned', () => {
  assert.equal(run(vendorApp({ publisher: 'own' }), TIER0).status, 'not-applicable');
  assert.equal(run(vendorApp({ publisher: 'microsoft' }), TIER0).status, 'not-applicable');
  assert.equal(
    run(vendorApp({ kind: 'application', servicePrincipalType: null, publisher: 'own' }), TIER0).status,
    'not-applicable',
  );
});
