// What every mutation helper shares: finding the object, and recording the change in the tenant's history and
// its audit log (changes.ts), letting the look for direct edits (shadow.ts) know it is recorded.
import { randomUUID } from 'node:crypto';
import type { Application, ServicePrincipal } from '@microsoft/microsoft-graph-types';
import {
  type AuditEntry,
  type AuditTarget,
  type ChangedCollection,
  type ChangeEntry,
  recordAudit,
  recordChange,
} from './changes.ts';
import type { EmulatedApplication, EmulatedServicePrincipal, OwnerLink, TenantState } from './model.ts';
import { rememberObject } from './shadow.ts';

export const TWO_YEARS_MS = 2 * 365 * 86_400_000;
/** Real logs write an en dash and a trailing space here (facts §6.4); the docs' table a hyphen. */
export const CREDENTIALS_ACTIVITY = 'Update application – Certificates and secrets management ';

export type Found =
  | { collection: 'applications'; entry: EmulatedApplication; object: Application }
  | { collection: 'servicePrincipals'; entry: EmulatedServicePrincipal; object: ServicePrincipal };

export function find(tenant: TenantState, objectId: string): Found {
  const id = objectId.toLowerCase();
  const app = tenant.applications.get(id) ?? tenant.applications.get(objectId);
  if (app) return { collection: 'applications', entry: app, object: app.object };
  const sp = tenant.servicePrincipals.get(id) ?? tenant.servicePrincipals.get(objectId);
  if (sp) return { collection: 'servicePrincipals', entry: sp, object: sp.object };
  throw new RangeError(`no application or service principal ${objectId} in tenant ${tenant.id}`);
}

const targetType = (collection: ChangedCollection) =>
  collection === 'applications' ? ('Application' as const) : ('ServicePrincipal' as const);

export function target(
  collection: ChangedCollection,
  object: { id?: string | null; displayName?: string | null },
  modified: AuditTarget['modifiedProperties'] = [],
): AuditTarget {
  return {
    id: String(object.id),
    type: targetType(collection),
    displayName: object.displayName ?? null,
    modifiedProperties: modified,
  };
}

export function audit(
  tenant: TenantState,
  now: number,
  activity: string,
  operationType: AuditEntry['operationType'],
  targets: AuditTarget[],
): void {
  recordAudit(tenant, { id: randomUUID(), time: now, activity, operationType, targets });
}

/** Records a change, and lets the look for direct edits (shadow.ts) know it is recorded already. */
export function note(tenant: TenantState, change: Omit<ChangeEntry, 'seq'>): void {
  recordChange(tenant, change);
  rememberObject(tenant, change.collection, change.id);
}

export const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

export function relationshipChanged(
  tenant: TenantState,
  found: Found,
  property: string,
  activity: string,
  now: number,
): void {
  note(tenant, {
    time: now,
    collection: found.collection,
    id: String(found.object.id),
    kind: 'relationship',
    properties: [property],
  });
  audit(tenant, now, activity, 'Update', [
    target(found.collection, found.object, [
      {
        displayName: property === 'federatedIdentityCredentials' ? 'FederatedIdentityCredentials' : property,
        oldValue: null,
        newValue: null,
      },
    ]),
  ]);
}

/**
 * The owner audit record as field reports describe it: the owner is the target, and the application (or service
 * principal) is named only in its modifiedProperties (`Application.ObjectID`, `Application.DisplayName`).
 */
export function ownerAudit(
  tenant: TenantState,
  found: Found,
  owner: OwnerLink,
  verb: 'Add' | 'Remove',
  now: number,
): void {
  note(tenant, {
    time: now,
    collection: found.collection,
    id: String(found.object.id),
    kind: 'relationship',
    properties: ['owners'],
  });
  const app = found.collection === 'applications';
  const prefix = app ? 'Application' : 'ServicePrincipal';
  const ownerObject =
    owner.kind === 'user' ? tenant.users.get(owner.id) : tenant.servicePrincipals.get(owner.id)?.object;
  const value = (v: unknown) =>
    verb === 'Add' ? { oldValue: null, newValue: json(v) } : { oldValue: json(v), newValue: null };
  audit(
    tenant,
    now,
    `${verb} owner ${verb === 'Add' ? 'to' : 'from'} ${app ? 'application' : 'service principal'}`,
    verb === 'Add' ? 'Assign' : 'Unassign',
    [
      {
        id: owner.id,
        type: owner.kind === 'user' ? 'User' : 'ServicePrincipal',
        displayName: (ownerObject as { displayName?: string | null } | undefined)?.displayName ?? null,
        modifiedProperties: [
          { displayName: `${prefix}.ObjectID`, ...value(found.object.id) },
          { displayName: `${prefix}.DisplayName`, ...value(found.object.displayName) },
        ],
      },
    ],
  );
}
