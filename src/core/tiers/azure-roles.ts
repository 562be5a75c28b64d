// Built-in tiers of Azure RBAC built-in roles (risk-and-controls.md §1.4): Microsoft's "Privileged" category
// and AzTier's tier-0 roles named there, with their role definition ids; the tier-1 roles the reference names
// without an id are keyed by name only. AzTier's Azure tiers 2 (data explorers) and 3 (unprivileged) would
// both be Lanyard's tier 2; the reference names none of them. Custom roles go through azure-role-rules.ts.
import { AZTIER } from './app-roles.ts';
import type { AzureRoleTier } from './tier-table.ts';

const MICROSOFT_PRIVILEGED =
  'Microsoft "Privileged" Azure role category (MicrosoftDocs/azure-docs, built-in-roles/privileged.md); AzTier tier 0';
const RUNS_CODE_AS_MI =
  'can run code on compute within reach that holds managed identities, and use their rights';

function tier0(roleName: string, roleDefinitionId: string, source: string, reason: string): AzureRoleTier {
  return { roleName, roleDefinitionId, tier: 0, source, reason };
}

export const BUILT_IN_AZURE_ROLES: readonly AzureRoleTier[] = [
  tier0(
    'Owner',
    '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    MICROSOFT_PRIVILEGED,
    'full control, including role assignments',
  ),
  tier0('Contributor', 'b24988ac-6180-42a0-ab88-20f7382dd24c', MICROSOFT_PRIVILEGED, RUNS_CODE_AS_MI),
  tier0(
    'User Access Administrator',
    '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    MICROSOFT_PRIVILEGED,
    'can assign any role, Owner included',
  ),
  tier0(
    'Role Based Access Control Administrator',
    'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    MICROSOFT_PRIVILEGED,
    'can assign roles (a condition on the assignment may narrow which)',
  ),
  tier0(
    'Reservations Administrator',
    'a8889054-8d42-49c9-bc1c-52486c10e7cd',
    MICROSOFT_PRIVILEGED,
    'can assign roles (Contributor included) within reach; Microsoft scopes it to /providers/Microsoft.Capacity',
  ),
  tier0(
    'Managed Identity Contributor',
    'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
    AZTIER,
    'can add a federated credential to user-assigned managed identities within reach and sign in as them',
  ),
  tier0(
    'Managed Identity Federated Identity Credential Contributor',
    '7e559ce2-48d7-4b27-9128-fa1b247f1308',
    AZTIER,
    'can add a federated credential to user-assigned managed identities within reach and sign in as them',
  ),
  tier0(
    'Managed Identity Operator',
    'f1a07417-d97a-45cb-824c-7a7467783830',
    AZTIER,
    'can assign user-assigned managed identities within reach to compute it controls',
  ),
  tier0(
    'Resource Policy Contributor',
    '36243c78-bf99-498c-9df9-86d9f8d28608',
    AZTIER,
    'can deploy resources through a DeployIfNotExists policy and its managed identity',
  ),
  tier0(
    'Security Admin',
    'fb1c8493-542b-48eb-b624-b4c8fea62acd',
    AZTIER,
    'can deploy resources through a DeployIfNotExists policy and its managed identity',
  ),
  tier0('Virtual Machine Contributor', '9980e02c-c2be-4d73-94e8-173b1dc7cf3c', AZTIER, RUNS_CODE_AS_MI),
  tier0(
    'Virtual Machine Administrator Login',
    '1c0163c0-47e6-4577-8991-ea5c82e286e4',
    AZTIER,
    RUNS_CODE_AS_MI,
  ),
  tier0('Virtual Machine User Login', 'fb879df8-f326-4884-b1cf-06f3ad86be52', AZTIER, RUNS_CODE_AS_MI),
  tier0('Automation Contributor', 'f353d9bd-d4a6-484e-a77a-8050b599b867', AZTIER, RUNS_CODE_AS_MI),
  tier0('Website Contributor', 'de139f84-1756-47ae-9be6-808fbbe84772', AZTIER, RUNS_CODE_AS_MI),
  tier0('Logic App Contributor', '87a39d53-fc1b-424a-814c-f7e04687dc9e', AZTIER, RUNS_CODE_AS_MI),
  tier0(
    'Azure Kubernetes Service Cluster Admin Role',
    '0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8',
    AZTIER,
    RUNS_CODE_AS_MI,
  ),
  tier0(
    'Azure Kubernetes Service RBAC Cluster Admin',
    'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
    AZTIER,
    RUNS_CODE_AS_MI,
  ),
  // Tier 1: "steal secrets". The reference gives only Key Vault Administrator's id.
  {
    roleName: 'Key Vault Administrator',
    roleDefinitionId: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    tier: 1,
    source: AZTIER,
    reason: 'can read the secrets, keys and certificates of key vaults within reach',
  },
  {
    roleName: 'Key Vault Secrets Officer',
    tier: 1,
    source: AZTIER,
    reason: 'can read and change key vault secrets',
  },
  { roleName: 'Key Vault Secrets User', tier: 1, source: AZTIER, reason: 'can read key vault secrets' },
  {
    roleName: 'Key Vault Contributor',
    tier: 1,
    source: AZTIER,
    reason: 'can take every object of the key vaults within reach (secrets, certificates, storage keys)',
  },
  {
    roleName: 'Reader',
    tier: 1,
    source: AZTIER,
    reason: 'can read secrets that some resource types within reach store insecurely',
  },
];
