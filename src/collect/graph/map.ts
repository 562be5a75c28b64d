// Maps Graph's wire objects to the inventory model. Pure. Fields are picked one by one, so a secret's value
// (`passwordCredentials[].secretText`, `keyCredentials[].key`) is never read, even when Graph sends it.
import type {
  Application,
  FederatedIdentityCredential,
  KeyCredential,
  PasswordCredential,
  ServicePrincipal,
} from '@microsoft/microsoft-graph-types';
import type { Credential, CredentialLocation, Identity, Owner } from '../../core/inventory.ts';
import { classifyPublisher } from '../../core/publisher.ts';

export interface MapContext {
  /** Our tenant's id: service principals owned by it are 'own'. */
  tenantId: string;
  /**
   * Ids of the tenant's disabled users, read when owners arrive without `accountEnabled` (a plain `$expand`
   * returns a user's default properties, which leave it out); null when they could not be read.
   */
  disabledUsers?: ReadonlySet<string> | null;
}

/** An item of an owners list: a user or a service principal, typed by `@odata.type`. */
export interface WireOwner {
  '@odata.type'?: string;
  id?: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
  accountEnabled?: boolean | null;
  mail?: string | null;
}

export function mapPasswordCredential(raw: PasswordCredential, location: CredentialLocation): Credential {
  return {
    keyId: raw.keyId ?? '',
    type: 'secret',
    location,
    displayName: raw.displayName ?? null,
    hint: raw.hint ?? null,
    thumbprint: null,
    usage: null,
    startDateTime: raw.startDateTime ?? null,
    endDateTime: raw.endDateTime ?? null,
  };
}

export function mapKeyCredential(raw: KeyCredential, location: CredentialLocation): Credential {
  return {
    keyId: raw.keyId ?? '',
    type: 'certificate',
    location,
    displayName: raw.displayName ?? null,
    hint: null,
    thumbprint: raw.customKeyIdentifier ?? null,
    usage: raw.usage ?? null,
    startDateTime: raw.startDateTime ?? null,
    endDateTime: raw.endDateTime ?? null,
  };
}

export function mapFederatedCredential(
  raw: FederatedIdentityCredential,
  location: CredentialLocation,
): Credential {
  return {
    keyId: raw.id ?? '',
    type: 'federated',
    location,
    displayName: raw.name ?? null,
    hint: null,
    thumbprint: null,
    usage: null,
    startDateTime: null,
    endDateTime: null,
    issuer: raw.issuer ?? '',
    subject: raw.subject ?? null,
    audiences: raw.audiences ?? [],
    name: raw.name ?? '',
  };
}

function credentialsOf(raw: Application | ServicePrincipal, location: CredentialLocation): Credential[] {
  return [
    ...(raw.passwordCredentials ?? []).map((p) => mapPasswordCredential(p, location)),
    ...(raw.keyCredentials ?? []).map((k) => mapKeyCredential(k, location)),
  ];
}

/**
 * An owner as Graph lists it. An owner with neither a name nor a UPN is one the reader may not read: Graph
 * returns such "inaccessible member objects" with `@odata.type` and `id` only (every directory object has a
 * displayName), so it is marked unreadable rather than shown as a nameless user.
 */
export function mapOwner(raw: WireOwner, context?: Pick<MapContext, 'disabledUsers'>): Owner {
  const type = raw['@odata.type']?.toLowerCase();
  const kind =
    type === '#microsoft.graph.user'
      ? 'user'
      : type === '#microsoft.graph.serviceprincipal'
        ? 'servicePrincipal'
        : 'unknown';
  const objectId = raw.id ?? '';
  const readable = raw.displayName != null || raw.userPrincipalName != null;
  const disabled = context?.disabledUsers;
  const accountEnabled =
    raw.accountEnabled ?? (kind === 'user' && readable && disabled ? !disabled.has(objectId) : null);
  return {
    objectId,
    kind,
    displayName: raw.displayName ?? null,
    userPrincipalName: kind === 'user' ? (raw.userPrincipalName ?? null) : null,
    accountEnabled,
    // Kept only when there is one, so owners without a mailbox store as before.
    ...(kind === 'user' && raw.mail ? { mail: raw.mail } : {}),
    ...(readable ? {} : { readable: false as const }),
  };
}

/**
 * A managed identity's service principal lists `isExplicit=True` in alternativeNames when it is
 * user-assigned (an Azure resource of its own) and `isExplicit=False` when system-assigned. Older identities
 * carry no flag; Microsoft's subscription-transfer guide reads those as system-assigned (facts §13).
 */
export function managedIdentityType(raw: ServicePrincipal): Identity['managedIdentityType'] {
  if (raw.servicePrincipalType !== 'ManagedIdentity') return null;
  const flag = (raw.alternativeNames ?? [])
    .find((n) => /^isExplicit=/i.test(n))
    ?.split('=')[1]
    ?.toLowerCase();
  return flag === 'true' ? 'user-assigned' : 'system-assigned';
}

/**
 * The Azure resource a managed identity belongs to: its alternativeNames carry the resource id (a virtual
 * machine, a function app, or the user-assigned identity resource itself), which links it to ARM.
 */
export function managedIdentityResource(raw: ServicePrincipal): string | null {
  if (raw.servicePrincipalType !== 'ManagedIdentity') return null;
  return (raw.alternativeNames ?? []).find((n) => /^\/subscriptions\//i.test(n)) ?? null;
}

/** An application object: always published by our tenant. */
export function mapApplication(raw: Application, context: MapContext): Identity {
  return {
    objectId: raw.id ?? '',
    kind: 'application',
    appId: raw.appId ?? '',
    displayName: raw.displayName ?? '',
    servicePrincipalType: null,
    managedIdentityType: null,
    publisher: 'own',
    appOwnerOrganizationId: context.tenantId,
    signInAudience: raw.signInAudience ?? null,
    accountEnabled: null,
    createdDateTime: raw.createdDateTime ?? null,
    owners: [],
    credentials: credentialsOf(raw, 'application'),
  };
}

export function mapServicePrincipal(raw: ServicePrincipal, context: MapContext): Identity {
  const owner = raw.appOwnerOrganizationId ?? null;
  const resource = managedIdentityResource(raw);
  return {
    objectId: raw.id ?? '',
    kind: 'servicePrincipal',
    appId: raw.appId ?? '',
    displayName: raw.displayName ?? '',
    servicePrincipalType: raw.servicePrincipalType ?? null,
    managedIdentityType: managedIdentityType(raw),
    publisher: classifyPublisher(owner, context.tenantId, raw.servicePrincipalType),
    appOwnerOrganizationId: owner,
    signInAudience: raw.signInAudience ?? null,
    accountEnabled: raw.accountEnabled ?? null,
    // Not a v1.0 (or beta) servicePrincipal property: Graph rejects it in $select.
    createdDateTime: (raw as { createdDateTime?: string | null }).createdDateTime ?? null,
    owners: [],
    credentials: credentialsOf(raw, 'servicePrincipal'),
    ...(resource ? { azureResourceId: resource } : {}),
  };
}
