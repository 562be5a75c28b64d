// Credentials nobody signs in with: each is a way in that nothing needs, still valid for whoever finds it.
// Last use comes in three states; "unknown" (no sign-in data) is never read as "unused".
import type { Credential, Identity } from '../inventory.ts';
import { isManagedIdentity } from '../risk/identity-factors.ts';
import type { LastUse } from '../risk/types.ts';
import {
  credentialLabel,
  defineCheck,
  type FindingDraft,
  failWith,
  notApplicable,
  pass,
  unknown,
} from './check.ts';
import { isExpired, samlSigningKeyIds } from './credential-expired.ts';

const DAY_MS = 86_400_000;

type Verdict = { finding: FindingDraft } | { unknown: string } | null;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const daysAgo = (ms: number, now: Date) => Math.floor((now.getTime() - ms) / DAY_MS);
const plural = (days: number) => `${days} day${days === 1 ? '' : 's'}`;

/** Credentials of a multi-tenant application sign in to other tenants too, whose logs Lanyard never reads. */
function signsInElsewhere(identity: Identity, credential: Credential): boolean {
  return (
    identity.kind === 'application' &&
    credential.location === 'application' &&
    (identity.signInAudience ?? 'AzureADMyOrg') !== 'AzureADMyOrg'
  );
}

const otherTenants = (label: string) =>
  `whether ${label} is used: it belongs to a multi-tenant application, which signs in to other tenants whose sign-ins Lanyard does not see`;

function verdict(
  credential: Credential,
  lastUse: LastUse,
  identity: Identity,
  now: Date,
  unusedDays: number,
): Verdict {
  const label = credentialLabel(credential);
  if (lastUse.state === 'unknown') return { unknown: `last use unknown: ${lastUse.reason}` };
  const elsewhere = signsInElsewhere(identity, credential);
  if (lastUse.state === 'used') {
    const at = Date.parse(lastUse.at);
    if (Number.isNaN(at)) return { unknown: `last use unknown: unreadable date "${lastUse.at}"` };
    const days = daysAgo(at, now);
    if (days < unusedDays) return null;
    if (elsewhere) return { unknown: otherTenants(label) };
    return {
      finding: {
        keyId: credential.keyId,
        message: `${label} was last used ${plural(days)} ago, on ${day(at)}`,
      },
    };
  }
  const monitoredSince = Date.parse(lastUse.monitoredSince);
  if (Number.isNaN(monitoredSince)) {
    return { unknown: `last use unknown: unreadable date "${lastUse.monitoredSince}"` };
  }
  // Watched since before the credential existed: never seen means never used at all.
  const start = Date.parse(credential.startDateTime ?? '');
  const sinceCreation = !Number.isNaN(start) && start >= monitoredSince;
  const since = sinceCreation ? start : monitoredSince;
  const days = daysAgo(since, now);
  if (days < unusedDays) return null;
  if (elsewhere) return { unknown: otherTenants(label) };
  return {
    finding: {
      keyId: credential.keyId,
      message: sinceCreation
        ? `${label} has never been used since it was created on ${day(since)} (${plural(days)} ago)`
        : `${label} has not been used since Lanyard began watching on ${day(since)} (${plural(days)} ago)`,
    },
  };
}

export default defineCheck({
  id: 'credential_unused',
  title: 'Unused credential',
  severity: 'medium',
  rationale:
    'A secret, certificate or federated credential that nothing signs in with is a way in that nobody would miss and nobody watches. Microsoft Entra recommendations flag credentials unused for 30 days and applications unused for 90 (staleAppCreds, staleApps).',
  remediation:
    'Confirm with the owner that nothing uses it, then remove it. If the whole application is unused, disable its service principal and remove it after a grace period.',
  params: { unusedDays: 90 },
  evaluate(subject, { now, params }) {
    const { identity } = subject;
    // A managed identity's key is Azure's (risk scoring leaves it out too), and its federated credentials are
    // keyed by ARM resource id, which the sign-in logs may not name: "never seen" would not be trustworthy.
    if (isManagedIdentity(identity)) return notApplicable;
    const saml = samlSigningKeyIds(identity);
    // Expired credentials can no longer sign in: credential_expired covers them.
    const credentials = identity.credentials.filter(
      (credential) => !saml.has(credential.keyId) && !isExpired(credential, now),
    );
    if (!credentials.length) return notApplicable;
    const findings: FindingDraft[] = [];
    const unknowns = new Set<string>();
    for (const credential of credentials) {
      const result = verdict(credential, subject.lastUseOf(credential), identity, now, params.unusedDays);
      if (result && 'finding' in result) findings.push(result.finding);
      else if (result) unknowns.add(result.unknown);
    }
    // A credential found unused is worth acting on even while others' last use is unknown.
    if (findings.length) return failWith(findings);
    return unknowns.size ? unknown([...unknowns].join('; ')) : pass;
  },
});
