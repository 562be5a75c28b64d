import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity } from '../inventory.ts';
import type { LastUse } from '../risk/types.ts';
import check from './service-principal-inactive.ts';
import { context, subject, TIER0 } from './test-subject.ts';

const now = new Date('2026-11-01T00:00:00Z');
const run = (identityLastUse: LastUse, overrides: Partial<Identity> = {}, params = check.params) =>
  check.evaluate(subject(overrides, { identityLastUse }), context(params, now));
const used = (at: string): LastUse => ({ state: 'used', at });
const notSeen = (monitoredSince: string): LastUse => ({ state: 'not-seen', monitoredSince });

test('last signed in more than 90 days ago fails with the date', () => {
  const outcome = run(used('2026-07-01T12:00:00Z'));
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings.length, 1);
  assert.equal(outcome.findings[0]!.keyId, undefined, 'about the identity');
  assert.match(
    outcome.findings[0]!.message,
    /no sign-in for 122 days \(the last on 2026-07-01; threshold 90 days\)/,
  );
});

test('signed in within the window passes; the window follows the param', () => {
  assert.equal(run(used('2026-09-01T00:00:00Z')).status, 'pass');
  assert.equal(run(used('2026-09-01T00:00:00Z'), {}, { inactiveDays: 30 }).status, 'fail');
});

test('never seen fails only after a watch of the full window, counted from creation when later', () => {
  const watched = run(notSeen('2026-01-01T00:00:00Z'), { createdDateTime: '2023-01-01T00:00:00Z' });
  assert.ok(watched.status === 'fail');
  assert.match(
    watched.findings[0]!.message,
    /no sign-in seen in the 304 days Lanyard has watched it \(since 2026-01-01/,
  );
  assert.equal(run(notSeen('2026-09-01T00:00:00Z')).status, 'pass', 'a 61-day watch proves nothing yet');
  assert.equal(
    run(notSeen('2026-01-01T00:00:00Z'), { createdDateTime: '2026-10-01T00:00:00Z' }).status,
    'pass',
    'created 31 days ago: too young to call inactive (Entra staleApps skips apps under 90 days)',
  );
  const old = run(notSeen('2026-01-01T00:00:00Z'), { createdDateTime: '2026-03-01T00:00:00Z' });
  assert.ok(old.status === 'fail');
  assert.match(old.findings[0]!.message, /since 2026-03-01/);
});

test('unknown sign-in activity is unknown, never inactive', () => {
  const outcome = run({ state: 'unknown', reason: 'the tenant has no Entra ID P1 licence' });
  assert.ok(outcome.status === 'unknown');
  assert.match(outcome.reason, /sign-in activity unknown: the tenant has no Entra ID P1 licence/);
  assert.equal(run(used('not a date')).status, 'unknown');
});

test('dormant yet reaching tier 0 is high', () => {
  const outcome = check.evaluate(
    subject({}, { identityLastUse: used('2026-01-01T00:00:00Z'), reach: TIER0 }),
    context(check.params, now),
  );
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings[0]!.severity, 'high');
  assert.match(outcome.findings[0]!.message, /still reaches tier 0 \(RoleManagement\.ReadWrite\.Directory\)/);
});

test('the service principal row carries it; Microsoft, managed identities and disabled ones are not concerned', () => {
  const stale = used('2025-01-01T00:00:00Z');
  assert.equal(run(stale, { kind: 'application', servicePrincipalType: null }).status, 'not-applicable');
  assert.equal(run(stale, { publisher: 'microsoft' }).status, 'not-applicable');
  assert.equal(
    run(stale, { servicePrincipalType: 'ManagedIdentity', managedIdentityType: 'system-assigned' }).status,
    'not-applicable',
  );
  assert.equal(run(stale, { accountEnabled: false }).status, 'not-applicable');
  assert.equal(run(stale, { publisher: 'third-party' }).status, 'fail', "a third party's app counts");
});
