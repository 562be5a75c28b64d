// Who published an application, from the service principal's appOwnerOrganizationId (pure).
import type { Publisher } from './inventory.ts';

/**
 * Tenants that own Microsoft's first-party applications: the Microsoft Services tenant (documented as the
 * AppOwnerTenantId of first-party apps) and Microsoft's corporate tenant (widely observed, not documented).
 */
export const MICROSOFT_TENANT_IDS: readonly string[] = [
  'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
  '72f988bf-86f1-41af-91ab-2d7cd011db47',
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
