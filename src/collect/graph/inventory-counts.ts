// Tallies what a scan found, fact by fact, keeping only ids of distinct owners (not the facts themselves).
import type { IdentityFact } from '../../core/facts.ts';

/** Flat counts (a Record, so the scan record can store them as they are). */
export type InventoryCounts = {
  applications: number;
  servicePrincipals: number;
  managedIdentitiesSystemAssigned: number;
  managedIdentitiesUserAssigned: number;
  clientSecrets: number;
  certificates: number;
  federatedCredentials: number;
  /** Distinct users and service principals that own at least one application or service principal. */
  owners: number;
} & { [byType: `servicePrincipals.${string}`]: number };

export function createCounter() {
  const counts: InventoryCounts = {
    applications: 0,
    servicePrincipals: 0,
    managedIdentitiesSystemAssigned: 0,
    managedIdentitiesUserAssigned: 0,
    clientSecrets: 0,
    certificates: 0,
    federatedCredentials: 0,
    owners: 0,
  };
  const owners = new Set<string>();
  return {
    add(facts: IdentityFact[]): void {
      for (const fact of facts) {
        if (fact.aspect === 'identity') {
          const { identity } = fact;
          if (identity.kind === 'application') counts.applications += 1;
          else {
            counts.servicePrincipals += 1;
            const key = `servicePrincipals.${identity.servicePrincipalType ?? 'unknown'}` as const;
            counts[key] = (counts[key] ?? 0) + 1;
            if (identity.managedIdentityType === 'system-assigned')
              counts.managedIdentitiesSystemAssigned += 1;
            if (identity.managedIdentityType === 'user-assigned') counts.managedIdentitiesUserAssigned += 1;
          }
          for (const c of identity.credentials) {
            if (c.type === 'secret') counts.clientSecrets += 1;
            else if (c.type === 'certificate') counts.certificates += 1;
          }
        } else if (fact.aspect === 'federated') {
          counts.federatedCredentials += fact.credentials.length;
        } else if (fact.aspect === 'owners') {
          for (const o of fact.owners) owners.add(o.objectId);
          counts.owners = owners.size;
        }
      }
    },
    counts: (): InventoryCounts => ({ ...counts }),
  };
}
