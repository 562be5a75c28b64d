// Changes made to a tenant behind the history's back (a test editing TenantState's maps directly instead of going
// through mutate.ts) are found here and recorded as if made now, so delta and the audit log keep telling what
// Graph would: every change of a directory object is tracked by Entra, however it was made.
//
// Each application and service principal keeps a signature of references and sizes (its object, owners,
// federated credentials, credential lists, display name, accountEnabled): comparing them costs a few property
// reads per object, not a serialisation. A nested value edited in place (a credential's endDateTime changed in
// its array) is not seen; replace the list, or use mutate.ts.
import { randomUUID } from 'node:crypto';
import { type ChangedCollection, recordAudit, recordChange } from './changes.ts';
import type { EmulatedApplication, EmulatedServicePrincipal, TenantState } from './model.ts';

interface Signature {
  object: object;
  owners: unknown[];
  ownerCount: number;
  federated: unknown[] | null;
  federatedCount: number;
  passwords: unknown;
  passwordCount: number;
  keys: unknown;
  keyCount: number;
  displayName: unknown;
  accountEnabled: unknown;
}

type Entry = EmulatedApplication | EmulatedServicePrincipal;

const shadows = new WeakMap<TenantState, Record<ChangedCollection, Map<string, Signature>>>();

function signature(entry: Entry): Signature {
  const object = entry.object as Record<string, unknown>;
  const federated = 'federatedIdentityCredentials' in entry ? entry.federatedIdentityCredentials : null;
  const passwords = object.passwordCredentials as unknown[] | undefined;
  const keys = object.keyCredentials as unknown[] | undefined;
  return {
    object,
    owners: entry.owners,
    ownerCount: entry.owners.length,
    federated,
    federatedCount: federated?.length ?? 0,
    passwords,
    passwordCount: passwords?.length ?? 0,
    keys,
    keyCount: keys?.length ?? 0,
    displayName: object.displayName,
    accountEnabled: object.accountEnabled,
  };
}

function mapOf(tenant: TenantState, collection: ChangedCollection): Map<string, Entry> {
  return tenant[collection] as Map<string, Entry>;
}

/** Refreshes one object's signature after mutate.ts recorded its change (or forgets a removed one). */
export function rememberObject(tenant: TenantState, collection: ChangedCollection, id: string): void {
  const shadow = shadows.get(tenant);
  if (!shadow) return;
  const entry = mapOf(tenant, collection).get(id);
  if (entry) shadow[collection].set(id, signature(entry));
  else shadow[collection].delete(id);
}

/**
 * Records what changed since the last look without going through mutate.ts. The first look only takes the
 * signatures: whatever was done before it is what an initial read sees anyway.
 */
export function discoverDirectChanges(tenant: TenantState, now: number): void {
  let shadow = shadows.get(tenant);
  if (!shadow) {
    shadow = { applications: new Map(), servicePrincipals: new Map() };
    for (const collection of ['applications', 'servicePrincipals'] as const)
      for (const [id, entry] of mapOf(tenant, collection)) shadow[collection].set(id, signature(entry));
    shadows.set(tenant, shadow);
    return;
  }
  for (const collection of ['applications', 'servicePrincipals'] as const) {
    const seen = shadow[collection];
    const current = mapOf(tenant, collection);
    for (const [id, entry] of current) {
      const was = seen.get(id);
      const is = signature(entry);
      if (!was) {
        record(tenant, collection, id, entry, 'created', [], now);
      } else {
        const properties: string[] = [];
        if (was.object !== is.object || was.displayName !== is.displayName) properties.push('displayName');
        if (was.accountEnabled !== is.accountEnabled) properties.push('accountEnabled');
        if (was.passwords !== is.passwords || was.passwordCount !== is.passwordCount)
          properties.push('passwordCredentials');
        if (was.keys !== is.keys || was.keyCount !== is.keyCount) properties.push('keyCredentials');
        if (properties.length > 0) record(tenant, collection, id, entry, 'updated', properties, now);
        if (was.owners !== is.owners || was.ownerCount !== is.ownerCount)
          record(tenant, collection, id, entry, 'relationship', ['owners'], now);
        if (was.federated !== is.federated || was.federatedCount !== is.federatedCount)
          record(tenant, collection, id, entry, 'relationship', ['federatedIdentityCredentials'], now);
      }
      seen.set(id, is);
    }
    for (const id of [...seen.keys()]) {
      if (current.has(id)) continue;
      record(tenant, collection, id, null, 'deleted', [], now);
      seen.delete(id);
    }
  }
}

function record(
  tenant: TenantState,
  collection: ChangedCollection,
  id: string,
  entry: Entry | null,
  kind: 'created' | 'updated' | 'relationship' | 'deleted',
  properties: string[],
  now: number,
): void {
  recordChange(tenant, {
    time: now,
    collection,
    id,
    kind,
    properties,
    ...(kind === 'deleted' ? { reason: 'changed' as const } : {}),
  });
  const app = collection === 'applications';
  const noun = app ? 'application' : 'service principal';
  const verb = kind === 'created' ? 'Add' : kind === 'deleted' ? 'Delete' : 'Update';
  recordAudit(tenant, {
    id: randomUUID(),
    time: now,
    activity: `${verb} ${noun}`,
    operationType: verb,
    targets: [
      {
        id,
        type: app ? 'Application' : 'ServicePrincipal',
        displayName: (entry?.object.displayName as string | null | undefined) ?? null,
        modifiedProperties: properties.map((p) => ({ displayName: p, oldValue: null, newValue: null })),
      },
    ],
  });
}
