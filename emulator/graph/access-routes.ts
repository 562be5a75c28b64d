// What a principal may do: app-role assignments in both directions, delegated permission grants, directory
// role definitions and assignments, and eligible directory roles (PIM), in their v1.0 shapes (facts §5.6–5.8).
import { licenceOf } from '../reports/sign-ins.ts';
import type {
  StoredAppRoleAssignment,
  StoredRoleAssignment,
  StoredRoleEligibility,
} from '../tenant/access-model.ts';
import { assignmentObject, assignmentsOf, assignmentsTo } from '../tenant/access-views.ts';
import { DIRECTORY_ROLES, roleDefinitionObject } from '../tenant/directory-roles.ts';
import { COLLECTIONS } from './collections.ts';
import { GraphError, graphErrors } from './errors.ts';
import { compileFilter, type FilterTable } from './filter.ts';
import { listingView, pageList, singleItem } from './list-page.ts';
import { findEntry } from './object-routes.ts';
import type { ReadContext, ReadResult } from './read-context.ts';
import type { ObjectKey } from './routes.ts';

/** Items passing `$filter` against `table`, or all of them. */
function filtered<T extends object>(x: ReadContext, items: readonly T[], table: FilterTable): T[] {
  if (!x.query.filter) return [...items];
  const { predicate } = compileFilter(x.query.filter, table, x.query);
  return items.filter((i) => predicate(i as Record<string, unknown>));
}

export function listAppRoleAssignments(
  x: ReadContext,
  direction: 'assignedTo' | 'assignments',
  key: ObjectKey,
): ReadResult {
  const sp = findEntry(x, COLLECTIONS.servicePrincipals, key) as { object: { id?: string } };
  const id = sp.object.id!;
  if (x.query.filter)
    throw graphErrors.emulatorUnsupported(
      `$filter on ${direction === 'assignedTo' ? 'appRoleAssignedTo' : 'appRoleAssignments'}`,
    );
  const items = listingView<StoredAppRoleAssignment>(x, () =>
    direction === 'assignedTo' ? assignmentsTo(x.tenant, id) : assignmentsOf(x.tenant, id),
  );
  return pageList(x, {
    fragment: `servicePrincipals('${id}')/${direction === 'assignedTo' ? 'appRoleAssignedTo' : 'appRoleAssignments'}`,
    type: 'appRoleAssignment',
    items,
    idOf: (a) => a.id,
    toObject: (a) => assignmentObject(x.tenant, a) as unknown as Record<string, unknown>,
  });
}

/** facts §2: resourceId eq is a default filter on oauth2PermissionGrants, clientId eq an advanced one. */
const GRANT_FILTER: FilterTable = {
  resource: 'OAuth2PermissionGrant',
  properties: [
    { name: 'resourceId', kind: 'id', ops: ['eq'] },
    { name: 'clientId', kind: 'id', ops: [], advancedOps: ['eq'] },
  ],
};

export function listPermissionGrants(x: ReadContext, id: string | undefined): ReadResult {
  const grants = x.tenant.access?.permissionGrants ?? [];
  if (id !== undefined) {
    const found = grants.find((g) => g.id === id);
    return singleItem(x, 'oauth2PermissionGrants', 'oAuth2PermissionGrant', id, found && { ...found });
  }
  const items = listingView(x, () => filtered(x, grants, GRANT_FILTER));
  return pageList(x, {
    fragment: 'oauth2PermissionGrants',
    type: 'oAuth2PermissionGrant',
    items,
    idOf: (g) => g.id,
    toObject: (g) => ({ ...g }),
  });
}

const DEFINITION_FILTER: FilterTable = {
  resource: 'UnifiedRoleDefinition',
  properties: [
    { name: 'id', kind: 'id', ops: ['eq', 'in'] },
    { name: 'templateId', kind: 'id', ops: ['eq', 'in'] },
    { name: 'displayName', kind: 'string', ops: ['eq', 'in', 'startswith'] },
    { name: 'isBuiltIn', kind: 'bool', ops: ['eq'] },
  ],
};

export function listRoleDefinitions(x: ReadContext, id: string | undefined): ReadResult {
  const all = DIRECTORY_ROLES.map(roleDefinitionObject);
  const fragment = 'roleManagement/directory/roleDefinitions';
  if (id !== undefined) {
    const found = all.find((d) => String(d.id).toLowerCase() === id.toLowerCase());
    return singleItem(x, fragment, 'unifiedRoleDefinition', id, found);
  }
  return pageList(x, {
    fragment,
    type: 'unifiedRoleDefinition',
    items: filtered(x, all, DEFINITION_FILTER),
    idOf: (d) => String(d.id),
    toObject: (d) => d,
  });
}

