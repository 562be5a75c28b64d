// Built-in tiers of application permissions (app roles), from reference/risk-and-controls.md §1.2.
// AzTier is the model of record (it tiers by known attack paths to Global Administrator); where another model
// disagrees, the reason says so. App-role ids are AzTier's, ten of them checked against Microsoft's
// provisioningInfo.json (microsoft-cloud-facts.md §10). Permissions the reference does not tier are left out:
// they classify as 'unknown', never as harmless.
import type { AppRoleTier } from './tier-table.ts';

export const AZTIER = 'AzTier (emiliensocchi/azure-tiering @5edc675)';
const EXCHANGE_ONLINE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';

const DIRECT = 'known direct path to Global Administrator';
const INDIRECT = 'known indirect path to Global Administrator';
const UNTESTED = 'kept at tier 0 for safety: its path to Global Administrator is untested';

function aztier(tier: 0 | 1 | 2, value: string, id: string, reason: string): AppRoleTier {
  return { value, id, tier, source: AZTIER, reason };
}

export const BUILT_IN_APP_ROLES: readonly AppRoleTier[] = [
  // Tier 0: the 20 of the comparison table (§1.2), all also tier 0 or Critical/High in EntraOps and ScubaGear.
  aztier(0, 'RoleManagement.ReadWrite.Directory', '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8', DIRECT),
  aztier(
    0,
    'AppRoleAssignment.ReadWrite.All',
    '06b708a9-e830-4db3-a914-8e69da51d44f',
    `${INDIRECT}: grants itself RoleManagement.ReadWrite.Directory without admin consent`,
  ),
  aztier(
    0,
    'Application.ReadWrite.All',
    '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
    `${INDIRECT}: adds a secret to a more privileged service principal and signs in as it`,
  ),
  aztier(0, 'Application.ReadWrite.OwnedBy', '18a4783c-866b-4cc7-a460-3d5e5662c884', INDIRECT),
  aztier(0, 'Directory.ReadWrite.All', '19dbc75e-c2e2-444c-a770-ec69d8559fc7', INDIRECT),
  aztier(0, 'RoleAssignmentSchedule.ReadWrite.Directory', 'dd199f4a-f148-40a4-a2ec-f0069cc799ec', DIRECT),
  aztier(0, 'RoleEligibilitySchedule.ReadWrite.Directory', 'fee28b28-e1f3-4841-818e-2704dc62245f', INDIRECT),
  aztier(0, 'PrivilegedAccess.ReadWrite.AzureADGroup', '2f6817f8-7b12-4f0f-bc18-eeaf60705a9e', DIRECT),
  aztier(
    0,
    'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
    '41202f2c-f7ab-45be-b001-85c9728b9d69',
    DIRECT,
  ),
  aztier(0, 'Domain.ReadWrite.All', '7e05723c-0bb0-42da-be95-ae9f08a6e53c', INDIRECT),
  aztier(0, 'Policy.ReadWrite.ConditionalAccess', '01c0a623-fc9b-48e9-b794-0756f8e8f067', DIRECT),
  aztier(
    0,
    'Policy.ReadWrite.PermissionGrant',
    'a402ca1c-2696-4531-972d-6e5ee4aa11ea',
    `${INDIRECT}: creates its own permission grant policy`,
  ),
  aztier(0, 'Policy.ReadWrite.AuthenticationMethod', '29c18626-4985-4dcd-85c0-193eef327366', INDIRECT),
  aztier(0, 'UserAuthenticationMethod.ReadWrite.All', '50483e42-d915-4231-9639-7fdb7fd190e5', DIRECT),
  aztier(0, 'User.ReadWrite.All', '741f803b-c850-494e-b5df-cde7c675a1ca', INDIRECT),
  aztier(0, 'Group.ReadWrite.All', '62a82d76-70ea-41e2-9197-370581804d09', INDIRECT),
  aztier(0, 'GroupMember.ReadWrite.All', 'dbaae8cf-10b5-4b86-a4a1-f871c94c6695', INDIRECT),
  aztier(0, 'Organization.ReadWrite.All', '292d869f-3427-49a8-9dab-8c70152b74e9', INDIRECT),
  aztier(0, 'EntitlementManagement.ReadWrite.All', '9acd699f-1e81-4958-b001-93b1d2506e19', INDIRECT),
  aztier(0, 'DeviceManagementConfiguration.ReadWrite.All', '9241abd9-d0e6-425a-bd4f-47ba86e767a4', INDIRECT),
  // Tier 0: the rest of AzTier's 41, direct paths.
  aztier(0, 'UserAuthMethod-TAP.ReadWrite.All', '627169a8-8c15-451c-861a-5b80e383de5c', DIRECT),
  aztier(0, 'UserAuthMethod-HardwareOATH.ReadWrite.All', '7e9ebcc1-90aa-4471-8051-e68d6b4e9c89', DIRECT),
  aztier(0, 'UserAuthMethod-Phone.ReadWrite.All', '6e85d483-7092-4375-babe-0a94a8213a58', DIRECT),
  aztier(0, 'UserAuthMethod-QR.ReadWrite.All', '4869299f-18c3-40c8-98f2-222657e67db1', DIRECT),
  aztier(0, 'User.DeleteRestore.All', 'eccc023d-eccf-4e7b-9683-8813ab36cecc', DIRECT),
  aztier(0, 'User.EnableDisableAccount.All', '3011c876-62b7-4ada-afa2-506cbbecc68c', DIRECT),
  aztier(
    0,
    'DelegatedAdminRelationship.ReadWrite.All',
    'cc13eba4-8cd8-44c6-b4d4-f93237adce58',
    `${DIRECT} (through GDAP relationships)`,
  ),
  // Tier 0: the rest of AzTier's 41, indirect paths.
  aztier(0, 'Application.ReadUpdate.All', 'fc023787-fd04-4e44-9bc7-d454f00c0f0a', INDIRECT),
  aztier(0, 'AdministrativeUnit.ReadWrite.All', '5eb59dd3-1da2-4329-8733-9dabdc435916', INDIRECT),
  aztier(0, 'DeviceManagementRBAC.ReadWrite.All', 'e330c4f0-4170-414e-a55a-2f022ec2b57b', INDIRECT),
  aztier(0, 'DeviceManagementScripts.ReadWrite.All', '9255e99d-faf5-445e-bbf7-cb71482737c4', INDIRECT),
  aztier(0, 'Group-OnPremisesSyncBehavior.ReadWrite.All', '2d9bd318-b883-40be-9df7-63ec4fcdc424', INDIRECT),
  aztier(
    0,
    'PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup',
    '618b6020-bca8-4de6-99f6-ef445fa4d857',
    INDIRECT,
  ),
  aztier(0, 'RoleManagementPolicy.ReadWrite.AzureADGroup', 'b38dcc4d-a239-4ed6-aa84-6c65b284f97c', INDIRECT),
  aztier(0, 'RoleManagementPolicy.ReadWrite.Directory', '31e08e0a-d3f7-4ca2-ac39-7343fb83e8ad', INDIRECT),
  aztier(0, 'SecurityIdentitiesActions.ReadWrite.All', 'af2bf46f-7bf1-4be3-8bad-e17e279e8462', INDIRECT),
  aztier(0, 'SignInIdentifier.ReadWrite.All', '7fc588a2-ea2d-4d1f-bcf7-33c324b149b8', INDIRECT),
  aztier(0, 'User-PasswordProfile.ReadWrite.All', 'cc117bb9-00cf-4eb8-b580-ea2a878fe8f7', INDIRECT),
  aztier(0, 'PrivilegedAccess.ReadWrite.AzureAD', '854d9ab1-6657-4ec8-be45-823027bcd009', UNTESTED),
  aztier(0, 'PrivilegedAccess.ReadWrite.AzureResources', '6f9d5abc-2db6-400b-a267-7de22a40fb87', UNTESTED),
  aztier(0, 'Synchronization.ReadWrite.All', '9b50c33d-700f-43b1-b2eb-87e89b703581', UNTESTED),
  // Tier 1: write or sensitive read. The first three are tier 0 in EntraOps and Critical/High in ScubaGear;
  // AzTier knows no path from them to Global Administrator. Override them if you follow the stricter model.
  aztier(
    1,
    'DelegatedPermissionGrant.ReadWrite.All',
    '8e8e4742-1d95-4f68-9d56-6ee75648c72a',
    'can grant delegated permissions; EntraOps rates it tier 0 (ControlPlane), ScubaGear Critical',
  ),
  aztier(
    1,
    'Policy.ReadWrite.Authorization',
    'fb221be6-99f2-473f-bd32-01c6a0e9ca3b',
    'can change tenant-wide authorization policy; EntraOps rates it tier 0 (ControlPlane), ScubaGear Critical',
  ),
  aztier(
    1,
    'ServicePrincipalEndpoint.ReadWrite.All',
    '89c8469c-83ad-45f7-8ff2-6e3d4285709e',
    'can change service principal endpoints; EntraOps rates it tier 0 (ControlPlane)',
  ),
  aztier(1, 'Mail.ReadWrite', 'e2a3a72e-5f79-4c64-b1b1-878b674786c9', 'can read and change every mailbox'),
  aztier(1, 'Mail.Read', '810c84a8-4a9e-49e6-bf7d-12d183f40d01', 'can read every mailbox'),
  aztier(1, 'Files.ReadWrite.All', '75359482-378d-4052-8f01-80520e7db3cd', 'can read and change all files'),
  aztier(
    1,
    'Sites.FullControl.All',
    'a82116e5-55eb-4c41-a434-62fe8a61c773',
    'full control of every SharePoint site',
  ),
  // Tier 2: unprivileged reads.
  aztier(
    2,
    'Directory.Read.All',
    '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
    'reads the directory; changes nothing',
  ),
  aztier(
    2,
    'Application.Read.All',
    '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
    'reads applications; changes nothing',
  ),
  // Exchange Online's app role used in the Midnight Blizzard attack (§5 C). AzTier tiers Graph only; ScubaGear
  // lists it as risky. Tier 1 by AzTier's own definition of tier 1 (sensitive read), like Mail.ReadWrite.
  {
    value: 'full_access_as_app',
    id: 'dc890d15-9560-4a4c-9b7f-a736ec74ec40',
    resourceAppId: EXCHANGE_ONLINE_APP_ID,
    tier: 1,
    source: 'CISA ScubaGear (schemas/RiskyAppPermissions.json); tier by AzTier tier-1 definition',
    reason: 'full access to every Exchange Online mailbox without a user',
  },
];
