// Azure Resource Manager state of one emulated tenant: management groups, subscriptions, role definitions and
// assignments, user-assigned identities with their federated credentials, and the resources that carry
// identities. generate.ts builds it from a TenantState; the routes only read it.

/** The api-versions Microsoft documents for each route (facts §9, SPECS); the emulator accepts any version. */
export const ARM_API_VERSIONS = {
  subscriptions: '2022-12-01',
  managementGroups: '2023-04-01',
  authorization: '2022-04-01',
  managedIdentity: '2023-01-31',
  resources: '2021-04-01',
} as const;

export interface ManagementGroup {
  /** The group id in its ARM id; the tenant root group's is the tenant id. */
  name: string;
  displayName: string;
  /** Parent group name; null for the tenant root group. */
  parent: string | null;
}

export interface Subscription {
  subscriptionId: string;
  displayName: string;
  /** Name of the management group the subscription sits in. */
  managementGroup: string;
}

export interface ResourceGroup {
  subscriptionId: string;
  name: string;
  location: string;
}

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinition {
  /** The role definition GUID. */
  name: string;
  roleName: string;
  description: string;
  roleType: 'BuiltInRole' | 'CustomRole';
  permissions: RolePermission[];
  /** `['/']` for built-in roles; a custom role's own subscription. */
  assignableScopes: string[];
}

export interface RoleAssignment {
  /** The assignment GUID. */
  name: string;
  /** `/providers/Microsoft.Management/managementGroups/{mg}`, `/subscriptions/{s}`, `…/resourceGroups/{rg}` or a resource id. */
  scope: string;
  /** GUID of the role definition. */
  roleDefinitionName: string;
  principalId: string;
  principalType: 'ServicePrincipal';
  createdOn: string;
  /** Object id of the user who made the assignment, or null. */
  createdBy: string | null;
}

export interface FederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface UserAssignedIdentity {
  /** Resource id exactly as the identity's service principal names it in `alternativeNames`. */
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** Object id of the identity's service principal in the tenant. */
  principalId: string;
  /** appId of that service principal. */
  clientId: string;
  federatedIdentityCredentials: FederatedCredential[];
}

/** A resource other than a user-assigned identity: carries a system-assigned identity, user-assigned ones, or none. */
export interface ArmResource {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  type: string;
  location: string;
  systemAssignedPrincipalId: string | null;
  /** Resource ids of the user-assigned identities attached to it. */
  userAssignedIdentities: string[];
}

export interface ArmState {
  tenantId: string;
  managementGroups: ManagementGroup[];
  subscriptions: Subscription[];
  resourceGroups: ResourceGroup[];
  roleDefinitions: RoleDefinition[];
  roleAssignments: RoleAssignment[];
  userAssignedIdentities: UserAssignedIdentity[];
  resources: ArmResource[];
}

export const ROLE_ASSIGNMENTS = 'Microsoft.Authorization/roleAssignments';
export const ROLE_DEFINITIONS = 'Microsoft.Authorization/roleDefinitions';
export const USER_ASSIGNED_IDENTITY_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
export const MANAGEMENT_GROUP_PREFIX = '/providers/Microsoft.Management/managementGroups/';
