// What a tenant really holds, as plain JSON: the answer key that scans of the emulator are checked against.
import { writeFile } from 'node:fs/promises';
import type { KeyCredential, PasswordCredential } from '@microsoft/microsoft-graph-types';
import type { OwnerLink, TenantSize, TenantState } from './model.ts';

export interface GroundTruthSecret {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  customKeyIdentifier: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
}

export interface GroundTruthKey {
  keyId: string;
  displayName: string | null;
  type: string | null;
  usage: string | null;
  /** base64 thumbprint, as Graph's customKeyIdentifier carries it. */
  customKeyIdentifier: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
}

export interface GroundTruthFederated {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface GroundTruthApplication {
  id: string;
  appId: string;
  displayName: string;
  signInAudience: string | null;
  createdDateTime: string | null;
  passwordCredentials: GroundTruthSecret[];
  keyCredentials: GroundTruthKey[];
  federatedIdentityCredentials: GroundTruthFederated[];
  owners: OwnerLink[];
}

export interface GroundTruthServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: string;
  appOwnerOrganizationId: string | null;
  accountEnabled: boolean;
  /** Read from alternativeNames (isExplicit=True/False); null for other types. */
  managedIdentityType: 'system-assigned' | 'user-assigned' | null;
  /** Managed identities: the Azure resource id their alternativeNames carry; null for other types. */
  azureResourceId: string | null;
  /** Object id of the application registration in this tenant, if it has one. */
  applicationId: string | null;
  passwordCredentials: GroundTruthSecret[];
  keyCredentials: GroundTruthKey[];
  owners: OwnerLink[];
  grantedGraphRoles: string[];
}

export interface GroundTruthUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  accountEnabled: boolean;
  /** The mailbox address; null for a user without one. */
  mail: string | null;
}

export interface GroundTruth {
  tenantId: string;
  displayName: string;
  defaultDomain: string;
  size: TenantSize;
  counts: {
    applications: number;
    servicePrincipals: number;
    users: number;
    servicePrincipalsByType: Record<string, number>;
  };
  applications: GroundTruthApplication[];
  servicePrincipals: GroundTruthServicePrincipal[];
  users: GroundTruthUser[];
}

function secrets(list: PasswordCredential[] | undefined): GroundTruthSecret[] {
  return (list ?? []).map((p) => ({
    keyId: p.keyId ?? '',
    displayName: p.displayName ?? null,
    hint: p.hint ?? null,
    customKeyIdentifier: p.customKeyIdentifier ?? null,
    startDateTime: p.startDateTime ?? null,
    endDateTime: p.endDateTime ?? null,
  }));
}

function keys(list: KeyCredential[] | undefined): GroundTruthKey[] {
  return (list ?? []).map((k) => ({
    keyId: k.keyId ?? '',
    displayName: k.displayName ?? null,
    type: k.type ?? null,
    usage: k.usage ?? null,
    customKeyIdentifier: k.customKeyIdentifier ?? null,
    startDateTime: k.startDateTime ?? null,
    endDateTime: k.endDateTime ?? null,
  }));
}

function managedIdentityType(
  alternativeNames: string[] | undefined,
): GroundTruthServicePrincipal['managedIdentityType'] {
  if (alternativeNames?.includes('isExplicit=True')) return 'user-assigned';
  if (alternativeNames?.includes('isExplicit=False')) return 'system-assigned';
  return null;
}

export function groundTruth(tenant: TenantState): GroundTruth {
  const appObjectIdByAppId = new Map<string, string>();
  const applications: GroundTruthApplication[] = [];
  for (const { object: a, owners, federatedIdentityCredentials } of tenant.applications.values()) {
    appObjectIdByAppId.set(a.appId!, a.id!);
    applications.push({
      id: a.id!,
      appId: a.appId!,
      displayName: a.displayName ?? '',
      signInAudience: a.signInAudience ?? null,
      createdDateTime: a.createdDateTime ?? null,
      passwordCredentials: secrets(a.passwordCredentials),
      keyCredentials: keys(a.keyCredentials),
      federatedIdentityCredentials: federatedIdentityCredentials.map((f) => ({
        id: f.id!,
        name: f.name!,
        issuer: f.issuer!,
        subject: f.subject!,
        audiences: [...(f.audiences ?? [])],
      })),
      owners: owners.map((o) => ({ ...o })),
    });
  }
  const byType: Record<string, number> = {};
  const servicePrincipals: GroundTruthServicePrincipal[] = [];
  for (const { object: s, owners, grantedGraphRoles } of tenant.servicePrincipals.values()) {
    const type = s.servicePrincipalType ?? 'Application';
    byType[type] = (byType[type] ?? 0) + 1;
    servicePrincipals.push({
      id: s.id!,
      appId: s.appId!,
      displayName: s.displayName ?? '',
      servicePrincipalType: type,
      appOwnerOrganizationId: s.appOwnerOrganizationId ?? null,
      accountEnabled: s.accountEnabled !== false,
      managedIdentityType: type === 'ManagedIdentity' ? managedIdentityType(s.alternativeNames) : null,
      azureResourceId:
        type === 'ManagedIdentity'
          ? (s.alternativeNames?.find((n) => n.startsWith('/subscriptions/')) ?? null)
          : null,
      applicationId: appObjectIdByAppId.get(s.appId!) ?? null,
      passwordCredentials: secrets(s.passwordCredentials),
      keyCredentials: keys(s.keyCredentials),
      owners: owners.map((o) => ({ ...o })),
      grantedGraphRoles: [...grantedGraphRoles],
    });
  }
  const users: GroundTruthUser[] = [...tenant.users.values()].map((u) => ({
    id: u.id!,
    userPrincipalName: u.userPrincipalName ?? '',
    mail: u.mail ?? null,
    displayName: u.displayName ?? '',
    accountEnabled: u.accountEnabled !== false,
  }));
  return {
    tenantId: tenant.id,
    displayName: tenant.displayName,
    defaultDomain: tenant.defaultDomain,
    size: tenant.size,
    counts: {
      applications: applications.length,
      servicePrincipals: servicePrincipals.length,
      users: users.length,
      servicePrincipalsByType: byType,
    },
    applications,
    servicePrincipals,
    users,
  };
}

export async function writeGroundTruth(tenant: TenantState, path: string): Promise<void> {
  await writeFile(path, `${JSON.stringify(groundTruth(tenant))}\n`, 'utf8');
}
