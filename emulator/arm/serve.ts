// Answers each ARM route from the tenant's state: subscriptions and management groups, role definitions and
// assignments with their filters (facts §9), user-assigned identities and their federated credentials, and the
// resources that carry identities.
import { armErrors } from './errors.ts';
import { assignmentFilter, definitionFilter, resourceFilter } from './filters.ts';
import type { ArmResource, ManagementGroup, RoleAssignment, RoleDefinition, Subscription } from './model.ts';
import { USER_ASSIGNED_IDENTITY_TYPE } from './model.ts';
import { pageSize } from './paging.ts';
import {
  cachedListing,
  eqi,
  listPage,
  type ReadContext,
  requireGroup,
  requireManagementGroups,
  requireScope,
  requireSubscription,
} from './read-context.ts';
import type { ArmRoute } from './routes.ts';
import { type Scope, scopeKey } from './scopes.ts';
import {
  descendantWire,
  federatedCredentialWire,
  identityWire,
  managementGroupDetailWire,
  managementGroupId,
  managementGroupWire,
  resourceWire,
  roleAssignmentWire,
  roleDefinitionWire,
  subscriptionWire,
} from './wire.ts';

export interface Served {
  body: unknown;
  objects: number;
}

const READ = {
  subscription: 'Microsoft.Resources/subscriptions/read',
  managementGroup: 'Microsoft.Management/managementGroups/read',
  descendants: 'Microsoft.Management/managementGroups/descendants/read',
  roleAssignments: 'Microsoft.Authorization/roleAssignments/read',
  roleDefinitions: 'Microsoft.Authorization/roleDefinitions/read',
  identities: 'Microsoft.ManagedIdentity/userAssignedIdentities/read',
  credentials: 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
  resources: 'Microsoft.Resources/subscriptions/resources/read',
};

const one = (body: unknown): Served => ({ body, objects: 0 });

function managementGroup(rc: ReadContext, name: string, action: string): ManagementGroup {
  requireManagementGroups(rc, action, managementGroupId(name));
  const group = rc.index.state.managementGroups.find((g) => eqi(g.name, name));
  if (!group) throw armErrors.managementGroupNotFound(name);
  return group;
}

function descendants(rc: ReadContext, name: string): Array<ManagementGroup | Subscription> {
  const { managementGroups, subscriptions } = rc.index.state;
  const out: Array<ManagementGroup | Subscription> = [];
  const walk = (parent: string) => {
    for (const g of managementGroups) {
      if (g.parent !== parent) continue;
      out.push(g);
      walk(g.name);
    }
    out.push(...subscriptions.filter((s) => s.managementGroup === parent));
  };
  walk(name);
  return out;
}

/** Assignments at or above the scope (atScope()), or at, above and below it (no filter, principalId eq). */
function assignments(rc: ReadContext, scope: Scope): readonly RoleAssignment[] {
  const filter = assignmentFilter(rc.url.searchParams.get('$filter'));
  const { scopes, state } = rc.index;
  const key = `ra|${scopeKey(scope.id)}|${filter.atScope}|${filter.principalId?.toLowerCase() ?? ''}`;
  return cachedListing(rc, key, () => {
    const above = new Set(scopes.chain(scope.id));
    const self = scopeKey(scope.id);
    return state.roleAssignments.filter((a) => {
      if (filter.principalId !== undefined && !eqi(a.principalId, filter.principalId)) return false;
      if (above.has(scopeKey(a.scope))) return true;
      return !filter.atScope && scopes.chain(a.scope).includes(self);
    });
  });
}

/** Definitions usable at the scope (built-in everywhere, custom where assignable at or above it). */
function definitions(rc: ReadContext, scope: Scope): readonly RoleDefinition[] {
  const filter = definitionFilter(rc.url.searchParams.get('$filter'));
  const { scopes, state } = rc.index;
  const key = `rd|${scopeKey(scope.id)}|${filter.atScopeAndBelow}|${filter.roleName ?? ''}|${filter.type ?? ''}`;
  return cachedListing(rc, key, () => {
    const above = new Set(scopes.chain(scope.id));
    const self = scopeKey(scope.id);
    return state.roleDefinitions.filter((r) => {
      if (filter.roleName !== undefined && !eqi(r.roleName, filter.roleName)) return false;
      if (filter.type !== undefined && !eqi(r.roleType, filter.type)) return false;
      if (r.roleType === 'BuiltInRole') return true;
      return r.assignableScopes.some(
        (s) => above.has(scopeKey(s)) || (filter.atScopeAndBelow && scopes.chain(s).includes(self)),
      );
    });
  });
}

function resources(
  rc: ReadContext,
  subscriptionId: string,
  group: string | undefined,
): readonly ArmResource[] {
  const filter = resourceFilter(rc.url.searchParams.get('$filter'));
  const { state } = rc.index;
  const key = `res|${subscriptionId}|${group ?? ''}|${filter.resourceType ?? ''}|${filter.principalId ?? ''}`;
  return cachedListing(rc, key.toLowerCase(), () => {
    // User-assigned identities are resources too; they carry no identity block of their own.
    const all: ArmResource[] = [
      ...state.resources,
      ...state.userAssignedIdentities.map((u) => ({
        ...u,
        type: USER_ASSIGNED_IDENTITY_TYPE,
        systemAssignedPrincipalId: null,
        userAssignedIdentities: [],
      })),
    ];
    return all.filter(
      (r) =>
        eqi(r.subscriptionId, subscriptionId) &&
        (group === undefined || eqi(r.resourceGroup, group)) &&
        (filter.resourceType === undefined || eqi(r.type, filter.resourceType)) &&
        (filter.principalId === undefined ||
          eqi(r.systemAssignedPrincipalId ?? '', filter.principalId) ||
          r.userAssignedIdentities.some((id) =>
            eqi(rc.index.identities.get(id.toLowerCase())?.principalId ?? '', filter.principalId!),
          )),
    );
  });
}

