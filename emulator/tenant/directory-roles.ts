// Built-in Entra directory roles the emulator serves under /roleManagement/directory/roleDefinitions. Every
// templateId comes from the shared reference: microsoft-cloud-facts.md §10 (ED permissions-reference.md) and
// risk-and-controls.md §1.3 (AzTier / Prowler tier-0 lists). A built-in role's id equals its templateId.
// Real tenants list about 130 built-in roles; this is the subset whose ids the reference gives.

export interface DirectoryRole {
  templateId: string;
  displayName: string;
}

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
export const PRIVILEGED_ROLE_ADMINISTRATOR = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
export const APPLICATION_ADMINISTRATOR = '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3';
export const CLOUD_APPLICATION_ADMINISTRATOR = '158c047a-c907-4556-b7ef-446551a6b5f7';
export const PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';
export const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
export const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
export const APPLICATION_DEVELOPER = 'cf1c38e5-3621-4004-a7cb-879624dced7c';
export const REPORTS_READER = '4a5d8f65-41da-4de4-8968-e035b65339cf';
export const SECURITY_ADMINISTRATOR = '194ae4cb-b126-40b2-bd5b-6091b380977d';
export const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
export const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
export const PASSWORD_ADMINISTRATOR = '966707d0-3269-4727-9be2-8c3a10f19b9d';
export const AUTHENTICATION_ADMINISTRATOR = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
export const GROUPS_ADMINISTRATOR = 'fdd7a751-b60b-444a-984c-02652fe8fa1c';
export const EXCHANGE_ADMINISTRATOR = '29232cdf-9323-42fd-ade2-1d097af3e4de';
export const INTUNE_ADMINISTRATOR = '3a2c62db-5318-420d-8d74-23affee5d9d5';

export const DIRECTORY_ROLES: readonly DirectoryRole[] = [
  // microsoft-cloud-facts.md §10
  { templateId: GLOBAL_ADMINISTRATOR, displayName: 'Global Administrator' },
  { templateId: PRIVILEGED_ROLE_ADMINISTRATOR, displayName: 'Privileged Role Administrator' },
  { templateId: APPLICATION_ADMINISTRATOR, displayName: 'Application Administrator' },
  { templateId: CLOUD_APPLICATION_ADMINISTRATOR, displayName: 'Cloud Application Administrator' },
  {
    templateId: PRIVILEGED_AUTHENTICATION_ADMINISTRATOR,
    displayName: 'Privileged Authentication Administrator',
  },
  { templateId: GLOBAL_READER, displayName: 'Global Reader' },
  { templateId: DIRECTORY_READERS, displayName: 'Directory Readers' },
  { templateId: APPLICATION_DEVELOPER, displayName: 'Application Developer' },
  { templateId: REPORTS_READER, displayName: 'Reports Reader' },
  // risk-and-controls.md §1.3
  { templateId: 'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8', displayName: 'Partner Tier2 Support' },
  { templateId: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', displayName: 'Conditional Access Administrator' },
  { templateId: SECURITY_ADMINISTRATOR, displayName: 'Security Administrator' },
  { templateId: '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', displayName: 'Hybrid Identity Administrator' },
  { templateId: '8329153b-31d0-4727-b945-745eb3bc5f31', displayName: 'Domain Name Administrator' },
  {
    templateId: 'be2f45a1-457d-42af-a067-6ec1fa63bc45',
    displayName: 'External Identity Provider Administrator',
  },
  { templateId: AUTHENTICATION_ADMINISTRATOR, displayName: 'Authentication Administrator' },
  { templateId: USER_ADMINISTRATOR, displayName: 'User Administrator' },
  { templateId: EXCHANGE_ADMINISTRATOR, displayName: 'Exchange Administrator' },
  { templateId: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', displayName: 'SharePoint Administrator' },
  { templateId: '9360feb5-f418-4baa-8175-e2a00bac4301', displayName: 'Directory Writers' },
  { templateId: GROUPS_ADMINISTRATOR, displayName: 'Groups Administrator' },
  { templateId: HELPDESK_ADMINISTRATOR, displayName: 'Helpdesk Administrator' },
  { templateId: PASSWORD_ADMINISTRATOR, displayName: 'Password Administrator' },
  { templateId: INTUNE_ADMINISTRATOR, displayName: 'Intune Administrator' },
  { templateId: '0526716b-113d-4c15-b2c8-68e3c22b9f80', displayName: 'Authentication Policy Administrator' },
  { templateId: 'd29b2b05-8046-44ba-8758-1e26182fcf32', displayName: 'Directory Synchronization Accounts' },
];

export const DIRECTORY_ROLE_BY_ID: ReadonlyMap<string, DirectoryRole> = new Map(
  DIRECTORY_ROLES.map((r) => [r.templateId, r]),
);

/** Roles that may be scoped to one application (directoryScopeId "/{applicationObjectId}"). */
export const APP_SCOPABLE_ROLES: ReadonlySet<string> = new Set([
  APPLICATION_ADMINISTRATOR,
  CLOUD_APPLICATION_ADMINISTRATOR,
]);

/** Roles that may be scoped to an administrative unit. */
export const UNIT_SCOPABLE_ROLES: ReadonlySet<string> = new Set([
  USER_ADMINISTRATOR,
  HELPDESK_ADMINISTRATOR,
  PASSWORD_ADMINISTRATOR,
  AUTHENTICATION_ADMINISTRATOR,
  GROUPS_ADMINISTRATOR,
]);

/** The unifiedRoleDefinition Graph returns for a built-in role (v1.0 shape). */
export function roleDefinitionObject(role: DirectoryRole): Record<string, unknown> {
  return {
    id: role.templateId,
    // Microsoft's descriptions and rolePermissions are not in the reference; served as null / empty.
    description: null,
    displayName: role.displayName,
    isBuiltIn: true,
    isEnabled: true,
    resourceScopes: ['/'],
    templateId: role.templateId,
    version: '1',
    rolePermissions: [],
  };
}
