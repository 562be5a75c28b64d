// The Graph resources an inventory scan reads, in the order their lists start.
import { applicationFederatedCredentials } from './application-federated-credentials.ts';
import { applicationOwners } from './application-owners.ts';
import { applications } from './applications.ts';
import { organization } from './organization.ts';
import { servicePrincipalOwners } from './service-principal-owners.ts';
import { servicePrincipals } from './service-principals.ts';

export {
  applicationFederatedCredentials,
  applicationOwners,
  applications,
  organization,
  servicePrincipalOwners,
  servicePrincipals,
};

/** Lists streamed as facts, dearest first so the longest chains of pages start earliest. */
export const INVENTORY_RESOURCES = [
  applicationOwners,
  applicationFederatedCredentials,
  servicePrincipalOwners,
  servicePrincipals,
  applications,
] as const;

/** Permissions a scan needs (what `integration verify` checks); Organization.Read.All is optional. */
export const REQUIRED_PERMISSIONS: readonly string[] = [
  ...new Set(INVENTORY_RESOURCES.map((r) => r.permission)),
];
export const OPTIONAL_PERMISSIONS: readonly string[] = [organization.permission];
