// Path matching, scope parsing and ancestry, the documented $filter forms (and the 400 for others), and paging
// whose nextLink keeps every query option and cannot be forged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArmError } from './errors.ts';
import { assignmentFilter, definitionFilter, resourceFilter } from './filters.ts';
import type { ArmState } from './model.ts';
import { createArmPager } from './paging.ts';
import { matchArmRoute } from './routes.ts';
import { createScopeIndex, parseScopeId } from './scopes.ts';

const seg = (path: string) => path.split('/').filter(Boolean);

test('ARM paths map to their routes, case-insensitively', () => {
  const table: Array<[string, string | undefined]> = [
    ['/subscriptions', 'subscriptions'],
    ['/subscriptions/s1', 'subscription'],
    ['/providers/Microsoft.Management/managementGroups', 'managementGroups'],
    ['/providers/microsoft.management/managementgroups/mg1', 'managementGroup'],
    ['/providers/Microsoft.Management/managementGroups/mg1/descendants', 'descendants'],
    [
      '/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/roleAssignments',
      'roleAssignments',
    ],
    ['/providers/Microsoft.Authorization/roleAssignments', 'roleAssignments'],
    ['/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments', 'roleAssignments'],
    [
      '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments',
      'roleAssignments',
    ],
    [
      '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Authorization/roleAssignments',
      'roleAssignments',
    ],
    ['/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions', 'roleDefinitions'],
    [
      '/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      'roleDefinition',
    ],
    ['/subscriptions/s1/providers/Microsoft.ManagedIdentity/userAssignedIdentities', 'identities'],
    [
      '/subscriptions/s1/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities',
      'identities',
    ],
    [
      '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1',
      'identity',
    ],
    [
      '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/federatedIdentityCredentials',
      'federatedCredentials',
    ],
    [
      '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1/federatedIdentityCredentials/f',
      'federatedCredential',
    ],
    ['/subscriptions/s1/resources', 'resources'],
    ['/subscriptions/s1/resourceGroups/rg/resources', 'resources'],
    ['/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/x', undefined],
    [
      '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Authorization/roleAssignments/extra/x',
      undefined,
    ],
    ['/subscriptions/s1/widgets', undefined],
    ['/providers/Microsoft.Compute/operations', undefined],
  ];
  for (const [path, kind] of table) assert.equal(matchArmRoute(seg(path))?.kind, kind, path);
});

const STATE: ArmState = {
  tenantId: 'T',
  managementGroups: [
    { name: 'T', displayName: 'Tenant Root Group', parent: null },
    { name: 'corp', displayName: 'Corp', parent: 'T' },
  ],
  subscriptions: [{ subscriptionId: 'S1', displayName: 'One', managementGroup: 'corp' }],
  resourceGroups: [],
  roleDefinitions: [],
  roleAssignments: [],
  userAssignedIdentities: [],
  resources: [],
};

test('a scope’s chain runs up through its resource group, subscription and management groups to /', () => {
  const index = createScopeIndex(STATE);
  assert.deepEqual(
    index.chain('/subscriptions/s1/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv'),
    [
      '/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv',
      '/subscriptions/s1/resourcegroups/rg',
      '/subscriptions/s1',
      '/providers/microsoft.management/managementgroups/corp',
      '/providers/microsoft.management/managementgroups/t',
      '/',
    ],
  );
  assert.deepEqual(index.chain('/providers/Microsoft.Management/managementGroups/T'), [
    '/providers/microsoft.management/managementgroups/t',
    '/',
  ]);
  assert.equal(parseScopeId('/subscriptions/s1/resourceGroups')?.kind, undefined);
  assert.equal(parseScopeId('/subscriptions/s1/resourceGroups/rg/providers/ns/type')?.kind, undefined);
});

test('filters: the documented forms parse, anything else is a 400', () => {
  assert.deepEqual(assignmentFilter("atScope() and principalId eq 'abc'"), {
    atScope: true,
    principalId: 'abc',
  });
  assert.deepEqual(assignmentFilter('principalId eq 0b5fe924-9a61-425c-96af-cfe6e287ca2d'), {
    atScope: false,
    principalId: '0b5fe924-9a61-425c-96af-cfe6e287ca2d',
  });
  assert.deepEqual(definitionFilter("type eq 'CustomRole'"), {
    atScopeAndBelow: false,
    roleName: undefined,
    type: 'CustomRole',
  });
  assert.equal(definitionFilter("roleName eq 'O''Neil'").roleName, "O'Neil");
  assert.deepEqual(resourceFilter("resourceType eq 'Microsoft.Web/sites' and identity/principalId eq 'p'"), {
    resourceType: 'Microsoft.Web/sites',
    principalId: 'p',
  });
  for (const bad of ["assignedTo('x')", "principalId ne 'x'", 'atScopeAndBelow()', 'roleName eq x']) {
    assert.throws(
      () => assignmentFilter(bad),
      (e: unknown) => e instanceof ArmError && e.status === 400,
      bad,
    );
  }
  assert.throws(() => resourceFilter("substringof('demo', name)"), ArmError);
});

test('paging: nextLink keeps the query, walks to the end, and refuses a forged or re-targeted token', () => {
  const pager = createArmPager();
  const all = Array.from({ length: 7 }, (_, i) => i);
  let url = new URL('https://arm.test/subscriptions?api-version=2022-12-01&$filter=x');
  const seen: number[] = [];
  for (let pages = 0; pages < 10; pages++) {
    const page = pager.page(all, 3, url, 'T');
    seen.push(...page.items);
    if (!page.nextLink) break;
    assert.ok(
      page.nextLink.startsWith('https://arm.test/subscriptions?api-version=2022-12-01&$filter=x&$skiptoken='),
    );
    url = new URL(page.nextLink);
  }
  assert.deepEqual(seen, all);
  const next = new URL(pager.page(all, 3, new URL('https://arm.test/a?api-version=1'), 'T').nextLink!);
  const forged = new URL(next.href.replace(/skiptoken=3\./, 'skiptoken=6.'));
  assert.throws(() => pager.page(all, 3, forged, 'T'), ArmError);
  assert.throws(() => pager.page(all, 3, next, 'other-tenant'), ArmError);
  assert.throws(() => pager.page(all, 3, new URL(next.href.replace('/a?', '/b?')), 'T'), ArmError);
});
