import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity } from '../inventory.ts';
import type { ConditionalAccessPolicy, WorkloadProtection } from '../protection.ts';
import type { Reach, ReachInput } from '../risk/types.ts';
import check from './privileged-without-conditional-access.ts';
import { context, NO_REACH, subject, TENANT_ID, TIER0 } from './test-subject.ts';

const policy = (overrides: Partial<ConditionalAccessPolicy> = {}): ConditionalAccessPolicy => ({
  id: 'p1',
  displayName: 'Block workloads outside office',
  state: 'enabled',
  includeServicePrincipals: ['ServicePrincipalsInMyTenant'],
  excludeServicePrincipals: [],
  servicePrincipalFilter: null,
  ...overrides,
});
const read = (...policies: ConditionalAccessPolicy[]): WorkloadProtection => ({
  conditionalAccess: { policies },
  risk: null,
});
const TIER1: ReachInput = {
  entries: [{ kind: 'app-permission', name: 'Mail.Read', tier: 1, path: [] } satisfies Reach],
};
const run = (protection: WorkloadProtection, reach: ReachInput = TIER0, of: Partial<Identity> = {}) =>
  check.evaluate(subject({ objectId: 'sp1', ...of }, { reach, protection }), context(check.params));

test('covered by an enabled policy, by id or by every service principal of the tenant: pass', () => {
  assert.deepEqual(run(read(policy())), { status: 'pass' });
  assert.deepEqual(run(read(policy({ includeServicePrincipals: ['SP1'] }))), { status: 'pass' });
});

test('no enabled policy covers it: a finding, high at tier 0, medium at tier 1, report-only named', () => {
  const cases: [string, WorkloadProtection, ReachInput, string][] = [
    ['no policies', read(), TIER0, 'high'],
    ['excluded by id', read(policy({ excludeServicePrincipals: ['sp1'] })), TIER0, 'high'],
    ['another principal only', read(policy({ includeServicePrincipals: ['sp2'] })), TIER1, 'medium'],
    ['disabled', read(policy({ state: 'disabled' })), TIER0, 'high'],
    ['report-only', read(policy({ state: 'enabledForReportingButNotEnforced' })), TIER0, 'high'],
  ];
  for (const [name, protection, reach, severity] of cases) {
    const outcome = run(protection, reach);
    assert.equal(outcome.status, 'fail', name);
    if (outcome.status !== 'fail') continue;
    assert.equal(outcome.findings[0]!.severity, severity, name);
    assert.match(outcome.findings[0]!.message, /no enabled Conditional Access policy covers it/, name);
  }
  const reportOnly = run(read(policy({ state: 'enabledForReportingButNotEnforced' })));
  assert.ok(reportOnly.status === 'fail');
  assert.match(
    reportOnly.findings[0]!.message,
    /report-only, enforcing nothing: "Block workloads outside office"/,
  );
});

test('policies never read: unknown, never a pass', () => {
  const outcome = run({ conditionalAccess: null, risk: null });
  assert.equal(outcome.status, 'unknown');
});

test('a custom security attribute filter decides: unknown', () => {
  assert.equal(run(read(policy({ servicePrincipalFilter: 'exclude' }))).status, 'unknown');
  assert.equal(
    run(read(policy({ includeServicePrincipals: [], servicePrincipalFilter: 'include' }))).status,
    'unknown',
  );
  // An excluded principal stays excluded whatever the filter says.
  assert.equal(
    run(read(policy({ excludeServicePrincipals: ['sp1'], servicePrincipalFilter: 'include' }))).status,
    'fail',
  );
});

test('not privileged, managed identities, other tenants and multi-tenant apps are not concerned', () => {
  assert.equal(run(read(), NO_REACH).status, 'not-applicable');
  assert.equal(run(read(), TIER0, { servicePrincipalType: 'ManagedIdentity' }).status, 'not-applicable');
  assert.equal(run(read(), TIER0, { appOwnerOrganizationId: 'another-tenant' }).status, 'not-applicable');
  assert.equal(run(read(), TIER0, { signInAudience: 'AzureADMultipleOrgs' }).status, 'not-applicable');
  assert.equal(run(read(), TIER0, { kind: 'application' }).status, 'not-applicable');
  assert.equal(run(read(), TIER0, { appOwnerOrganizationId: TENANT_ID.toUpperCase() }).status, 'fail');
});

test('access not read: whether it is privileged is unknown', () => {
  const outcome = run(read(), { entries: [], unknown: ['access was never read'] });
  assert.equal(outcome.status, 'unknown');
});
