// Built-in tiers of Entra directory roles: AzTier's 31 tier-0 roles (risk-and-controls.md §1.3, templateIds as
// listed there and, for the first ones, in Microsoft's permissions reference) and the two roles Prowler counts
// as tier 0 where AzTier does not. Roles the reference does not tier classify as 'unknown'.
import { AZTIER } from './app-roles.ts';
import type { DirectoryRoleTier } from './tier-table.ts';

const DIRECT = 'known direct path to Global Administrator';
const INDIRECT = 'known indirect path to Global Administrator';

function tier0(displayName: string, templateId: string, reason: string): DirectoryRoleTier {
  return { displayName, templateId, tier: 0, source: AZTIER, reason };
}

export const BUILT_IN_DIRECTORY_ROLES: readonly DirectoryRoleTier[] = [
  tier0('Global Administrator', '62e90394-69f5-4237-9190-012177145e10', 'controls the whole tenant'),
  tier0('Privileged Role Administrator', 'e8611ab8-c189-46e8-94e1-60213ab1f814', DIRECT),
  tier0('Privileged Authentication Administrator', '7be44c8a-adaf-4e2a-84d6-ab2649e08a13', DIRECT),
  tier0('Partner Tier2 Support', 'e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8', DIRECT),
  tier0('Conditional Access Administrator', 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', DIRECT),
  tier0('Security Administrator', '194ae4cb-b126-40b2-bd5b-6091b380977d', DIRECT),
  tier0(
    'Application Administrator',
    '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
    `${INDIRECT}: can impersonate any service principal holding privileged Graph application permissions`,
  ),
  tier0(
    'Cloud Application Administrator',
    '158c047a-c907-4556-b7ef-446551a6b5f7',
    `${INDIRECT}: can impersonate any service principal holding privileged Graph application permissions`,
  ),
  tier0('Hybrid Identity Administrator', '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2', INDIRECT),
  tier0('Domain Name Administrator', '8329153b-31d0-4727-b945-745eb3bc5f31', INDIRECT),
  tier0('External Identity Provider Administrator', 'be2f45a1-457d-42af-a067-6ec1fa63bc45', INDIRECT),
  tier0('Authentication Administrator', 'c4e39bd9-1100-46d3-8c65-fb160da0071f', INDIRECT),
  tier0('User Administrator', 'fe930be7-5e62-47db-91af-98c3a49a38b1', INDIRECT),
  tier0('Exchange Administrator', '29232cdf-9323-42fd-ade2-1d097af3e4de', INDIRECT),
  tier0('SharePoint Administrator', 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', INDIRECT),
  tier0('Agent ID Administrator', 'db506228-d27e-4b7d-95e5-295956d6615f', INDIRECT),
  tier0('AI Administrator', 'd2562ede-74db-457e-a7b6-544e236ebb61', INDIRECT),
  tier0('Azure DevOps Administrator', 'e3973bdf-4987-49ae-837a-ba8e231c7286', INDIRECT),
  tier0('Directory Writers', '9360feb5-f418-4baa-8175-e2a00bac4301', INDIRECT),
  tier0('Groups Administrator', 'fdd7a751-b60b-444a-984c-02652fe8fa1c', INDIRECT),
  tier0('Helpdesk Administrator', '729827e3-9c14-49f7-bb1b-9608f156bbb8', INDIRECT),
  tier0('Password Administrator', '966707d0-3269-4727-9be2-8c3a10f19b9d', INDIRECT),
  tier0('Identity Governance Administrator', '45d8d3c5-c802-45c6-b32a-1d70b5e1e86e', INDIRECT),
  tier0('Lifecycle Workflows Administrator', '59d46f88-662b-457b-bceb-5c3809e5908f', INDIRECT),
  tier0('Intune Administrator', '3a2c62db-5318-420d-8d74-23affee5d9d5', INDIRECT),
  tier0('Partner Tier1 Support', '4ba39ca4-527c-499a-b93d-d9b492c50246', INDIRECT),
  tier0('Knowledge Administrator', 'b5a8dcf3-09d5-43a9-a639-8e29ef291470', INDIRECT),
  tier0('Knowledge Manager', '744ec460-397e-42ad-a462-8b3f9747a02c', INDIRECT),
  tier0('Teams Administrator', '69091246-20e8-4a56-aa4d-066075b2a7a8', INDIRECT),
  tier0('Windows 365 Administrator', '11451d60-acb2-45eb-a7d6-43d0f0125c13', INDIRECT),
  tier0('Yammer Administrator', '810a2642-a034-447f-a5e8-41beaa378541', INDIRECT),
  // AzTier tier 1; Prowler's TIER_0_ROLE_TEMPLATE_IDS counts them as tier 0. Override them to follow Prowler.
  {
    displayName: 'Authentication Policy Administrator',
    templateId: '0526716b-113d-4c15-b2c8-68e3c22b9f80',
    tier: 1,
    source: AZTIER,
    reason: 'manages authentication method policies; Prowler counts it as tier 0',
  },
  {
    displayName: 'Directory Synchronization Accounts',
    templateId: 'd29b2b05-8046-44ba-8758-1e26182fcf32',
    tier: 1,
    source: AZTIER,
    reason: 'used by directory synchronization; Prowler counts it as tier 0',
  },
];
