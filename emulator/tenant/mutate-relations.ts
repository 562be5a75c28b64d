// Credentials and relationships of applications and service principals: secrets, certificates, federated
// credentials and owners, each change recorded for delta and the audit log (mutate-record.ts).
import { randomUUID } from 'node:crypto';
import type {
  FederatedIdentityCredential,
  KeyCredential,
  PasswordCredential,
} from '@microsoft/microsoft-graph-types';
import type { OwnerLink, TenantState } from './model.ts';
import {
  audit,
  CREDENTIALS_ACTIVITY,
  type Found,
  find,
  note,
  ownerAudit,
  relationshipChanged,
  TWO_YEARS_MS,
  target,
} from './mutate-record.ts';
import { isoMillis } from './random.ts';

/** Adds a client secret (passwordCredential) to an application or service principal; returns its keyId. */
export function addPassword(
  tenant: TenantState,
  objectId: string,
  spec: { displayName?: string; endDateTime?: string; keyId?: string; hint?: string } = {},
  now: number = Date.now(),
): string {
  const found = find(tenant, objectId);
  const keyId = spec.keyId ?? randomUUID();
  const credential: PasswordCredential = {
    customKeyIdentifier: null,
    displayName: spec.displayName ?? 'added secret',
    endDateTime: spec.endDateTime ?? isoMillis(now + TWO_YEARS_MS),
    hint: spec.hint ?? 'Xk9',
    keyId,
    secretText: null,
    startDateTime: isoMillis(now),
  };
  setCredentials(
    tenant,
    found,
    'passwordCredentials',
    [...(found.object.passwordCredentials ?? []), credential],
    now,
    true,
  );
  return keyId;
}

/** Adds a certificate (keyCredential) to an application or service principal; returns its keyId. */
export function addKey(
  tenant: TenantState,
  objectId: string,
  spec: { displayName?: string; endDateTime?: string; keyId?: string; thumbprint?: string } = {},
  now: number = Date.now(),
): string {
  const found = find(tenant, objectId);
  const keyId = spec.keyId ?? randomUUID();
  const credential: KeyCredential = {
    customKeyIdentifier:
      spec.thumbprint ?? Buffer.from(keyId.replace(/-/g, '').slice(0, 40), 'hex').toString('base64'),
    displayName: spec.displayName ?? 'CN=added certificate',
    endDateTime: spec.endDateTime ?? isoMillis(now + TWO_YEARS_MS),
    key: null,
    keyId,
    startDateTime: isoMillis(now),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  };
  setCredentials(
    tenant,
    found,
    'keyCredentials',
    [...(found.object.keyCredentials ?? []), credential],
    now,
    true,
  );
  return keyId;
}

/** Removes a secret or certificate by keyId (whichever list holds it). */
export function removeCredential(
  tenant: TenantState,
  objectId: string,
  keyId: string,
  now: number = Date.now(),
): void {
  const found = find(tenant, objectId);
  const passwords = found.object.passwordCredentials ?? [];
  const keys = found.object.keyCredentials ?? [];
  if (passwords.some((c) => c.keyId === keyId)) {
    setCredentials(
      tenant,
      found,
      'passwordCredentials',
      passwords.filter((c) => c.keyId !== keyId),
      now,
      false,
    );
  } else if (keys.some((c) => c.keyId === keyId)) {
    setCredentials(
      tenant,
      found,
      'keyCredentials',
      keys.filter((c) => c.keyId !== keyId),
      now,
      false,
    );
  } else {
    throw new RangeError(`${objectId} holds no credential ${keyId}`);
  }
}

function setCredentials(
  tenant: TenantState,
  found: Found,
  property: 'passwordCredentials' | 'keyCredentials',
  list: PasswordCredential[] | KeyCredential[],
  now: number,
  added: boolean,
): void {
  (found.object as Record<string, unknown>)[property] = list;
  const id = String(found.object.id);
  note(tenant, {
    time: now,
    collection: found.collection,
    id,
    kind: 'updated',
    properties: [property],
  });
  const activity =
    found.collection === 'applications'
      ? CREDENTIALS_ACTIVITY
      : added
        ? 'Add service principal credentials'
        : 'Remove service principal credentials';
  audit(tenant, now, activity, 'Update', [
    target(found.collection, found.object, [
      {
        displayName: property === 'keyCredentials' ? 'KeyDescription' : 'PasswordCredentials',
        oldValue: null,
        newValue: null,
      },
    ]),
  ]);
}

/**
 * Adds a federated identity credential to an application; returns its id. A navigation property: delta does
 * not report it by default (readings.ts). Which audit activity records it is UNCONFIRMED (facts §6.4): here
 * "Update application" naming FederatedIdentityCredentials.
 */
export function addFederatedCredential(
  tenant: TenantState,
  applicationObjectId: string,
  spec: { name: string; issuer: string; subject: string; audiences?: string[]; id?: string },
  now: number = Date.now(),
): string {
  const found = find(tenant, applicationObjectId);
  if (found.collection !== 'applications')
    throw new RangeError('federated credentials of Graph live on applications');
  const credential: FederatedIdentityCredential = {
    id: spec.id ?? randomUUID(),
    name: spec.name,
    issuer: spec.issuer,
    subject: spec.subject,
    audiences: spec.audiences ?? ['api://AzureADTokenExchange'],
    description: null,
  };
  found.entry.federatedIdentityCredentials = [...found.entry.federatedIdentityCredentials, credential];
  relationshipChanged(tenant, found, 'federatedIdentityCredentials', 'Update application', now);
  return credential.id!;
}

export function removeFederatedCredential(
  tenant: TenantState,
  applicationObjectId: string,
  credentialId: string,
  now: number = Date.now(),
): void {
  const found = find(tenant, applicationObjectId);
  if (found.collection !== 'applications')
    throw new RangeError('federated credentials of Graph live on applications');
  const before = found.entry.federatedIdentityCredentials;
  if (!before.some((c) => c.id === credentialId))
    throw new RangeError(`no federated credential ${credentialId}`);
  found.entry.federatedIdentityCredentials = before.filter((c) => c.id !== credentialId);
  relationshipChanged(tenant, found, 'federatedIdentityCredentials', 'Update application', now);
}

/** "Add owner to application" / "Add owner to service principal". */
export function addOwner(
  tenant: TenantState,
  objectId: string,
  owner: OwnerLink,
  now: number = Date.now(),
): void {
  const found = find(tenant, objectId);
  if (found.entry.owners.some((o) => o.id === owner.id)) return;
  found.entry.owners = [...found.entry.owners, owner];
  ownerAudit(tenant, found, owner, 'Add', now);
}

/** "Remove owner from application" / "Remove owner from service principal". */
export function removeOwner(
  tenant: TenantState,
  objectId: string,
  ownerId: string,
  now: number = Date.now(),
): void {
  const found = find(tenant, objectId);
  const owner = found.entry.owners.find((o) => o.id === ownerId);
  if (!owner) throw new RangeError(`${ownerId} does not own ${objectId}`);
  found.entry.owners = found.entry.owners.filter((o) => o.id !== ownerId);
  ownerAudit(tenant, found, owner, 'Remove', now);
}
