// Microsoft first-party service principals and Microsoft Graph's permissions, as a tenant sees them.
// Graph role and scope GUIDs come from microsoftgraph/microsoft-graph-devx-content
// permissions/new/provisioningInfo.json (commit 6cbd6bbd, 2026-08-07, environment "public").

export interface GraphPermission {
  value: string;
  id: string;
  displayName: string;
}

/** Application permissions (app roles of the Microsoft Graph service principal). */
export const GRAPH_APP_ROLES: readonly GraphPermission[] = [
  {
    value: 'Application.Read.All',
    id: '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
    displayName: 'Read all applications',
  },
  {
    value: 'Application.ReadWrite.All',
    id: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
    displayName: 'Read and write all applications',
  },
  {
    value: 'Application.ReadWrite.OwnedBy',
    id: '18a4783c-866b-4cc7-a460-3d5e5662c884',
    displayName: 'Manage apps that this app creates or owns',
  },
  {
    value: 'AppRoleAssignment.ReadWrite.All',
    id: '06b708a9-e830-4db3-a914-8e69da51d44f',
    displayName: 'Manage app permission grants and app role assignments',
  },
  {
    value: 'AuditLog.Read.All',
    id: 'b0afded3-3588-46d8-8b3d-9842eff778da',
    displayName: 'Read all audit log data',
  },
  {
    value: 'Calendars.Read',
    id: '798ee544-9d2d-430c-a058-570e29e34338',
    displayName: 'Read calendars in all mailboxes',
  },
  {
    value: 'Calendars.ReadWrite',
    id: 'ef54d2bf-783f-4e0f-bca1-3210c0444d99',
    displayName: 'Read and write calendars in all mailboxes',
  },
  {
    value: 'ChannelMessage.Read.All',
    id: '7b2449af-6ccd-4f4d-9f78-e550c193f0d1',
    displayName: 'Read all channel messages',
  },
  {
    value: 'Chat.Read.All',
    id: '6b7d71aa-70aa-4810-a8d9-5d9fb2830017',
    displayName: 'Read all chat messages',
  },
  {
    value: 'Contacts.Read',
    id: '089fe4d0-434a-44c5-8827-41ba8a0b17f5',
    displayName: 'Read contacts in all mailboxes',
  },
  { value: 'Device.Read.All', id: '7438b122-aefc-4978-80ed-43db9fcc7715', displayName: 'Read all devices' },
  {
    value: 'DeviceManagementManagedDevices.Read.All',
    id: '2f51be20-0bb4-4fed-bf7b-db946066c75e',
    displayName: 'Read Microsoft Intune devices',
  },
  {
    value: 'Directory.Read.All',
    id: '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
    displayName: 'Read directory data',
  },
  {
    value: 'Directory.ReadWrite.All',
    id: '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
    displayName: 'Read and write directory data',
  },
  { value: 'Domain.Read.All', id: 'dbb9058a-0e50-45d7-ae91-66909b5d4664', displayName: 'Read domains' },
  {
    value: 'Files.Read.All',
    id: '01d4889c-1287-42c6-ac1f-5d1e02578ef6',
    displayName: 'Read files in all site collections',
  },
  {
    value: 'Files.ReadWrite.All',
    id: '75359482-378d-4052-8f01-80520e7db3cd',
    displayName: 'Read and write files in all site collections',
  },
  { value: 'Group.Read.All', id: '5b567255-7703-4780-807c-7be8301ae99b', displayName: 'Read all groups' },
  {
    value: 'Group.ReadWrite.All',
    id: '62a82d76-70ea-41e2-9197-370581804d09',
    displayName: 'Read and write all groups',
  },
  {
    value: 'GroupMember.Read.All',
    id: '98830695-27a2-44f7-8c18-0c3ebc9698f6',
    displayName: 'Read all group memberships',
  },
  {
    value: 'IdentityRiskEvent.Read.All',
    id: '6e472fd1-ad78-48da-a0f0-97ab2c6b769e',
    displayName: 'Read all identity risk event information',
  },
  {
    value: 'IdentityRiskyServicePrincipal.Read.All',
    id: '4ac0bcad-eaf8-4312-8b92-d8bd76c9b54d',
    displayName: 'Read all identity risky service principal information',
  },
  {
    value: 'IdentityRiskyUser.Read.All',
    id: 'dc5007c0-2d7d-4c42-879c-2dab87571379',
    displayName: 'Read all identity risky user information',
  },
  {
    value: 'Mail.Read',
    id: '810c84a8-4a9e-49e6-bf7d-12d183f40d01',
    displayName: 'Read mail in all mailboxes',
  },
  {
    value: 'Mail.ReadWrite',
    id: 'e2a3a72e-5f79-4c64-b1b1-878b674786c9',
    displayName: 'Read and write mail in all mailboxes',
  },
  { value: 'Mail.Send', id: 'b633e1c5-b582-4048-a93e-9f11b44c7e96', displayName: 'Send mail as any user' },
  {
    value: 'Organization.Read.All',
    id: '498476ce-e0fe-48b0-b801-37ba7e2685c6',
    displayName: 'Read organization information',
  },
  {
    value: 'Policy.Read.All',
    id: '246dd0d5-5bd0-4def-940b-0421030a5b68',
    displayName: "Read your organization's policies",
  },
  {
    value: 'Policy.ReadWrite.ConditionalAccess',
    id: '01c0a623-fc9b-48e9-b794-0756f8e8f067',
    displayName: "Read and write your organization's conditional access policies",
  },
  {
    value: 'Reports.Read.All',
    id: '230c1aed-a721-4c5d-9cb4-a90514e508ef',
    displayName: 'Read all usage reports',
  },
  {
    value: 'RoleManagement.Read.All',
    id: 'c7fbd983-d9aa-4fa7-84b8-17382c103bc4',
    displayName: 'Read role management data for all RBAC providers',
  },
  {
    value: 'RoleManagement.Read.Directory',
    id: '483bed4a-2ad3-4361-a73b-c83ccdbdc53c',
    displayName: 'Read all directory RBAC settings',
  },
  {
    value: 'RoleManagement.ReadWrite.Directory',
    id: '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
    displayName: 'Read and write all directory RBAC settings',
  },
  {
    value: 'SecurityEvents.Read.All',
    id: 'bf394140-e372-4bf9-a898-299cfc7564e5',
    displayName: "Read your organization's security events",
  },
  {
    value: 'Sites.FullControl.All',
    id: 'a82116e5-55eb-4c41-a434-62fe8a61c773',
    displayName: 'Have full control of all site collections',
  },
  {
    value: 'Sites.Read.All',
    id: '332a536c-c7ef-4017-ab91-336970924f0d',
    displayName: 'Read items in all site collections',
  },
  {
    value: 'Sites.ReadWrite.All',
    id: '9492366f-7969-46a4-8d15-ed1a20078fff',
    displayName: 'Read and write items in all site collections',
  },
  {
    value: 'Synchronization.ReadWrite.All',
    id: '9b50c33d-700f-43b1-b2eb-87e89b703581',
    displayName: 'Read and write all Azure AD synchronization data',
  },
  {
    value: 'Team.ReadBasic.All',
    id: '2280dda6-0bfd-44ee-a2f4-cb867cfc4c1e',
    displayName: 'Get a list of all teams',
  },
  {
    value: 'User.Read.All',
    id: 'df021288-bdef-4463-88db-98f22de89214',
    displayName: "Read all users' full profiles",
  },
  {
    value: 'User.ReadWrite.All',
    id: '741f803b-c850-494e-b5df-cde7c675a1ca',
    displayName: "Read and write all users' full profiles",
  },
];

