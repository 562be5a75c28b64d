import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RISK_CONFIG } from './config.ts';
import { reachFactors } from './reach-factors.ts';
import type { Reach, ReachInput } from './types.ts';

const SUB = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590';

function reach(kind: Reach['kind'], name: string, tier: Reach['tier'], extra: Partial<Reach> = {}): Reach {
  return { kind, name, tier, path: [], ...extra };
}

// [name, reach, the top factor's id, its points, its text when the test pins it]
const cases: [string, ReachInput, string, number, string?][] = [
  [
    'tier-0 Graph application permission',
    { entries: [reach('app-permission', 'RoleManagement.ReadWrite.Directory', 0)] },
    'reach_tier0_tenant',
    100,
    'can reach tier-0: RoleManagement.ReadWrite.Directory (Graph application permission)',
  ],
  [
    'reason and path are told',
    {
      entries: [
        reach('app-permission', 'Application.ReadWrite.All', 0, {
          reason: 'known indirect path to Global Administrator',
          path: ['owner of app "Sync"', 'its service principal'],
        }),
      ],
    },
    'reach_tier0_tenant',
    100,
    'can reach tier-0: Application.ReadWrite.All (Graph application permission) via owner of app "Sync" → its service principal: known indirect path to Global Administrator',
  ],
  ['mailbox reader', { entries: [reach('app-permission', 'Mail.Read', 1)] }, 'reach_sensitive_data', 80],
  [
    'Exchange full access',
    {
      entries: [reach('app-permission', 'full_access_as_app', 1, { resource: 'Office 365 Exchange Online' })],
    },
    'reach_sensitive_data',
    80,
    'can reach tier-1: full_access_as_app (Office 365 Exchange Online application permission)',
  ],
  [
    'other tier-1 permission',
    { entries: [reach('app-permission', 'Policy.ReadWrite.Authorization', 1)] },
    'reach_tier1',
    60,
  ],
  ['tier-2 permission', { entries: [reach('app-permission', 'Directory.Read.All', 2)] }, 'reach_tier2', 20],
  [
    'unclassified permission is not "none"',
    { entries: [reach('app-permission', 'Orders.ReadWrite', 'unknown', { resource: 'Contoso Orders API' })] },
    'reach_unclassified',
    20,
    'holds Orders.ReadWrite (Contoso Orders API application permission), which no tier model classifies: add it to your tier overrides',
  ],
  [
    'tier-0 directory role tenant-wide',
    { entries: [reach('directory-role', 'Global Administrator', 0, { scope: '/' })] },
    'reach_tier0_tenant',
    100,
  ],
  [
    'tier-0 directory role in an administrative unit',
    { entries: [reach('directory-role', 'User Administrator', 0, { scope: '/administrativeUnits/5f1c' })] },
    'reach_tier0_scoped',
    60,
    'can reach tier-0: User Administrator (Entra directory role) on /administrativeUnits/5f1c',
  ],
  [
    'Owner on a subscription',
    { entries: [reach('azure-role', 'Owner', 0, { scope: SUB })] },
    'reach_tier0_subscription',
    90,
  ],
  [
    'Owner on the root',
    { entries: [reach('azure-role', 'Owner', 0, { scope: '/' })] },
    'reach_tier0_subscription',
    90,
  ],
  [
    'Owner on a management group',
    {
      entries: [
        reach('azure-role', 'Owner', 0, { scope: '/providers/Microsoft.Management/managementGroups/corp' }),
      ],
    },
    'reach_tier0_subscription',
    90,
  ],
  [
    'Owner with no scope given',
    { entries: [reach('azure-role', 'Owner', 0)] },
    'reach_tier0_subscription',
    90,
  ],
  [
    'Contributor on a resource group',
    { entries: [reach('azure-role', 'Contributor', 0, { scope: `${SUB}/resourceGroups/app` })] },
    'reach_tier0_scoped',
    60,
  ],
  [
    'Key Vault Secrets User',
    { entries: [reach('azure-role', 'Key Vault Secrets User', 1, { scope: SUB })] },
    'reach_tier1',
    60,
  ],
  [
    'tier-0 delegated scope for all users',
    { entries: [reach('delegated-grant', 'Directory.ReadWrite.All', 0, { scope: 'AllPrincipals' })] },
    'reach_sensitive_data',
    80,
    'can reach tier-0: Directory.ReadWrite.All (Graph delegated permission) for all users',
  ],
  [
    'tier-0 delegated scope for one user',
    { entries: [reach('delegated-grant', 'Directory.ReadWrite.All', 0, { scope: 'ana@contoso.com' })] },
    'reach_tier0_scoped',
    60,
  ],
  ['nothing held, everything read', { entries: [] }, 'reach_none', 5, 'no permissions or roles found'],
  [
    'nothing read: unknown, not "none"',
    { entries: [], unknown: ['Azure role assignments: no access to the subscriptions'] },
    'reach_unknown',
    50,
    'what it can reach is unknown: Azure role assignments: no access to the subscriptions',
  ],
  [
    'partly read: the unknown part can outweigh what is known',
    { entries: [reach('app-permission', 'Directory.Read.All', 2)], unknown: ['directory roles'] },
    'reach_unknown',
    50,
    'what else it can reach is unknown: directory roles',
  ],
  [
    'the most severe entry comes first',
    {
      entries: [
        reach('app-permission', 'Directory.Read.All', 2),
        reach('azure-role', 'Owner', 0, { scope: SUB }),
        reach('app-permission', 'AppRoleAssignment.ReadWrite.All', 0),
      ],
    },
    'reach_tier0_tenant',
    100,
  ],
];

for (const [name, input, id, points, text] of cases) {
  test(`reach: ${name}`, () => {
    const factors = reachFactors(input, DEFAULT_RISK_CONFIG);
    assert.ok(factors.every((factor) => factor.dimension === 'impact'));
    assert.equal(factors[0]!.id, id);
    assert.equal(factors[0]!.points, points);
    if (text) assert.equal(factors[0]!.text, text);
    for (let i = 1; i < factors.length; i++) assert.ok(factors[i - 1]!.points >= factors[i]!.points);
    // Every entry is told; reach_none only when nothing else is.
    const expected = new Set(input.entries.map((entry) => entry.name)).size + (input.unknown?.length ? 1 : 0);
    assert.equal(factors.length, Math.max(1, expected));
  });
}

test('the same entry twice is one factor', () => {
  const entry = reach('app-permission', 'Mail.Read', 1);
  assert.equal(reachFactors({ entries: [entry, { ...entry }] }, DEFAULT_RISK_CONFIG).length, 1);
});
