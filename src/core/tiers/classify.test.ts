import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.ts';
import { actionCovers } from './azure-role-rules.ts';
import {
  createTierClassifier,
  type TierResult,
  tierOfAppRole,
  tierOfAzureRole,
  tierOfDelegatedScope,
  tierOfDirectoryRole,
} from './classify.ts';
import type { TierOverrides } from './tier-table.ts';

const EXCHANGE = '00000002-0000-0ff1-ce00-000000000000';
const CUSTOM_ROLE =
  '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/providers/Microsoft.Authorization/roleDefinitions/d5c1f2a8-9b1e-4f3a-8c6d-2e7f9a0b1c3d';

const OVERRIDES: TierOverrides = {
  appRoles: [{ value: 'Mail.Read', tier: 0, source: 'Contoso policy', reason: 'mail holds our secrets' }],
  delegatedScopes: [{ value: 'offline_access', tier: 2, source: 'Contoso policy', reason: 'refresh only' }],
  directoryRoles: [
    {
      displayName: 'Global Reader',
      templateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
      tier: 1,
      source: 'Contoso',
      reason: 'reads all',
    },
  ],
  azureRoles: [
    { roleName: 'Contributor', tier: 1, source: 'Contoso policy', reason: 'no compute in our subscriptions' },
    { roleName: 'Break Glass Custom', tier: 2, source: 'Contoso policy', reason: 'reviewed 2026-10' },
  ],
};

type Case = [string, () => TierResult, TierResult['tier'], TierResult['origin'], RegExp?];

