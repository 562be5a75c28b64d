import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential } from '../inventory.ts';
import type { Severity } from './check.ts';
import check from './federated-broad-subject.ts';
import { context, credential, subject } from './test-subject.ts';

const GITHUB = 'https://token.actions.githubusercontent.com';
const AKS = 'https://westeurope.oic.prod-aks.azure.com/0785ef7c-1111-4222-8333-944455556666/c1/';
const fic = (issuer: string, sub: string | null, keyId = 'f1'): Credential =>
  credential({
    keyId,
    type: 'federated',
    issuer,
    subject: sub,
    name: 'deploy',
    startDateTime: null,
    endDateTime: null,
  });
const run = (credentials: Credential[]) => check.evaluate(subject({ credentials }), context(check.params));

const cases: [issuer: string, subject: string | null, expected: [Severity, RegExp] | null][] = [
  // GitHub: a branch, tag, environment or reusable workflow at a ref pins what runs.
  [GITHUB, 'repo:contoso/app:ref:refs/heads/main', null],
  [GITHUB, 'repo:contoso/app:ref:refs/tags/v1', null],
  [GITHUB, 'repo:contoso/app:environment:production', null],
  [GITHUB, 'repo:contoso/app:environment:pull_request', null],
  [GITHUB, 'repo:contoso@5544123/app@821093847:ref:refs/heads/main', null],
  [GITHUB, 'job_workflow_ref:contoso/workflows/.github/workflows/deploy.yml@refs/heads/main', null],
  [
    GITHUB,
    'repo:contoso/app:pull_request',
    ['medium', /trusts every pull request of contoso\/app \(subject/],
  ],
  [
    GITHUB,
    'repo:contoso/app',
    ['high', /trusts any workflow run of repository contoso\/app, on any branch, tag or pull request/],
  ],
  [
    `${GITHUB}/contoso-enterprise/`,
    'repo:contoso/app',
    ['high', /any workflow run of repository contoso\/app/],
  ],
  [
    GITHUB,
    'repository_owner:contoso',
    ['high', /trusts any workflow in any repository of contoso \(subject "repository_owner:contoso"\)$/],
  ],
  [
    GITHUB,
    'repository_owner_id:5544123:repository_visibility:private',
    ['high', /any repository of 5544123/],
  ],
  // Entra compares subjects literally: a "*" widens nothing and matches no real token.
  [GITHUB, 'repo:contoso/*', ['low', /compares a subject literally .*: it matches no token as written/]],
  [AKS, 'system:serviceaccount:payments:*', ['low', /matches no token as written/]],
  // Kubernetes: one service account, unless it is the namespace's default.
  [AKS, 'system:serviceaccount:payments:api', null],
  [
    AKS,
    'system:serviceaccount:payments:default',
    ['medium', /default service account of namespace "payments"/],
  ],
  // A flexible credential: Graph gives its expression instead of a subject.
  [
    GITHUB,
    null,
    [
      'medium',
      new RegExp(
        `^federated credential "deploy" \\(f1\\) matches tokens from ${GITHUB} by a claims-matching expression`,
      ),
    ],
  ],
  // Other issuers' formats always name one workload; a GitHub-shaped subject elsewhere is not GitHub's.
  ['https://gitlab.com', 'project_path:contoso/app:ref_type:branch:ref:main', null],
  ['https://app.terraform.io', 'organization:contoso:project:p:workspace:w:run_phase:apply', null],
  ['https://idp.example.com', 'repo:contoso/app', null],
];

for (const [issuer, sub, expected] of cases) {
  test(`${issuer} ${sub ?? '(expression)'}: ${expected ? expected[0] : 'pass'}`, () => {
    const outcome = run([fic(issuer, sub)]);
    if (!expected) return assert.equal(outcome.status, 'pass');
    assert.ok(outcome.status === 'fail');
    assert.equal(outcome.findings.length, 1);
    const [finding] = outcome.findings;
    assert.equal(finding!.keyId, 'f1');
    assert.equal(finding!.severity ?? check.severity, expected[0]);
    assert.match(finding!.message, expected[1]);
  });
}

test('only the broad ones of several are findings; no federated credential is not applicable', () => {
  const outcome = run([
    fic(GITHUB, 'repo:contoso/app:ref:refs/heads/main', 'narrow'),
    fic(GITHUB, 'repo:contoso/app', 'broad'),
    credential({ keyId: 'secret' }),
  ]);
  assert.ok(outcome.status === 'fail');
  assert.deepEqual(
    outcome.findings.map((f) => f.keyId),
    ['broad'],
  );
  assert.equal(run([credential()]).status, 'not-applicable');
  assert.equal(run([]).status, 'not-applicable');
});
