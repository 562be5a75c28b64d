// Federated credentials that trust more than one workload: a whole GitHub repository or organisation, every pull
// request, every pod of a namespace, or a claims-matching expression. Whoever can run code in any of them gets
// the app's tokens. Entra compares a plain subject exactly ("Wildcard characters aren't supported in any
// federated identity credential property value"); wildcards exist only in flexible credentials' expressions,
// which Graph returns with the subject null (MicrosoftDocs/entra-docs, docs/workload-id/).
import type { Credential } from '../inventory.ts';
import { credentialLabel, defineCheck, type FindingDraft, failWith, notApplicable } from './check.ts';

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** GitHub Actions' issuer, or an enterprise's own issuer under it (…/<enterprise>). */
function isGitHub(issuer: string | undefined): boolean {
  const url = (issuer ?? '').trim().toLowerCase().replace(/\/+$/, '');
  return url === GITHUB_ISSUER || url.startsWith(`${GITHUB_ISSUER}/`);
}

/**
 * A GitHub subject as `key:value` pairs (`repo:org/app:ref:refs/heads/main`), with the `pull_request` context
 * standing alone. Git refs and repository names cannot hold a colon, so splitting on it keeps them whole.
 */
function githubClaims(subject: string): { claims: Map<string, string>; pullRequest: boolean } {
  const tokens = subject.split(':');
  const claims = new Map<string, string>();
  let pullRequest = false;
  for (let i = 0; i < tokens.length; ) {
    const key = tokens[i]!;
    if (key === 'pull_request') {
      pullRequest = true;
      i += 1;
    } else {
      claims.set(key, tokens[i + 1] ?? '');
      i += 2;
    }
  }
  return { claims, pullRequest };
}

/**
 * A GitHub subject names a repository (or, customised, only an owner) and then what runs: a branch or tag
 * (`ref:`), an environment, a reusable workflow at a ref, or `pull_request`. Without the second part, or with
 * `pull_request`, any workflow run of it (a pull request's own code, before review) can get the app's tokens.
 */
function githubFinding(credential: Credential, subject: string): FindingDraft | null {
  const label = credentialLabel(credential);
  const { claims, pullRequest } = githubClaims(subject);
  const repo = claims.get('repo') ?? claims.get('repository') ?? claims.get('repository_id');
  if (pullRequest) {
    return {
      keyId: credential.keyId,
      severity: 'medium',
      message: `${label} trusts every pull request of ${repo ?? 'the repository'} (subject "${subject}"): a pull request's workflow can get tokens before anyone reviews it`,
    };
  }
  const pinned =
    claims.get('ref')?.startsWith('refs/') ||
    ['environment', 'job_workflow_ref', 'workflow_ref'].some((key) => claims.get(key));
  if (pinned) return null;
  if (repo) {
    return {
      keyId: credential.keyId,
      message: `${label} trusts any workflow run of repository ${repo}, on any branch, tag or pull request (subject "${subject}")`,
    };
  }
  const owner = ['repository_owner', 'repository_owner_id', 'enterprise', 'enterprise_id']
    .map((key) => claims.get(key))
    .find(Boolean);
  if (owner) {
    return {
      keyId: credential.keyId,
      message: `${label} trusts any workflow in any repository of ${owner} (subject "${subject}")`,
    };
  }
  return null;
}

function finding(credential: Credential): FindingDraft | null {
  const label = credentialLabel(credential);
  const subject = credential.subject;
  if (!subject) {
    return {
      keyId: credential.keyId,
      severity: 'medium',
      message: `${label} matches tokens from ${credential.issuer || 'its issuer'} by a claims-matching expression, not a fixed subject: review what the expression lets in`,
    };
  }
  if (subject.includes('*')) {
    return {
      keyId: credential.keyId,
      severity: 'low',
      message: `${label} has subject "${subject}", but Entra compares a subject literally (wildcards work only in a flexible credential's expression): it matches no token as written; fix or remove it`,
    };
  }
  if (isGitHub(credential.issuer)) return githubFinding(credential, subject);
  // Kubernetes: a pod that names no service account runs as its namespace's "default" one.
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject);
  if (serviceAccount?.[2] === 'default') {
    return {
      keyId: credential.keyId,
      severity: 'medium',
      message: `${label} trusts the default service account of namespace "${serviceAccount[1]}", which every pod there runs as unless given another`,
    };
  }
  return null;
}

export default defineCheck({
  id: 'federated_broad_subject',
  title: 'Federated credential trusts a broad subject',
  severity: 'high',
  rationale:
    "A federated credential should trust one workload: one repository's branch, tag or environment, one service account. One that trusts a whole repository, every pull request, an organisation or a namespace's default service account gives the app's tokens to whoever can run code in any of them.",
  remediation:
    'Narrow the subject to a protected branch, a tag or a GitHub environment with required reviewers (repo:<org>/<repo>:environment:<name>), or to a dedicated Kubernetes service account; prefer several exact credentials to one broad one. Review any claims-matching expression for wildcards.',
  params: {},
  evaluate({ identity }) {
    const federated = identity.credentials.filter((credential) => credential.type === 'federated');
    if (!federated.length) return notApplicable;
    return failWith(federated.flatMap((credential) => finding(credential) ?? []));
  },
});