const cases: Case[] = [
  // Application permissions: by value, by id, case-insensitively, per API.
  [
    'Graph app role by value',
    () => tierOfAppRole({ value: 'RoleManagement.ReadWrite.Directory' }),
    0,
    'built-in',
    /direct path/,
  ],
  [
    'Graph app role by id',
    () => tierOfAppRole({ id: '06b708a9-e830-4db3-a914-8e69da51d44f' }),
    0,
    'built-in',
  ],
  [
    'id wins over a misleading value',
    () => tierOfAppRole({ id: '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30', value: 'Directory.ReadWrite.All' }),
    2,
    'built-in',
  ],
  ['value ignores case', () => tierOfAppRole({ value: 'application.readwrite.all' }), 0, 'built-in'],
  ['tier 1 permission', () => tierOfAppRole({ value: 'Mail.ReadWrite' }), 1, 'built-in'],
  [
    'models disagree: AzTier wins, reason says so',
    () => tierOfAppRole({ value: 'DelegatedPermissionGrant.ReadWrite.All' }),
    1,
    'built-in',
    /EntraOps rates it tier 0/,
  ],
  ['tier 2 permission', () => tierOfAppRole({ value: 'Directory.Read.All' }), 2, 'built-in'],
  [
    'Exchange role by value on Exchange',
    () => tierOfAppRole({ value: 'full_access_as_app', resourceAppId: EXCHANGE }),
    1,
    'built-in',
  ],
  [
    'Exchange role name means nothing on Graph',
    () => tierOfAppRole({ value: 'full_access_as_app' }),
    'unknown',
    'none',
  ],
  [
    'Graph name means nothing on another API',
    () => tierOfAppRole({ value: 'Mail.Read', resourceAppId: EXCHANGE }),
    'unknown',
    'none',
  ],
  [
    'unknown permission',
    () => tierOfAppRole({ value: 'Contoso.Orders.ReadWrite' }),
    'unknown',
    'none',
    /tier overrides/,
  ],
  ['nothing given', () => tierOfAppRole({}), 'unknown', 'none', /neither a name nor an id/],
  [
    'override wins over built-in',
    () => tierOfAppRole({ value: 'Mail.Read' }, OVERRIDES),
    0,
    'override',
    /mail holds/,
  ],
  [
    'override by name wins over built-in by id',
    () => tierOfAppRole({ id: '810c84a8-4a9e-49e6-bf7d-12d183f40d01', value: 'Mail.Read' }, OVERRIDES),
    0,
    'override',
  ],
  ['without the override, built-in again', () => tierOfAppRole({ value: 'Mail.Read' }), 1, 'built-in'],
  // Delegated scopes follow the application tier of the same name.
  [
    'delegated by name',
    () => tierOfDelegatedScope('Directory.ReadWrite.All'),
    0,
    'built-in',
    /signed-in user/,
  ],
  [
    'delegated by id',
    () => tierOfDelegatedScope({ id: 'd01b97e9-cbc0-49fe-810a-750afd5527a3' }),
    0,
    'built-in',
  ],
  [
    'app-role id is not a scope id',
    () => tierOfDelegatedScope({ id: '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8' }),
    'unknown',
    'none',
  ],
  [
    'application-only permission has no scope',
    () => tierOfDelegatedScope('Application.ReadWrite.OwnedBy'),
    'unknown',
    'none',
  ],
  ['OIDC scope is not classified', () => tierOfDelegatedScope('offline_access'), 'unknown', 'none'],
  ['delegated override', () => tierOfDelegatedScope('offline_access', OVERRIDES), 2, 'override'],
  // Directory roles by template id or name.
  [
    'directory role by template id',
    () => tierOfDirectoryRole({ templateId: '62e90394-69f5-4237-9190-012177145e10' }),
    0,
    'built-in',
  ],
  [
    'directory role by name',
    () => tierOfDirectoryRole({ displayName: 'cloud application administrator' }),
    0,
    'built-in',
    /impersonate/,
  ],
  [
    'AzTier tier 1, Prowler tier 0',
    () => tierOfDirectoryRole({ displayName: 'Directory Synchronization Accounts' }),
    1,
    'built-in',
    /Prowler/,
  ],
  ['untiered directory role', () => tierOfDirectoryRole({ displayName: 'Global Reader' }), 'unknown', 'none'],
  [
    'directory role override by id',
    () => tierOfDirectoryRole({ templateId: 'F2EF992C-3AFB-46B9-B7CF-A126EE74C451' }, OVERRIDES),
    1,
    'override',
  ],
  // Azure roles: id (GUID or resource id), name, rules.
  [
    'Azure role by GUID',
    () => tierOfAzureRole({ roleDefinitionId: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635' }),
    0,
    'built-in',
  ],
  [
    'Azure role by resource id',
    () =>
      tierOfAzureRole({
        roleDefinitionId:
          '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
      }),
    0,
    'built-in',
  ],
  ['Azure role by name only', () => tierOfAzureRole({ roleName: 'Key Vault Secrets User' }), 1, 'built-in'],
  [
    'custom role with *',
    () =>
      tierOfAzureRole({
        roleDefinitionId: CUSTOM_ROLE,
        roleName: 'Ops',
        actions: ['*'],
        notActions: ['Microsoft.Authorization/*/Write'],
      }),
    0,
    'rule',
    /"\*"/,
  ],
  [
    'custom role with Microsoft.Authorization/*/write',
    () => tierOfAzureRole({ roleName: 'Ops', actions: ['Microsoft.Authorization/*/write'] }),
    0,
    'rule',
    /roleAssignments\/write/,
  ],
  [
    'custom role with roleAssignments/write, any case',
    () => tierOfAzureRole({ roleName: 'Ops', actions: ['microsoft.authorization/roleassignments/WRITE'] }),
    0,
    'rule',
  ],
  [
    'custom role with Microsoft.Authorization/*',
    () => tierOfAzureRole({ roleName: 'Ops', actions: ['Microsoft.Authorization/*'] }),
    0,
    'rule',
  ],
  [
    'custom role whose notActions take role writes away',
    () =>
      tierOfAzureRole({
        roleName: 'Ops',
        actions: ['Microsoft.Authorization/*'],
        notActions: ['Microsoft.Authorization/*/write'],
      }),
    'unknown',
    'none',
  ],
  [
    'custom role reading key vault secrets',
    () => tierOfAzureRole({ roleName: 'Ops', dataActions: ['Microsoft.KeyVault/vaults/secrets/*'] }),
    1,
    'rule',
  ],
  [
    'custom read-only role stays unknown',
    () => tierOfAzureRole({ roleName: 'Ops', actions: ['*/read'] }),
    'unknown',
    'none',
  ],
  [
    'a name cannot hide wildcard actions',
    () => tierOfAzureRole({ roleDefinitionId: CUSTOM_ROLE, roleName: 'Reader', actions: ['*'] }),
    0,
    'rule',
  ],
  [
    'actions never lower a built-in tier',
    () => tierOfAzureRole({ roleName: 'Owner', actions: ['*/read'] }),
    0,
    'built-in',
  ],
  [
    'Azure override wins over built-in',
    () => tierOfAzureRole({ roleName: 'Contributor' }, OVERRIDES),
    1,
    'override',
  ],
  [
    'Azure override wins over a rule',
    () => tierOfAzureRole({ roleName: 'Break Glass Custom', actions: ['*'] }, OVERRIDES),
    2,
    'override',
  ],
];

for (const [name, classify, tier, origin, reason] of cases) {
  test(`classifies: ${name}`, () => {
    const result = classify();
    assert.equal(result.tier, tier);
    assert.equal(result.origin, origin);
    assert.ok(result.source.trim() && result.reason.trim());
    if (reason) assert.match(result.reason, reason);
  });
}

test('a malformed override table is rejected when the classifier is built', () => {
  const bad = {
    appRoles: [{ value: 'Mail.Read', tier: 5, source: 'x', reason: 'y' }],
  } as unknown as TierOverrides;
  assert.throws(() => createTierClassifier(bad), InvalidInput);
  assert.throws(() => tierOfAppRole({ value: 'Mail.Read' }, bad), InvalidInput);
});

test('action patterns match like ARM: * anywhere, case-insensitive, nothing else is special', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'Microsoft.Compute/virtualMachines/write', true],
    ['Microsoft.Authorization/*/write', 'Microsoft.Authorization/roleAssignments/write', true],
    ['Microsoft.Authorization/*/write', 'Microsoft.Authorization/roleAssignments/read', false],
    ['*/write', 'Microsoft.Authorization/roleAssignments/write', true],
    ['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignmentsXwrite', false],
    ['Microsoft.Authorization/role.ssignments/write', 'Microsoft.Authorization/roleAssignments/write', false],
  ];
  for (const [pattern, operation, expected] of cases) {
    assert.equal(actionCovers(pattern, operation), expected, `${pattern} ~ ${operation}`);
  }
});
