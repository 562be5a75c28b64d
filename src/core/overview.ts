// The first things a new user should see about an inventory: what exists and what needs attention now.

import type { Credential, Identity } from './inventory.ts';
import { expiresWithin, identityType, isExpired, isOwnerless } from './inventory-query.ts';

const DAY = 86_400_000;
/** Entra's portal caps secrets at 24 months; anything ending further out was made to outlive its owners. */
export const LONG_LIVED_AFTER_MS = 2 * 365 * DAY;

export interface CredentialRef {
  identity: Identity;
  credential: Credential;
}

export interface Overview {
  totals: {
    applications: number;
    servicePrincipals: number;
    managedIdentities: number;
    secrets: number;
    certificates: number;
    federated: number;
  };
  expired: CredentialRef[];
  /** Expiring within 7, 14 and 30 days (each window includes the shorter ones). */
  expiring: { days7: CredentialRef[]; days14: CredentialRef[]; days30: CredentialRef[] };
  /** Our own applications with no owner: nobody to ask before rotating or deleting them. */
  ownerlessApplications: Identity[];
  /** Secrets ending more than two years from now. */
  longLivedSecrets: CredentialRef[];
}

export function buildOverview(identities: Identity[], now: number): Overview {
  const overview: Overview = {
    totals: {
      applications: 0,
      servicePrincipals: 0,
      managedIdentities: 0,
      secrets: 0,
      certificates: 0,
      federated: 0,
    },
    expired: [],
    expiring: { days7: [], days14: [], days30: [] },
    ownerlessApplications: [],
    longLivedSecrets: [],
  };
  for (const identity of identities) {
    const type = identityType(identity);
    if (type === 'application') overview.totals.applications++;
    else if (type === 'managed-identity') overview.totals.managedIdentities++;
    else overview.totals.servicePrincipals++;
    if (identity.kind === 'application' && isOwnerless(identity))
      overview.ownerlessApplications.push(identity);
    for (const credential of identity.credentials) {
      const ref = { identity, credential };
      if (credential.type === 'secret') overview.totals.secrets++;
      else if (credential.type === 'certificate') overview.totals.certificates++;
      else overview.totals.federated++;
      if (credential.type === 'federated') continue;
      if (isExpired(credential, now)) overview.expired.push(ref);
      if (expiresWithin(credential, now, 7 * DAY)) overview.expiring.days7.push(ref);
      if (expiresWithin(credential, now, 14 * DAY)) overview.expiring.days14.push(ref);
      if (expiresWithin(credential, now, 30 * DAY)) overview.expiring.days30.push(ref);
      const end = credential.endDateTime ? Date.parse(credential.endDateTime) : Number.POSITIVE_INFINITY;
      if (credential.type === 'secret' && end > now + LONG_LIVED_AFTER_MS)
        overview.longLivedSecrets.push(ref);
    }
  }
  return overview;
}