/** Delegated permissions (oauth2PermissionScopes) used by generated apps' requiredResourceAccess. */
export const GRAPH_SCOPES: readonly GraphPermission[] = [
  {
    value: 'User.Read',
    id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
    displayName: 'Sign in and read user profile',
  },
  {
    value: 'User.ReadBasic.All',
    id: 'b340eb25-3456-403f-be2f-af7a0d370277',
    displayName: "Read all users' basic profiles",
  },
  {
    value: 'Directory.Read.All',
    id: '06da0dbc-49e2-44d2-8312-53f166ab848a',
    displayName: 'Read directory data',
  },
  { value: 'Group.Read.All', id: '5f8c59db-677d-491f-a6b8-5f174b11ec1d', displayName: 'Read all groups' },
  { value: 'Mail.Read', id: '570282fd-fa5c-430d-a7fd-fc8dc98a9dca', displayName: 'Read user mail' },
  {
    value: 'Files.Read.All',
    id: 'df85f4d6-205c-4ac5-a5ea-6bf408dba283',
    displayName: 'Read all files that user can access',
  },
];

/** Roles that let a principal take over the tenant or its apps; handed out rarely. */
export const PRIVILEGED_GRAPH_ROLES: readonly string[] = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'Directory.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'Mail.ReadWrite',
  'Sites.FullControl.All',
];

/** Everyday read roles, most often granted to line-of-business apps. */
export const COMMON_GRAPH_ROLES: readonly string[] = [
  'User.Read.All',
  'Group.Read.All',
  'GroupMember.Read.All',
  'Directory.Read.All',
  'Sites.Read.All',
  'Files.Read.All',
  'Mail.Send',
  'Mail.Read',
  'Calendars.Read',
  'Application.Read.All',
  'AuditLog.Read.All',
  'Reports.Read.All',
  'Organization.Read.All',
  'Device.Read.All',
  'Team.ReadBasic.All',
];

export const GRAPH_ROLE_BY_VALUE: ReadonlyMap<string, GraphPermission> = new Map(
  GRAPH_APP_ROLES.map((r) => [r.value, r]),
);

/**
 * First-party apps whose appIds are well known. Graph, AAD Graph, Exchange Online and Service Management
 * are confirmed by the shared facts file and the brief; the others are taken from Microsoft's published
 * first-party list and common tooling, not re-verified here.
 */
