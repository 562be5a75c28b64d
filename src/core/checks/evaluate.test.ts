import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnyCheck, defineCheck, failWith, notApplicable, pass, unknown } from './check.ts';
import { createEvaluation } from './evaluate.ts';
import { credential, subject } from './test-subject.ts';

// One check that answers by the identity's display name, so each branch is driven from the test.
const byName = defineCheck({
  id: 'by_name',
  title: 'Answers by display name',
  severity: 'medium',
  rationale: 'test only',
  remediation: 'test only',
  params: { label: 'default' },
  evaluate({ identity }, { params }) {
    if (identity.displayName === 'pass') return pass;
    if (identity.displayName === 'n/a') return notApplicable;
    if (identity.displayName.startsWith('unknown')) return unknown('owners were not read');
    return failWith(
      identity.credentials.map((c) => ({
        keyId: c.keyId,
        message: `${params.label} ${c.keyId}`,
        ...(c.keyId === 'k9' ? { severity: 'critical' as const } : {}),
      })),
    );
  },
}) as AnyCheck;

test('tallies each answer, keeps each unknown reason once with its count, and names the unjudged subjects', () => {
  const evaluation = createEvaluation([byName], new Date(), { by_name: { label: 'tuned' } });
  evaluation.add(subject({ objectId: 'a', displayName: 'pass' }));
  evaluation.add(subject({ objectId: 'b', displayName: 'n/a' }));
  evaluation.add(subject({ objectId: 'c', displayName: 'unknown 1' }));
  evaluation.add(subject({ objectId: 'd', displayName: 'unknown 2' }));
  evaluation.add(
    subject({
      objectId: 'e',
      displayName: 'fails',
      credentials: [credential({ keyId: 'k1' }), credential({ keyId: 'k9' })],
    }),
  );
  const result = evaluation.result();
  assert.deepEqual(result.tallies, [
    {
      checkId: 'by_name',
      passed: 1,
      failed: 1,
      unknown: 2,
      notApplicable: 1,
      unknownReasons: [{ reason: 'owners were not read', count: 2 }],
    },
  ]);
  assert.deepEqual(result.unknownSubjects, ['by_name c', 'by_name d']);
  assert.deepEqual(
    result.findings.map((f) => [f.objectId, f.keyId, f.severity, f.message]),
    [
      ['e', 'k1', 'medium', 'tuned k1'],
      ['e', 'k9', 'critical', 'tuned k9'],
    ],
  );
});