/** unifiedRoleAssignment: roleDefinitionId and principalId support eq and in (v1.0 typings). */
const ASSIGNMENT_FILTER: FilterTable = {
  resource: 'UnifiedRoleAssignment',
  properties: [
    { name: 'id', kind: 'string', ops: ['eq'] },
    { name: 'roleDefinitionId', kind: 'id', ops: ['eq', 'in'] },
    { name: 'principalId', kind: 'id', ops: ['eq', 'in'] },
    { name: 'directoryScopeId', kind: 'string', ops: ['eq'] },
  ],
};

/** v1.0 shape; `resourceScope` is the legacy field Graph's examples still show (facts §5.8). */
export function roleAssignmentObject(a: StoredRoleAssignment): Record<string, unknown> {
  return {
    id: a.id,
    principalId: a.principalId,
    resourceScope: a.directoryScopeId,
    directoryScopeId: a.directoryScopeId,
    appScopeId: null,
    condition: null,
    roleDefinitionId: a.roleDefinitionId,
  };
}

export function listRoleAssignments(x: ReadContext, id: string | undefined): ReadResult {
  const stored = x.tenant.access?.roleAssignments ?? [];
  const fragment = 'roleManagement/directory/roleAssignments';
  if (id !== undefined) {
    const found = stored.find((a) => a.id === id);
    return singleItem(x, fragment, 'unifiedRoleAssignment', id, found && roleAssignmentObject(found));
  }
  const items = listingView(x, () =>
    filtered(
      x,
      stored.map((a) => roleAssignmentObject(a)),
      ASSIGNMENT_FILTER,
    ),
  );
  return pageList(x, {
    fragment,
    type: 'unifiedRoleAssignment',
    items,
    idOf: (a) => String(a.id),
    toObject: (a) => a,
  });
}

/** unifiedRoleEligibilityScheduleInstance: each of these supports eq and ne (DC resource page). */
const ELIGIBILITY_FILTER: FilterTable = {
  resource: 'UnifiedRoleEligibilityScheduleInstance',
  properties: [
    { name: 'id', kind: 'string', ops: ['eq'] },
    { name: 'principalId', kind: 'id', ops: ['eq', 'ne'] },
    { name: 'roleDefinitionId', kind: 'id', ops: ['eq', 'ne'] },
    { name: 'directoryScopeId', kind: 'string', ops: ['eq', 'ne'] },
    { name: 'appScopeId', kind: 'string', ops: ['eq', 'ne'] },
    { name: 'memberType', kind: 'string', ops: ['eq', 'ne'] },
    { name: 'roleEligibilityScheduleId', kind: 'id', ops: ['eq', 'ne'] },
  ],
};

/**
 * What Graph answers a tenant without Entra ID P2 or ID Governance: HTTP 400, as quoted from the live service
 * in maester365/maester issue 1421 (v1.0 roleEligibilityScheduleInstances, 2026); EntraExporter issue 61 quotes
 * the older wording "The tenant needs an AAD Premium 2 license." for the same code.
 */
export const licenceRequired = () =>
  new GraphError(
    400,
    'AadPremiumLicenseRequired',
    'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
  );

/** v1.0 shape (DC unifiedroleeligibilityscheduleinstance.md and the list example). */
export function roleEligibilityObject(e: StoredRoleEligibility): Record<string, unknown> {
  return {
    id: e.id,
    principalId: e.principalId,
    roleDefinitionId: e.roleDefinitionId,
    directoryScopeId: e.directoryScopeId,
    appScopeId: null,
    startDateTime: e.startDateTime,
    endDateTime: e.endDateTime,
    memberType: e.memberType,
    roleEligibilityScheduleId: e.roleEligibilityScheduleId,
  };
}

/** PIM needs Entra ID P2 (or ID Governance), checked after the permission as for the sign-in reports. */
export function listRoleEligibilities(x: ReadContext, id: string | undefined): ReadResult {
  if (licenceOf(x.tenant) !== 'p2') throw licenceRequired();
  const stored = x.tenant.access?.roleEligibilities ?? [];
  const fragment = 'roleManagement/directory/roleEligibilityScheduleInstances';
  const type = 'unifiedRoleEligibilityScheduleInstance';
  if (id !== undefined) {
    const found = stored.find((e) => e.id === id);
    return singleItem(x, fragment, type, id, found && roleEligibilityObject(found));
  }
  const items = listingView(x, () => filtered(x, stored.map(roleEligibilityObject), ELIGIBILITY_FILTER));
  return pageList(x, { fragment, type, items, idOf: (e) => String(e.id), toObject: (e) => e });
}
