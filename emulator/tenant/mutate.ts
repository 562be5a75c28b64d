// Changes to a tenant the way Entra would make them, each recorded in the tenant's history (changes.ts) for
// Graph's delta functions and in its directory audit log, with the activity names Entra writes (facts §6.4).
// Tests, benchmarks and the control API mutate tenants through these, never by editing the maps directly, so
// that what changed is what delta and the audit log report.
import { randomUUID } from 'node:crypto';
import { forgetSnapshot } from '../graph/snapshot.ts';
import type { AuditTarget } from './changes.ts';
import type { OwnerLink, TenantState } from './model.ts';
import { audit, find, json, note, ownerAudit, target } from './mutate-record.ts';
import { isoSeconds } from './random.ts';
import { buildApplication, buildServicePrincipal, INTEGRATED_APP_TAGS } from './wire-objects.ts';

export { CREDENTIALS_ACTIVITY } from './mutate-record.ts';
export {
  addFederatedCredential,
  addKey,
  addOwner,
  addPassword,
  removeCredential,
  removeFederatedCredential,
  removeOwner,
} from './mutate-relations.ts';

export interface NewApplication {
  displayName: string;
  /** Default: a service principal is created with it, as registering an app in the portal does. */
  servicePrincipal?: boolean;
  owners?: OwnerLink[];
  signInAudience?: string;
  objectId?: string;
  appId?: string;
  servicePrincipalId?: string;
}

/** Registers an application (and its service principal): "Add application" / "Add service principal". */
export function addApplication(
  tenant: TenantState,
  spec: NewApplication,
  now: number = Date.now(),
): { objectId: string; appId: string; servicePrincipalId: string | null } {
  const objectId = spec.objectId ?? randomUUID();
  const appId = spec.appId ?? randomUUID();
  const object = buildApplication({
    id: objectId,
    appId,
    displayName: spec.displayName,
    createdDateTime: isoSeconds(now),
    signInAudience: spec.signInAudience ?? 'AzureADMyOrg',
    publisherDomain: tenant.defaultDomain,
    identifierUris: [],
    passwordCredentials: [],
    keyCredentials: [],
    requiredResourceAccess: [],
  });
  tenant.applications.set(objectId, {
    object,
    owners: [...(spec.owners ?? [])],
    federatedIdentityCredentials: [],
  });
  forgetSnapshot(tenant.applications);
  note(tenant, {
    time: now,
    collection: 'applications',
    id: objectId,
    kind: 'created',
    properties: [],
  });
  audit(tenant, now, 'Add application', 'Add', [target('applications', object)]);
  let servicePrincipalId: string | null = null;
  if (spec.servicePrincipal !== false) {
    servicePrincipalId = addServicePrincipal(
      tenant,
      { appId, displayName: spec.displayName, objectId: spec.servicePrincipalId },
      now,
    );
  }
  return { objectId, appId, servicePrincipalId };
}

/** A service principal of an application of this tenant: "Add service principal". */
export function addServicePrincipal(
  tenant: TenantState,
  spec: { appId: string; displayName: string; objectId?: string | undefined; owners?: OwnerLink[] },
  now: number = Date.now(),
): string {
  const id = spec.objectId ?? randomUUID();
  const object = buildServicePrincipal({
    id,
    appId: spec.appId,
    displayName: spec.displayName,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: tenant.id,
    signInAudience: 'AzureADMyOrg',
    servicePrincipalNames: [spec.appId],
    tags: INTEGRATED_APP_TAGS,
  });
  tenant.servicePrincipals.set(id, { object, owners: [...(spec.owners ?? [])], grantedGraphRoles: [] });
  forgetSnapshot(tenant.servicePrincipals);
  note(tenant, { time: now, collection: 'servicePrincipals', id, kind: 'created', properties: [] });
  audit(tenant, now, 'Add service principal', 'Add', [target('servicePrincipals', object)]);
  return id;
}

/**
 * Sets properties of an application or service principal ("Update application" / "Update service
 * principal"). Properties are replaced, never mutated in place: nested defaults are shared frozen values.
 */
