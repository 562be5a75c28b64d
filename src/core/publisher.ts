// Who published an application, from the service principal's appOwnerOrganizationId (pure).
import type { Publisher } from './inventory.ts';

/**
 * Tenants that own Microsoft's first-party applications, as appOwnerOrganizationId shows them. Only the first
 * is documented by Microsoft; the others are what peer tools treat as first-party (sources in
 * reference/risk-and-controls.md §0 and microsoft-cloud-facts.md §10). Missing one makes a Microsoft app
 * look third-party, which is the louder mistake, so every id a reference names is here. Lower case: compared so.
 */
export const MICROSOFT_TENANT_IDS: readonly string[] = [
  // Microsoft Services: "the Microsoft Service's AAD tenant ID", the AppOwnerTenantId of first-party apps
  // (Microsoft support article verify-first-party-apps-sign-in.md; Zero Trust Assessment tests 21774/21896).
  'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
  // Microsoft's corporate tenant: first-party in Prowler (providers/m365/services/entra/entra_service.py) and
  // several scripts; no Microsoft document says so (UNCONFIRMED).
  '72f988bf-86f1-41af-91ab-2d7cd011db47',
  // Two more first-party owner tenants in CompassSecurity/EntraFalcon; not in Microsoft docs (UNCONFIRMED).
  '33e01921-4d64-4f8c-a055-5bdaffd5e33d',
  'cdc5aeea-15c5-4db6-b079-fcadd2505dc2',
];

/**
 * Classifies a service principal's publisher; application objects are always our own (`'own'`). A managed
 * identity is a resource of our own subscriptions: its appOwnerOrganizationId names the Microsoft service
 * that projects it, not who controls it, so it counts as ours.
 */
export function classifyPublisher(
  appOwnerOrganizationId: string | null | undefined,
  ownTenantId: string,
  servicePrincipalType?: string | null,
): Publisher {
  if (servicePrincipalType === 'ManagedIdentity') return 'own';
  if (!appOwnerOrganizationId) return 'unknown';
  const owner = appOwnerOrganizationId.toLowerCase();
  if (owner === ownTenantId.toLowerCase()) return 'own';
  if (MICROSOFT_TENANT_IDS.includes(owner)) return 'microsoft';
  return 'third-party';
}
