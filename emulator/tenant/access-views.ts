// Who holds what, read from a tenant: app-role assignments in both directions (the Microsoft Graph ones
// derived from grantedGraphRoles, the rest stored), in the appRoleAssignment shape Graph returns. The Graph
// routes and the ground truth both read through here, so they agree by construction on what exists; the
// tests compare what a client reads over the wire with it.
import { createHash } from 'node:crypto';
import { appRoleAssignmentId } from './access-ids.ts';
import type { StoredAppRoleAssignment } from './access-model.ts';
import { GRAPH_ROLE_BY_VALUE } from './microsoft-catalogue.ts';
import { type EmulatedServicePrincipal, MICROSOFT_GRAPH_APP_ID, type TenantState } from './model.ts';
import { DAY, isoSeconds } from './random.ts';

/** An assignment as Graph serves it (v1.0 appRoleAssignment, facts §5.6). */
export interface AppRoleAssignmentObject {
  id: string;
  deletedDateTime: null;
  appRoleId: string;
  createdDateTime: string | null;
  principalDisplayName: string | null;
  principalId: string;
  principalType: 'User' | 'ServicePrincipal';
  resourceDisplayName: string | null;
  resourceId: string;
}

const graphCache = new WeakMap<TenantState, { size: number; sp: EmulatedServicePrincipal | undefined }>();

/** Microsoft Graph's service principal, found once per size of the collection. */
export function graphServicePrincipal(tenant: TenantState): EmulatedServicePrincipal | undefined {
  const cached = graphCache.get(tenant);
  if (
    cached &&
    cached.size === tenant.servicePrincipals.size &&
    cached.sp?.object.appId === MICROSOFT_GRAPH_APP_ID
  )
    return cached.sp;
  let found: EmulatedServicePrincipal | undefined;
  for (const sp of tenant.servicePrincipals.values())
    if (sp.object.appId === MICROSOFT_GRAPH_APP_ID) found = sp;
  graphCache.set(tenant, { size: tenant.servicePrincipals.size, sp: found });
  return found;
}

const createdIndexes = new WeakMap<TenantState, { size: number; byAppId: Map<string, number> }>();

/** Creation time (epoch ms) of the app registration with this appId in the tenant, or NaN. */
function appCreated(tenant: TenantState, appId: string | null | undefined): number {
  let cached = createdIndexes.get(tenant);
  if (!cached || cached.size !== tenant.applications.size) {
    const byAppId = new Map<string, number>();
    for (const a of tenant.applications.values())
      byAppId.set(a.object.appId!, Date.parse(a.object.createdDateTime ?? ''));
    cached = { size: tenant.applications.size, byAppId };
    createdIndexes.set(tenant, cached);
  }
  return (appId && cached.byAppId.get(appId)) || Number.NaN;
}

/**
 * When a Graph role was granted: admin consent some time between the app's creation (or three years before
 * generation) and a day before generation, chosen by a hash so it is stable without being stored. Principals
 * registered later (the scanner) date from their own creation.
 */
function grantedAt(tenant: TenantState, sp: EmulatedServicePrincipal, appRoleId: string): string | null {
  const created = appCreated(tenant, sp.object.appId);
  const generatedAt = tenant.access?.generatedAt;
  if (generatedAt === undefined) return Number.isFinite(created) ? isoSeconds(created) : null;
  const from = Number.isFinite(created) ? created : generatedAt - 3 * 365 * DAY;
  const to = generatedAt - DAY;
  if (from >= to) return isoSeconds(from);
  const h = createHash('sha256').update(`${sp.object.id}|${appRoleId}|granted`).digest().readUInt32BE(0);
  return isoSeconds(from + (h % (Math.floor((to - from) / 1000) + 1)) * 1000);
}

