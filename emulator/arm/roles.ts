// Azure RBAC role definitions: the built-in roles the generator assigns, and the custom-role templates it
// draws from. Ids come from risk-and-controls §1.4 (privileged roles) except Reader, whose id §1.4 does not give:
// learn.microsoft.com/azure/role-based-access-control/built-in-roles/general (acdd72a7-3385-48ef-bd42-f606fba81ae7).
// Permissions are Microsoft's published definitions (learn built-in-roles pages; azure-rbac-catalog.org raw JSON).
import type { RoleDefinition, RolePermission } from './model.ts';

const permission = (
  actions: string[],
  notActions: string[] = [],
  dataActions: string[] = [],
): RolePermission => ({
  actions,
  notActions,
  dataActions,
  notDataActions: [],
});

function builtIn(name: string, roleName: string, description: string, perm: RolePermission): RoleDefinition {
  return {
    name,
    roleName,
    description,
    roleType: 'BuiltInRole',
    permissions: [perm],
    assignableScopes: ['/'],
  };
}

export const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
export const USER_ACCESS_ADMINISTRATOR = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
export const RBAC_ADMINISTRATOR = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168';
export const MANAGED_IDENTITY_CONTRIBUTOR = 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59';
export const MANAGED_IDENTITY_FIC_CONTRIBUTOR = '7e559ce2-48d7-4b27-9128-fa1b247f1308';
export const KEY_VAULT_ADMINISTRATOR = '00482a5a-887f-4fb3-b363-3b7fe8e74483';

const SUPPORT_READS = [
  'Microsoft.Authorization/*/read',
  'Microsoft.Insights/alertRules/*',
  'Microsoft.Resources/subscriptions/resourceGroups/read',
  'Microsoft.Resources/deployments/*',
];

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  builtIn(
    OWNER,
    'Owner',
    'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
    permission(['*']),
  ),
  builtIn(
    CONTRIBUTOR,
    'Contributor',
    'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    permission(
      ['*'],
      [
        'Microsoft.Authorization/*/Delete',
        'Microsoft.Authorization/*/Write',
        'Microsoft.Authorization/elevateAccess/Action',
        'Microsoft.Blueprint/blueprintAssignments/write',
        'Microsoft.Blueprint/blueprintAssignments/delete',
        'Microsoft.Compute/galleries/share/action',
        'Microsoft.Purview/consents/write',
        'Microsoft.Purview/consents/delete',
        'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
      ],
    ),
  ),
  builtIn(
    READER,
    'Reader',
    'View all resources, but does not allow you to make any changes.',
    permission(['*/read']),
  ),
  builtIn(
    USER_ACCESS_ADMINISTRATOR,
    'User Access Administrator',
    'Lets you manage user access to Azure resources.',
    permission(['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*']),
  ),
  builtIn(
    RBAC_ADMINISTRATOR,
    'Role Based Access Control Administrator',
    'Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.',
    permission([
      'Microsoft.Authorization/roleAssignments/write',
      'Microsoft.Authorization/roleAssignments/delete',
      '*/read',
      'Microsoft.Support/*',
    ]),
  ),
  builtIn(
    MANAGED_IDENTITY_CONTRIBUTOR,
    'Managed Identity Contributor',
    'Create, Read, Update, and Delete User Assigned Identity',
    permission([
      'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/delete',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete',
      'Microsoft.ManagedIdentity/userAssignedIdentities/revokeTokens/action',
      ...SUPPORT_READS,
      'Microsoft.Support/*',
    ]),
  ),
  builtIn(
    MANAGED_IDENTITY_FIC_CONTRIBUTOR,
    'Managed Identity Federated Identity Credential Contributor',
    'Create, Read, Update, and Delete User Assigned Identity Federated Identity Credentials(FIC)',
    permission([
      'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete',
      ...SUPPORT_READS,
    ]),
  ),
  builtIn(
    KEY_VAULT_ADMINISTRATOR,
    'Key Vault Administrator',
    "Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and secrets. Cannot manage key vault resources or manage role assignments. Only works for key vaults that use the 'Azure role-based access control' permission model.",
    permission(
      [
        'Microsoft.Authorization/*/read',
        'Microsoft.Insights/alertRules/*',
        'Microsoft.Resources/deployments/*',
        'Microsoft.Resources/subscriptions/resourceGroups/read',
        'Microsoft.Support/*',
        'Microsoft.KeyVault/checkNameAvailability/read',
        'Microsoft.KeyVault/deletedVaults/read',
        'Microsoft.KeyVault/locations/*/read',
        'Microsoft.KeyVault/vaults/*/read',
        'Microsoft.KeyVault/operations/read',
      ],
      [],
      ['Microsoft.KeyVault/vaults/*'],
    ),
  ),
];

export interface CustomRoleTemplate {
  roleName: string;
  description: string;
  permission: RolePermission;
}

/**
 * Custom roles tenants really write (ours, not Microsoft's). The first two are the risky shapes a scanner must
 * flag: `*` actions (Owner in all but name) and `Microsoft.Authorization/*\/write` (can grant itself anything).
 */
export const CUSTOM_ROLE_TEMPLATES: readonly CustomRoleTemplate[] = [
  {
    roleName: 'Platform Deployer',
    description: 'Deployment pipelines: full control of the subscription.',
    permission: permission(['*'], ['Microsoft.Authorization/elevateAccess/Action']),
  },
  {
    roleName: 'Access Delegator',
    description: 'Lets the platform team delegate access.',
    permission: permission(['*/read', 'Microsoft.Authorization/*/write']),
  },
  {
    roleName: 'Workload Identity Federation Manager',
    description: 'Adds federated credentials to user-assigned identities.',
    permission: permission([
      'Microsoft.ManagedIdentity/userAssignedIdentities/read',
      'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/*',
    ]),
  },
  {
    roleName: 'VM Operator',
    description: 'Start, stop and restart virtual machines.',
    permission: permission([
      'Microsoft.Compute/virtualMachines/read',
      'Microsoft.Compute/virtualMachines/start/action',
      'Microsoft.Compute/virtualMachines/powerOff/action',
      'Microsoft.Compute/virtualMachines/restart/action',
    ]),
  },
  {
    roleName: 'App Settings Reader',
    description: 'Reads web app configuration.',
    permission: permission(['Microsoft.Web/sites/read', 'Microsoft.Web/sites/config/list/action']),
  },
];
