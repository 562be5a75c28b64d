// What a tenant grants and what it remembers of sign-ins, beside its directory objects: app-role assignments
// to resources other than Microsoft Graph, delegated permission grants, directory role assignments, eligible
// (PIM) directory roles and the generated sign-in history. Graph app roles are not stored here: they are derived from each service
// principal's grantedGraphRoles, the same list its access tokens carry (emulator/tenant/access-views.ts).

/** Entra ID licence of the tenant. 'none' is Entra ID Free. */
export type TenantLicence = 'none' | 'p1' | 'p2';

export const DEFAULT_LICENCE: TenantLicence = 'p2';

/** Sign-in log retention in days by licence (facts §6.5: Free 7, P1 30, P2 30). */
export const SIGN_IN_RETENTION_DAYS: Record<TenantLicence, number> = { none: 7, p1: 30, p2: 30 };

/**
 * The app role id Graph uses when a principal is assigned to a resource that declares no app roles
 * (appRoleAssignment resource page, microsoft-graph-docs-contrib approleassignment.md).
 */
export const DEFAULT_APP_ROLE_ID = '00000000-0000-0000-0000-000000000000';

/** An appRoleAssignment as stored; display names are read from the principal and resource when served. */
export interface StoredAppRoleAssignment {
  id: string;
  appRoleId: string;
  principalId: string;
  principalType: 'User' | 'ServicePrincipal';
  /** Object id of the resource service principal. */
  resourceId: string;
  createdDateTime: string;
}

export interface StoredPermissionGrant {
  id: string;
  /** Object id of the client service principal. */
  clientId: string;
  consentType: 'AllPrincipals' | 'Principal';
  /** The consenting user for 'Principal'; null for 'AllPrincipals'. */
  principalId: string | null;
  resourceId: string;
  /** Space-separated, as Graph returns it (facts §5.7). */
  scope: string;
}

export interface StoredRoleAssignment {
  id: string;
  principalId: string;
  principalKind: 'user' | 'servicePrincipal';
  /** Built-in roles: the role's templateId, which is also its id. */
  roleDefinitionId: string;
  /** "/" (tenant), "/administrativeUnits/{id}" or "/{applicationObjectId}" (facts §5.8). */
  directoryScopeId: string;
}

/**
 * An eligible directory role (PIM): the principal may activate it. Stored as its current
 * unifiedRoleEligibilityScheduleInstance (DC `unifiedroleeligibilityscheduleinstance.md`).
 */
export interface StoredRoleEligibility {
  /** base64url(role ‖ principal GUID bytes) + "-1-e" (access-ids.ts). */
  id: string;
  principalId: string;
  principalKind: 'user' | 'servicePrincipal';
  roleDefinitionId: string;
  /** As for assignments: "/", "/administrativeUnits/{id}" or "/{applicationObjectId}". */
  directoryScopeId: string;
  /** ISO with milliseconds, as DC's example. */
  startDateTime: string;
  /** Midnight UTC, or null for a permanent eligibility. */
  endDateTime: string | null;
  /** Only direct eligibilities are generated (Graph also knows 'Inherited' and 'Group'). */
  memberType: 'Direct';
  roleEligibilityScheduleId: string;
}

export type SignInCredentialType =
  | 'clientSecret'
  | 'certificate'
  | 'federatedIdentityCredential'
  | 'managedIdentity';

/** One generated sign-in of a service principal or managed identity (successful unless errorCode > 0). */
export interface SignInEvent {
  /** Position in the generated history; the sign-in's id is derived from it. */
  seq: number;
  time: number;
  servicePrincipalId: string;
  appId: string;
  kind: 'servicePrincipal' | 'managedIdentity';
  credentialType: SignInCredentialType | null;
  /** keyId of the secret or certificate, or the federated credential's id; null when not in this tenant. */
  credentialKeyId: string | null;
  /** appId of the resource the token was for. */
  resourceAppId: string;
  /** 0 on success, else the AADSTS code. */
  errorCode: number;
  /** The caller's address; absent: a TEST-NET-3 address derived from `seq` (reports/sign-ins.ts). */
  ip?: string;
}

export interface TenantAccess {
  /** App-role assignments other than the Microsoft Graph roles in grantedGraphRoles. */
  appRoleAssignments: StoredAppRoleAssignment[];
  /**
   * The generator's `now` (epoch ms). The Graph role assignments date from a hash-chosen time between their
   * app's creation and this, computed when read rather than stored (~100,000 of them in a large tenant).
   */
  generatedAt: number;
  permissionGrants: StoredPermissionGrant[];
  roleAssignments: StoredRoleAssignment[];
  /**
   * Eligible directory roles. Kept whatever the licence; Graph serves them, and the ground truth lists them,
   * only while the tenant has P2 (without it Entra removes eligible assignments: ED `licensing-pim.md`).
   */
  roleEligibilities: StoredRoleEligibility[];
  /** Administrative units that role assignments are scoped to (the units themselves are not served). */
  administrativeUnitIds: string[];
  /** Generated sign-ins, newest first, older than the log retention too (activity reports keep them). */
  signInHistory: SignInEvent[];
}

export function emptyAccess(generatedAt: number): TenantAccess {
  return {
    appRoleAssignments: [],
    generatedAt,
    permissionGrants: [],
    roleAssignments: [],
    roleEligibilities: [],
    administrativeUnitIds: [],
    signInHistory: [],
  };
}
