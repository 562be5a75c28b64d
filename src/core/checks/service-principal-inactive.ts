// Service principals nobody signs in as: the guide's inactive service-principal detection (no sign-in for 90 days)
// and Entra's "Remove unused applications" recommendation (staleApps, risk-and-controls.md §2.5). A dormant
// identity keeps its permissions and credentials, and an attacker who finds one is noticed by nobody (Midnight
// Blizzard went through a forgotten test application, §5 C). Like staleApps it leaves out Microsoft's
// applications, managed identities (their lifecycle is their Azure resource's, and Entra keeps their sign-ins in
// a log of their own) and identities younger than the window; disabled ones cannot sign in and are not concerned.
// The service principal row carries it: only a service principal signs in, and last use is the workload's.
import { isManagedIdentity } from '../risk/identity-factors.ts';
import type { LastUse } from '../risk/types.ts';
import { defineCheck, type FindingDraft, failWith, notApplicable, pass, unknown } from './check.ts';

const DAY_MS = 86_400_000;

/** The watch that vouches for "not seen": from when Lanyard began watching, or from creation if later. */
function watchedSince(
  lastUse: Extract<LastUse, { state: 'not-seen' }>,
  createdDateTime: string | null,
): string {
  const created = createdDateTime ? Date.parse(createdDateTime) : Number.NaN;
  return !Number.isNaN(created) && created > Date.parse(lastUse.monitoredSince)
    ? createdDateTime!
    : lastUse.monitoredSince;
}

export default defineCheck({
  id: 'service_principal_inactive',
  title: 'Service principal not signed in for a long time',
  severity: 'medium',
  rationale:
    'A service principal unused for months still holds its permissions and credentials: nobody would miss it if removed, and nobody would notice an attacker using it.',
  remediation:
    'Confirm with its owners that nothing depends on it, then disable the service principal, remove its credentials and permissions, and delete it (with its application) after a grace period.',
  params: { inactiveDays: 90 },
  evaluate({ identity, identityLastUse, reach }, { now, params }) {
    if (identity.kind !== 'servicePrincipal') return notApplicable;
    if (identity.publisher === 'microsoft' || isManagedIdentity(identity)) return notApplicable;
    if (identity.accountEnabled === false) return notApplicable;
    const lastUse = identityLastUse;
    if (lastUse.state === 'unknown') return unknown(`sign-in activity unknown: ${lastUse.reason}`);
    const since = lastUse.state === 'used' ? lastUse.at : watchedSince(lastUse, identity.createdDateTime);
    const from = Date.parse(since);
    if (Number.isNaN(from)) return unknown('sign-in activity unknown: its date could not be read');
    const days = Math.floor((now.getTime() - from) / DAY_MS);
    if (days < params.inactiveDays) return pass;
    const message =
      lastUse.state === 'used'
        ? `no sign-in for ${days} days (the last on ${since.slice(0, 10)}; threshold ${params.inactiveDays} days)`
        : `no sign-in seen in the ${days} days Lanyard has watched it (since ${since.slice(0, 10)}; threshold ${params.inactiveDays} days)`;
    // A dormant identity that still reaches tier 0 is the forgotten door of §5 C: more urgent.
    const tier0 = reach.entries.filter((entry) => entry.tier === 0).map((entry) => entry.name);
    const finding: FindingDraft = tier0.length
      ? {
          severity: 'high',
          message: `${message}, yet it still reaches tier 0 (${tier0.slice(0, 3).join(', ')}${tier0.length > 3 ? ` and ${tier0.length - 3} more` : ''})`,
        }
      : { message };
    return failWith([finding]);
  },
});
