import assert from 'node:assert/strict';
import { test } from 'node:test';
import check from './credential-expiring.ts';
import { context, credential, subject } from './test-subject.ts';

const now = new Date('2026-11-01T00:00:00Z');
const ending = (iso: string, keyId = 'k1') => credential({ keyId, endDateTime: iso });
const run = (credentials: ReturnType<typeof credential>[]) =>
  check.evaluate(subject({ credentials }), context(check.params, now));

test('a secret ending in 5 days is a high finding about that credential, within 7 days', () => {
  const outcome = run([ending('2026-11-06T00:00:00Z', 'soon'), ending('2027-06-01T00:00:00Z', 'later')]);
  assert.equal(outcome.status, 'fail');
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => [f.keyId, f.severity]),
    [['soon', 'high']],
  );
  assert.match(outcome.findings[0]!.message, /expires in 5 days \(within 7 days\), on 2026-11-06/);
});

test('within 30 but not 14 days is medium; the windows follow the params', () => {
  const outcome = run([ending('2026-11-21T00:00:00Z')]);
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings[0]!.severity, 'medium');
  assert.match(outcome.findings[0]!.message, /within 30 days/);
  const narrower = check.evaluate(
    subject({ credentials: [ending('2026-11-21T00:00:00Z')] }),
    context({ warnDays: 10, soonDays: 5, urgentDays: 2 }, now),
  );
  assert.equal(narrower.status, 'pass');
});

test('expired, far off or undated credentials are not "expiring"; no credentials is not applicable', () => {
  assert.equal(run([ending('2026-10-01T00:00:00Z'), ending('2028-01-01T00:00:00Z', 'k2')]).status, 'pass');
  assert.equal(run([credential({ endDateTime: null })]).status, 'pass');
  assert.equal(run([]).status, 'not-applicable');
  assert.equal(run([credential({ type: 'federated', endDateTime: null })]).status, 'not-applicable');
  const managed = subject({
    servicePrincipalType: 'ManagedIdentity',
    credentials: [ending('2026-11-06T00:00:00Z')],
  });
  assert.equal(check.evaluate(managed, context(check.params, now)).status, 'not-applicable');
});