export const FIRST_PARTY_APPS: ReadonlyArray<{ appId: string; displayName: string }> = [
  { appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph' },
  { appId: '00000002-0000-0000-c000-000000000000', displayName: 'Windows Azure Active Directory' },
  { appId: '00000002-0000-0ff1-ce00-000000000000', displayName: 'Office 365 Exchange Online' },
  { appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', displayName: 'Windows Azure Service Management API' },
  { appId: '00000003-0000-0ff1-ce00-000000000000', displayName: 'Office 365 SharePoint Online' },
  { appId: '00000004-0000-0ff1-ce00-000000000000', displayName: 'Skype for Business Online' },
  { appId: '00000005-0000-0ff1-ce00-000000000000', displayName: 'Office 365 Yammer' },
  { appId: '00000006-0000-0ff1-ce00-000000000000', displayName: 'Microsoft Office 365 Portal' },
  { appId: '00000007-0000-0ff1-ce00-000000000000', displayName: 'Microsoft Exchange Online Protection' },
  { appId: '00000007-0000-0000-c000-000000000000', displayName: 'Dataverse' },
  { appId: '00000009-0000-0000-c000-000000000000', displayName: 'Power BI Service' },
  { appId: '0000000a-0000-0000-c000-000000000000', displayName: 'Microsoft Intune' },
  { appId: '0000000c-0000-0000-c000-000000000000', displayName: 'Microsoft App Access Panel' },
  { appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', displayName: 'Microsoft Azure CLI' },
  { appId: '1950a258-227b-4e31-a9cf-717495945fc2', displayName: 'Microsoft Azure PowerShell' },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', displayName: 'Azure Portal' },
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', displayName: 'Microsoft Teams' },
  { appId: 'c5393580-f805-4401-95e8-94b7a6ef2fc2', displayName: 'Office 365 Management APIs' },
  { appId: 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093', displayName: 'Azure Key Vault' },
  { appId: 'e406a681-f3d4-42a8-90b6-c2b029497af1', displayName: 'Azure Storage' },
  { appId: '022907d3-0f1b-48f7-badc-1ba6abab6d66', displayName: 'Azure SQL Database' },
  { appId: 'a232010e-820c-4083-83bb-3ace5fc29d0b', displayName: 'Azure Cosmos DB' },
  { appId: '6dae42f8-4368-4678-94ff-3960e28e3630', displayName: 'Azure Kubernetes Service AAD Server' },
  { appId: '499b84ac-1321-427f-aa17-267ca6975798', displayName: 'Azure DevOps' },
  { appId: '29d9ed98-a469-4536-ade2-f981bc1d605e', displayName: 'Microsoft Authentication Broker' },
  { appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064', displayName: 'Graph Explorer' },
  { appId: '14d82eec-204b-4c2f-b7e8-296a70dab67e', displayName: 'Microsoft Graph Command Line Tools' },
  { appId: '872cd9fa-d31f-45e0-9eab-6e460a02d1f1', displayName: 'Visual Studio - Legacy' },
  { appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', displayName: 'Microsoft Office' },
  { appId: '4765445b-32c6-49b0-83e6-1d93765276ca', displayName: 'OfficeHome' },
  { appId: 'c9a559d2-7aab-4f13-a6ed-e7e9c52aec87', displayName: 'Microsoft Forms' },
  { appId: 'e933bd07-d2ee-4f1d-933c-3752b819567b', displayName: 'Azure Monitor Control Service' },
  { appId: 'ca7f3f0b-7d91-482c-8e09-c5d840d0eac5', displayName: 'Log Analytics API' },
  { appId: '05a65629-4c1b-48c1-a78b-804c4abdd4af', displayName: 'Microsoft Defender for Cloud Apps' },
  { appId: 'dd762716-544d-4aeb-a526-687b73838a22', displayName: 'Microsoft Device Registration Client' },
  { appId: 'd4ebce55-015a-49b5-a083-c84d1797ae8c', displayName: 'Microsoft Intune Enrollment' },
  { appId: 'cf53fce8-def6-4aeb-8d30-b158e7b1cf83', displayName: 'Microsoft Stream Portal' },
];

/** Word stock for the synthetic first-party principals beyond the well-known set (random appIds). */
export const FIRST_PARTY_PREFIXES: readonly string[] = [
  'Microsoft',
  'Azure',
  'Office 365',
  'Microsoft 365',
  'Windows Azure',
  'Dynamics 365',
  'Microsoft Defender',
  'Microsoft Intune',
  'Power Platform',
];

export const FIRST_PARTY_SUFFIXES: readonly string[] = [
  'Service',
  'Resource Provider',
  'Connector',
  'Sync Service',
  'Data Plane',
  'Insights',
  'Backup',
  'Monitoring',
  'Substrate',
  'Compliance Center',
  'Reporting',
  'Workflow',
  'Search',
  'Scheduler',
  'Telemetry',
  'Notification Hub',
  'Analytics',
  'Policy Service',
  'Approval Service',
  'Media Service',
];
