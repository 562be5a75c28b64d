// The inventory model: what Lanyard knows about one workload identity, independent of Graph's wire shapes.
import type { Grant } from './access.ts';
import type { IdentityAspect } from './scan-parts.ts';

export type IdentityKind = 'application' | 'servicePrincipal';
/** Who published the application: our tenant, Microsoft, or someone else (a multi-tenant vendor). */
export type Publisher = 'own' | 'microsoft' | 'third-party' | 'unknown';
export type CredentialType = 'secret' | 'certificate' | 'federated';
/** Where the credential is attached: Entra lets both the app object and its service principal hold one. */
export type CredentialLocation = 'application' | 'servicePrincipal';

export interface Credential {
  /** keyId for secrets and certificates, the object id for federated credentials. */
  keyId: string;
  type: CredentialType;
  location: CredentialLocation;
  displayName: string | null;
  /** First three characters of a secret, as Entra shows them; never more. */
  hint: string | null;
  /** base64 customKeyIdentifier of a certificate (its thumbprint by default). */
  thumbprint: string | null;
  usage: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  /** Federated credentials only. */
  issuer?: string;
  subject?: string | null;
  audiences?: string[];
  name?: string;
}

export interface Owner {
  objectId: string;
  kind: 'user' | 'servicePrincipal' | 'unknown';
  displayName: string | null;
  userPrincipalName: string | null;
  accountEnabled: boolean | null;
  /** Users only: the directory's `mail` attribute, when Graph gave one (a UPN is not always a mailbox). */
  mail?: string;
  /**
   * Users only: the directory roles the owner holds (active) or may activate (eligible through PIM), as
   * `directory-role` grants in canonical order (access.ts), read from the same tenant-wide role lists as the
   * service principals' access. Absent means unknown (the role lists were not read completely, or not read by
   * the scan that read this owner), never "none"; `[]` means none.
   */
  directoryRoles?: Grant[];
  /**
   * False when Graph returned the owner with its id only: the reader lacks User.Read.All / Directory.Read.All
   * ("limited information returned for inaccessible member objects"). Absent means readable.
   */
  readable?: false;
}

export interface Identity {
  objectId: string;
  kind: IdentityKind;
  appId: string;
  displayName: string;
  /** Service principals only: Application, ManagedIdentity, Legacy, SocialIdp, ... */
  servicePrincipalType: string | null;
  /** Managed identities only. */
  managedIdentityType: 'system-assigned' | 'user-assigned' | null;
  /** Managed identities only: the Azure resource it belongs to (ARM resource id), from Graph's alternativeNames. */
  azureResourceId?: string;
  publisher: Publisher;
  appOwnerOrganizationId: string | null;
  signInAudience: string | null;
  accountEnabled: boolean | null;
  createdDateTime: string | null;
  owners: Owner[];
  credentials: Credential[];
  /**
   * Service principals only: what it holds (app roles on resources, delegated grants as the client, directory
   * roles), in canonical order (access.ts). Absent when no scan read it; `[]` with `unknown: ['access']` when
   * the scan's access part did not complete and no earlier scan had read it.
   */
  access?: Grant[];
  /**
   * Aspects never read completely for this identity (a scan cut short before its list, a permission missing):
   * `owners: []` then means "unknown", not "none". Absent when everything is known.
   */
  unknown?: IdentityAspect[];
}
