// The emulated directory: what one tenant holds, in the shapes Graph returns (wire types from
// Microsoft's own typings), plus the secret material the login endpoint verifies against.
import type {
  Application,
  FederatedIdentityCredential,
  ServicePrincipal,
  User,
} from '@microsoft/microsoft-graph-types';
import type { TenantAccess, TenantLicence } from './access-model.ts';
import type { ChangeLog } from './changes.ts';
import type { TenantProtection } from './protection.ts';

/** Tenant size drives Graph's RU budget per app+tenant: S 3,500 / M 5,000 / L 8,000 per 10 s. */
export type TenantSize = 'small' | 'medium' | 'large';

export interface OwnerLink {
  /** Object id of a user or a service principal in the same tenant. */
  id: string;
  kind: 'user' | 'servicePrincipal';
}

export interface EmulatedApplication {
  /** Wire object; passwordCredentials/keyCredentials live here, never secret values. */
  object: Application;
  owners: OwnerLink[];
  federatedIdentityCredentials: FederatedIdentityCredential[];
}

export interface EmulatedServicePrincipal {
  object: ServicePrincipal;
  owners: OwnerLink[];
  /** Graph application permissions (app role values on Microsoft Graph) granted to this principal. */
  grantedGraphRoles: string[];
}

/** Secret material of credentials that clients can actually sign in with. */
export interface ClientSecretMaterial {
  appId: string;
  keyId: string;
  /** SHA-256 hex of the secret text; the text itself is never kept. */
  sha256: string;
}

export interface CertificateMaterial {
  appId: string;
  keyId: string;
  /** base64url SHA-1 and SHA-256 thumbprints, matched against a client assertion's x5t / x5t#S256. */
  x5t: string;
  x5tS256: string;
  publicKeyPem: string;
}

export interface TenantState {
  id: string;
  displayName: string;
  defaultDomain: string;
  size: TenantSize;
  users: Map<string, User>;
  /** Keyed by object id; Map insertion order is the listing order. */
  applications: Map<string, EmulatedApplication>;
  servicePrincipals: Map<string, EmulatedServicePrincipal>;
  secrets: ClientSecretMaterial[];
  certificates: CertificateMaterial[];
  /** Entra ID licence: gates the sign-in reports and logs (facts §6.2, §6.3). Unset means 'p2'. */
  licence?: TenantLicence;
  /**
   * Microsoft Entra Workload ID Premium: gates Entra ID Protection's risky service principals and detections
   * (riskyServicePrincipal, servicePrincipalRiskDetection API pages). Unset means unlicensed.
   */
  workloadIdentitiesPremium?: boolean;
  /** Conditional Access policies and ID Protection's risk (tenant/protection.ts); unset means none. */
  protection?: TenantProtection;
  /** Grants, directory roles and sign-in history (tenant/access-model.ts); unset means none. */
  access?: TenantAccess;
  /**
   * What changed since the tenant was generated, for delta queries and the audit log (changes.ts); unset until
   * something changes it through the helpers of mutate.ts.
   */
  changes?: ChangeLog;
}

/** Publisher tenant of Microsoft first-party service principals. */
export const MICROSOFT_TENANT_ID = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';
/** appId of Microsoft Graph, whose app roles are the permissions granted to applications. */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