/** The Graph app-role assignments one service principal's grantedGraphRoles stand for. */
function graphAssignmentsOf(
  tenant: TenantState,
  graph: EmulatedServicePrincipal,
  sp: EmulatedServicePrincipal,
): StoredAppRoleAssignment[] {
  const out: StoredAppRoleAssignment[] = [];
  const principalId = sp.object.id!;
  const resourceId = graph.object.id!;
  for (const value of sp.grantedGraphRoles) {
    const role = GRAPH_ROLE_BY_VALUE.get(value);
    if (!role) continue;
    out.push({
      id: appRoleAssignmentId(principalId, resourceId, role.id),
      appRoleId: role.id,
      principalId,
      principalType: 'ServicePrincipal',
      resourceId,
      createdDateTime: grantedAt(tenant, sp, role.id) ?? '',
    });
  }
  return out;
}

function nameOf(tenant: TenantState, id: string, type: 'User' | 'ServicePrincipal'): string | null {
  const name =
    type === 'User'
      ? tenant.users.get(id)?.displayName
      : tenant.servicePrincipals.get(id)?.object.displayName;
  return name ?? null;
}

export function assignmentObject(tenant: TenantState, a: StoredAppRoleAssignment): AppRoleAssignmentObject {
  return {
    id: a.id,
    deletedDateTime: null,
    appRoleId: a.appRoleId,
    createdDateTime: a.createdDateTime === '' ? null : a.createdDateTime,
    principalDisplayName: nameOf(tenant, a.principalId, a.principalType),
    principalId: a.principalId,
    principalType: a.principalType,
    resourceDisplayName: nameOf(tenant, a.resourceId, 'ServicePrincipal'),
    resourceId: a.resourceId,
  };
}

interface StoredIndex {
  list: readonly StoredAppRoleAssignment[];
  length: number;
  byPrincipal: Map<string, StoredAppRoleAssignment[]>;
  byResource: Map<string, StoredAppRoleAssignment[]>;
}

const storedIndexes = new WeakMap<TenantState, StoredIndex>();

/** Stored assignments by principal and by resource, rebuilt when the list is replaced or grows. */
function storedIndex(tenant: TenantState): StoredIndex {
  const list = tenant.access?.appRoleAssignments ?? [];
  const cached = storedIndexes.get(tenant);
  if (cached && cached.list === list && cached.length === list.length) return cached;
  const index: StoredIndex = { list, length: list.length, byPrincipal: new Map(), byResource: new Map() };
  const add = (map: Map<string, StoredAppRoleAssignment[]>, key: string, a: StoredAppRoleAssignment) => {
    const list = map.get(key);
    if (list) list.push(a);
    else map.set(key, [a]);
  };
  for (const a of list) {
    add(index.byPrincipal, a.principalId, a);
    add(index.byResource, a.resourceId, a);
  }
  storedIndexes.set(tenant, index);
  return index;
}

/** `servicePrincipals/{id}/appRoleAssignedTo`: every assignment whose resource is this principal. */
export function assignmentsTo(tenant: TenantState, resourceId: string): StoredAppRoleAssignment[] {
  const out: StoredAppRoleAssignment[] = [];
  const graph = graphServicePrincipal(tenant);
  if (graph && graph.object.id === resourceId) {
    for (const sp of tenant.servicePrincipals.values())
      if (sp.grantedGraphRoles.length > 0) out.push(...graphAssignmentsOf(tenant, graph, sp));
  }
  out.push(...(storedIndex(tenant).byResource.get(resourceId) ?? []));
  return out;
}

/** `servicePrincipals/{id}/appRoleAssignments` (or a user's): every assignment this principal holds. */
export function assignmentsOf(tenant: TenantState, principalId: string): StoredAppRoleAssignment[] {
  const sp = tenant.servicePrincipals.get(principalId);
  const graph = graphServicePrincipal(tenant);
  const out = sp && graph ? graphAssignmentsOf(tenant, graph, sp) : [];
  out.push(...(storedIndex(tenant).byPrincipal.get(principalId) ?? []));
  return out;
}

/** The `value` of an assigned app role on its resource, or null (the default role, or a role not declared). */
export function appRoleValue(tenant: TenantState, resourceId: string, appRoleId: string): string | null {
  const roles = tenant.servicePrincipals.get(resourceId)?.object.appRoles ?? [];
  return roles.find((r) => r.id === appRoleId)?.value ?? null;
}
