// The JSON ARM returns for each object, after the SPECS examples named in facts §9 (GetSubscriptions,
// RoleAssignments_ListForScope, GetRoleDefinitionById, ListManagementGroups, GetDescendants) and the
// Microsoft.ManagedIdentity 2023-01-31 examples (IdentityListBySubscription, FederatedIdentityCredentialList).
import {
  type ArmResource,
  type ArmState,
  MANAGEMENT_GROUP_PREFIX,
  type ManagementGroup,
  ROLE_ASSIGNMENTS,
  ROLE_DEFINITIONS,
  type RoleAssignment,
  type RoleDefinition,
  type Subscription,
  USER_ASSIGNED_IDENTITY_TYPE,
  type UserAssignedIdentity,
} from './model.ts';
import { subscriptionOf } from './scopes.ts';

export function subscriptionWire(sub: Subscription, tenantId: string) {
  return {
    id: `/subscriptions/${sub.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: sub.subscriptionId,
    tenantId,
    displayName: sub.displayName,
    state: 'Enabled',
    // Values of the SPECS example; real ones depend on the offer (EA, MCA, …).
    subscriptionPolicies: {
      locationPlacementId: 'Internal_2014-09-01',
      quotaId: 'Internal_2014-09-01',
      spendingLimit: 'Off',
    },
    tags: {},
  };
}

export const managementGroupId = (name: string) => `${MANAGEMENT_GROUP_PREFIX}${name}`;

export function managementGroupWire(group: ManagementGroup, tenantId: string) {
  return {
    id: managementGroupId(group.name),
    type: 'Microsoft.Management/managementGroups',
    name: group.name,
    properties: { tenantId, displayName: group.displayName },
  };
}

/** GET of one group: `details.parent`, and `children` when `$expand=children` asked for them. */
export function managementGroupDetailWire(group: ManagementGroup, state: ArmState, children: boolean) {
  const parent = state.managementGroups.find((g) => g.name === group.parent);
  const base = managementGroupWire(group, state.tenantId);
  const kids = children
    ? [
        ...state.managementGroups
          .filter((g) => g.parent === group.name)
          .map((g) => ({
            type: 'Microsoft.Management/managementGroups',
            id: managementGroupId(g.name),
            name: g.name,
            displayName: g.displayName,
          })),
        ...state.subscriptions
          .filter((s) => s.managementGroup === group.name)
          .map((s) => ({
            type: '/subscriptions',
            id: `/subscriptions/${s.subscriptionId}`,
            name: s.subscriptionId,
            displayName: s.displayName,
          })),
      ]
    : undefined;
  return {
    ...base,
    properties: {
      ...base.properties,
      details: {
        parent: parent
          ? { id: managementGroupId(parent.name), name: parent.name, displayName: parent.displayName }
          : null,
      },
      ...(kids ? { children: kids } : {}),
    },
  };
}

export function descendantWire(item: ManagementGroup | Subscription) {
  if ('subscriptionId' in item) {
    return {
      id: `/subscriptions/${item.subscriptionId}`,
      type: 'Microsoft.Management/managementGroups/subscriptions',
      name: item.subscriptionId,
      properties: { displayName: item.displayName, parent: { id: managementGroupId(item.managementGroup) } },
    };
  }
  return {
    id: managementGroupId(item.name),
    type: 'Microsoft.Management/managementGroups',
    name: item.name,
    properties: { displayName: item.displayName, parent: { id: managementGroupId(item.parent ?? '') } },
  };
}

/**
 * A role definition's id as listed at `atScope`: custom roles live in their subscription; built-in roles are
 * named under the subscription the request was made in, else under the tenant (facts §9 item shape).
 */
export function roleDefinitionId(role: RoleDefinition, atScope: string): string {
  const home =
    role.roleType === 'CustomRole' ? subscriptionOf(role.assignableScopes[0]!) : subscriptionOf(atScope);
  return `${home ? `/subscriptions/${home}` : ''}/providers/${ROLE_DEFINITIONS}/${role.name}`;
}

export function roleDefinitionWire(role: RoleDefinition, atScope: string) {
  return {
    properties: {
      roleName: role.roleName,
      type: role.roleType,
      description: role.description,
      assignableScopes: role.assignableScopes,
      permissions: role.permissions,
    },
    id: roleDefinitionId(role, atScope),
    type: ROLE_DEFINITIONS,
    name: role.name,
  };
}

export function roleAssignmentWire(a: RoleAssignment) {
  const sub = subscriptionOf(a.scope);
  return {
    properties: {
      roleDefinitionId: `${sub ? `/subscriptions/${sub}` : ''}/providers/${ROLE_DEFINITIONS}/${a.roleDefinitionName}`,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: null,
      conditionVersion: null,
      createdOn: a.createdOn,
      updatedOn: a.createdOn,
      createdBy: a.createdBy,
      updatedBy: a.createdBy,
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
    id: `${a.scope === '/' ? '' : a.scope}/providers/${ROLE_ASSIGNMENTS}/${a.name}`,
    type: ROLE_ASSIGNMENTS,
    name: a.name,
  };
}

export function identityWire(uami: UserAssignedIdentity, tenantId: string) {
  return {
    id: uami.id,
    location: uami.location,
    name: uami.name,
    properties: { clientId: uami.clientId, principalId: uami.principalId, tenantId },
    tags: {},
    type: USER_ASSIGNED_IDENTITY_TYPE,
  };
}

export function federatedCredentialWire(uami: UserAssignedIdentity, index: number) {
  const fic = uami.federatedIdentityCredentials[index]!;
  return {
    id: `${uami.id}/federatedIdentityCredentials/${fic.name}`,
    name: fic.name,
    properties: { issuer: fic.issuer, subject: fic.subject, audiences: [...fic.audiences] },
    type: `${USER_ASSIGNED_IDENTITY_TYPE}/federatedIdentityCredentials`,
  };
}

/**
 * A `/resources` list item (GenericResourceExpanded) with its `identity` block: `SystemAssigned`,
 * `UserAssigned` or `SystemAssigned, UserAssigned`, as ARM's ManagedServiceIdentity type names them.
 */
export function resourceWire(
  r: ArmResource,
  tenantId: string,
  identities: ReadonlyMap<string, UserAssignedIdentity>,
) {
  const types = [
    ...(r.systemAssignedPrincipalId ? ['SystemAssigned'] : []),
    ...(r.userAssignedIdentities.length > 0 ? ['UserAssigned'] : []),
  ];
  const attached = Object.fromEntries(
    r.userAssignedIdentities.map((id) => {
      const uami = identities.get(id.toLowerCase());
      return [id, { principalId: uami?.principalId ?? null, clientId: uami?.clientId ?? null }];
    }),
  );
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    location: r.location,
    tags: {},
    ...(types.length > 0
      ? {
          identity: {
            type: types.join(', '),
            ...(r.systemAssignedPrincipalId ? { principalId: r.systemAssignedPrincipalId, tenantId } : {}),
            ...(r.userAssignedIdentities.length > 0 ? { userAssignedIdentities: attached } : {}),
          },
        }
      : {}),
  };
}