export function updateObject(
  tenant: TenantState,
  objectId: string,
  patch: Record<string, unknown>,
  now: number = Date.now(),
): void {
  const found = find(tenant, objectId);
  const object = found.object as Record<string, unknown>;
  const modified: AuditTarget['modifiedProperties'] = [];
  for (const [name, value] of Object.entries(patch)) {
    if (name === 'id') throw new RangeError('an object id never changes');
    modified.push({ displayName: name, oldValue: json(object[name]), newValue: json(value) });
    object[name] = value;
  }
  // appId is indexed per snapshot (lookupBy).
  if ('appId' in patch) forgetSnapshot(tenant[found.collection] as Map<string, unknown>);
  note(tenant, {
    time: now,
    collection: found.collection,
    id: String(object.id),
    kind: 'updated',
    properties: Object.keys(patch),
  });
  const activity = found.collection === 'applications' ? 'Update application' : 'Update service principal';
  audit(tenant, now, activity, 'Update', [target(found.collection, found.object, modified)]);
}

/**
 * Removes an application or service principal. `permanent`: gone for good (delta `@removed` reason
 * `deleted`, audit "Hard Delete application"); otherwise soft-deleted, restorable from deletedItems (reason
 * `changed`). Deleting an application deletes its service principal in this tenant too (unless told not to).
 */
export function removeObject(
  tenant: TenantState,
  objectId: string,
  options: { permanent?: boolean; withServicePrincipal?: boolean } = {},
  now: number = Date.now(),
): string[] {
  const found = find(tenant, objectId);
  const id = String(found.object.id);
  const reason = options.permanent ? 'deleted' : 'changed';
  const removed = [id];
  if (found.collection === 'applications') {
    tenant.applications.delete(id);
    forgetSnapshot(tenant.applications);
    note(tenant, {
      time: now,
      collection: 'applications',
      id,
      kind: 'deleted',
      properties: [],
      reason,
    });
    audit(tenant, now, options.permanent ? 'Hard Delete application' : 'Delete application', 'Delete', [
      target('applications', found.object),
    ]);
    if (options.withServicePrincipal !== false) {
      for (const sp of [...tenant.servicePrincipals.values()]) {
        if (sp.object.appId === found.object.appId && sp.object.appOwnerOrganizationId === tenant.id) {
          removed.push(...removeObject(tenant, String(sp.object.id), { permanent: options.permanent }, now));
        }
      }
    }
  } else {
    tenant.servicePrincipals.delete(id);
    forgetSnapshot(tenant.servicePrincipals);
    dropGrantsOf(tenant, id);
    note(tenant, {
      time: now,
      collection: 'servicePrincipals',
      id,
      kind: 'deleted',
      properties: [],
      reason,
    });
    audit(
      tenant,
      now,
      options.permanent ? 'Hard delete service principal' : 'Delete service principal',
      'Delete',
      [target('servicePrincipals', found.object)],
    );
  }
  // The owner links of other objects to a deleted principal go with it. Whether Entra audits that as an owner
  // removal is UNCONFIRMED; recorded so here, so that the objects it owned show as changed.
  if (found.collection === 'servicePrincipals') {
    for (const other of [...tenant.applications.values(), ...tenant.servicePrincipals.values()]) {
      const link = other.owners.find((o) => o.id === id);
      if (!link) continue;
      other.owners = other.owners.filter((o) => o.id !== id);
      ownerAudit(tenant, find(tenant, String(other.object.id)), link, 'Remove', now);
    }
  }
  return removed;
}

/** A deleted principal holds nothing any more: its grants, roles and assignments go with it. */
function dropGrantsOf(tenant: TenantState, servicePrincipalId: string): void {
  const access = tenant.access;
  if (!access) return;
  access.appRoleAssignments = access.appRoleAssignments.filter(
    (a) => a.principalId !== servicePrincipalId && a.resourceId !== servicePrincipalId,
  );
  access.permissionGrants = access.permissionGrants.filter(
    (g) => g.clientId !== servicePrincipalId && g.resourceId !== servicePrincipalId,
  );
  access.roleAssignments = access.roleAssignments.filter((r) => r.principalId !== servicePrincipalId);
  access.roleEligibilities = access.roleEligibilities.filter((r) => r.principalId !== servicePrincipalId);
}