function identity(
  rc: ReadContext,
  route: { subscriptionId: string; resourceGroup: string; name: string },
  action: string,
) {
  const scope = `/subscriptions/${route.subscriptionId}/resourceGroups/${route.resourceGroup}`;
  requireSubscription(rc, route.subscriptionId, action, scope);
  requireGroup(rc, route.subscriptionId, route.resourceGroup);
  const found = rc.index.state.userAssignedIdentities.find(
    (u) =>
      eqi(u.subscriptionId, route.subscriptionId) &&
      eqi(u.resourceGroup, route.resourceGroup) &&
      eqi(u.name, route.name),
  );
  if (!found) throw armErrors.resourceNotFound(USER_ASSIGNED_IDENTITY_TYPE, route.name, route.resourceGroup);
  return found;
}

export function serve(rc: ReadContext, route: ArmRoute): Served {
  const { state } = rc.index;
  const tenantId = state.tenantId;
  switch (route.kind) {
    case 'subscriptions': {
      // Only the subscriptions the caller holds a role on are listed (facts §9: "subscriptions the caller can read").
      const readable = state.subscriptions.filter((s) => rc.access.canReadSubscription(s.subscriptionId));
      return listPage(rc, readable, (s) => subscriptionWire(s, tenantId));
    }
    case 'subscription': {
      const id = route.subscriptionId;
      requireSubscription(rc, id, READ.subscription, `/subscriptions/${id}`);
      return one(subscriptionWire(state.subscriptions.find((s) => eqi(s.subscriptionId, id))!, tenantId));
    }
    case 'managementGroups': {
      const groups = rc.access.canReadManagementGroups() ? state.managementGroups : [];
      return listPage(rc, groups, (g) => managementGroupWire(g, tenantId), { nullNextLink: true });
    }
    case 'managementGroup': {
      const group = managementGroup(rc, route.name, READ.managementGroup);
      const expand = rc.url.searchParams.get('$expand')?.toLowerCase().split(',') ?? [];
      return one(managementGroupDetailWire(group, state, expand.includes('children')));
    }
    case 'descendants': {
      const group = managementGroup(rc, route.name, READ.descendants);
      const all = cachedListing(rc, `desc|${group.name}`, () => descendants(rc, group.name));
      return listPage(rc, all, descendantWire, { size: pageSize(rc.url, rc.pageSize), nullNextLink: true });
    }
    case 'roleAssignments':
      requireScope(rc, route.scope, READ.roleAssignments);
      return listPage(rc, assignments(rc, route.scope), roleAssignmentWire);
    case 'roleDefinitions':
      // Built-in definitions at `/` are readable by any caller, so a client can always name a role id.
      if (route.scope.kind !== 'root') requireScope(rc, route.scope, READ.roleDefinitions);
      return listPage(rc, definitions(rc, route.scope), (r) => roleDefinitionWire(r, route.scope.id));
    case 'roleDefinition': {
      if (route.scope.kind !== 'root') requireScope(rc, route.scope, READ.roleDefinitions);
      const pool = route.scope.kind === 'root' ? state.roleDefinitions : definitions(rc, route.scope);
      const role = pool.find((r) => eqi(r.name, route.id));
      if (!role) throw armErrors.roleDefinitionNotFound(route.id);
      return one(roleDefinitionWire(role, route.scope.id));
    }
    case 'identities': {
      const { subscriptionId: sub, resourceGroup: group } = route;
      const scope = `/subscriptions/${sub}${group ? `/resourceGroups/${group}` : ''}`;
      requireSubscription(rc, sub, READ.identities, scope);
      if (group !== undefined) requireGroup(rc, sub, group);
      const all = cachedListing(rc, `uami|${scope.toLowerCase()}`, () =>
        state.userAssignedIdentities.filter(
          (u) => eqi(u.subscriptionId, sub) && (group === undefined || eqi(u.resourceGroup, group)),
        ),
      );
      return listPage(rc, all, (u) => identityWire(u, tenantId));
    }
    case 'identity':
      return one(identityWire(identity(rc, route, READ.identities), tenantId));
    case 'federatedCredentials': {
      const uami = identity(rc, route, READ.credentials);
      const indexes = uami.federatedIdentityCredentials.map((_, i) => i);
      return listPage(rc, indexes, (i) => federatedCredentialWire(uami, i), {
        size: pageSize(rc.url, rc.pageSize),
      });
    }
    case 'federatedCredential': {
      const uami = identity(rc, route, READ.credentials);
      const i = uami.federatedIdentityCredentials.findIndex((f) => eqi(f.name, route.credential));
      if (i < 0) {
        throw armErrors.resourceNotFound(
          `${USER_ASSIGNED_IDENTITY_TYPE}/federatedIdentityCredentials`,
          `${uami.name}/${route.credential}`,
          route.resourceGroup,
        );
      }
      return one(federatedCredentialWire(uami, i));
    }
    case 'resources': {
      const { subscriptionId: sub, resourceGroup: group } = route;
      const scope = `/subscriptions/${sub}${group ? `/resourceGroups/${group}` : ''}`;
      requireSubscription(rc, sub, READ.resources, scope);
      if (group !== undefined) requireGroup(rc, sub, group);
      const size = pageSize(rc.url, rc.pageSize);
      return listPage(rc, resources(rc, sub, group), (r) => resourceWire(r, tenantId, rc.index.identities), {
        size,
      });
    }
  }
}
