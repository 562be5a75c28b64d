import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateCost } from '../cost.ts';
import { mayBeTruncated, resourceUrl } from '../resource.ts';
import {
  applicationFederatedCredentials,
  applicationOwners,
  applications,
  INVENTORY_RESOURCES,
  OPTIONAL_PERMISSIONS,
  organization,
  REQUIRED_PERMISSIONS,
  servicePrincipalOwners,
} from './index.ts';

test('every declaration names its permission and a unique name', () => {
  const names = [...INVENTORY_RESOURCES, organization].map((r) => r.name);
  assert.equal(new Set(names).size, names.length);
  for (const r of INVENTORY_RESOURCES) assert.equal(r.permission, 'Application.Read.All', r.name);
  assert.deepEqual(REQUIRED_PERMISSIONS, ['Application.Read.All']);
  assert.deepEqual(OPTIONAL_PERMISSIONS, ['Organization.Read.All']);
});

test('each list costs what the scan plan assumes', () => {
  // The plan in docs/architecture.md ("How a scan stays fast") rests on these costs per page.
  const plan: [string, number, boolean][] = [
    ['applications', 1, true],
    ['service-principals', 1, true],
    ['application-owners', 2, false],
    ['application-federated-credentials', 2, false],
    ['service-principal-owners', 1, false],
  ];
  for (const [name, ru, keys] of plan) {
    const r = INVENTORY_RESOURCES.find((d) => d.name === name)!;
    assert.deepEqual(estimateCost('GET', resourceUrl(r)), { resourceUnits: ru, keyCredentials: keys }, name);
  }
});

test('builds readable URLs with one expansion and a nested $select', () => {
  assert.equal(
    resourceUrl(applicationOwners),
    '/applications?$select=id&$expand=owners($select=id,displayName,userPrincipalName,accountEnabled,mail)&$top=100',
  );
  assert.match(resourceUrl(applications), /^\/applications\?\$select=id,appId,.*keyCredentials&\$top=999$/);
  assert.equal(
    servicePrincipalOwners.expansion?.fullList('abc'),
    '/servicePrincipals/abc/owners?$select=id,displayName,userPrincipalName,accountEnabled,mail&$top=999',
  );
});

test('owner and federated facts carry the complete list of one object', () => {
  const facts = applicationOwners.map(
    { id: 'a1', owners: [{ '@odata.type': '#microsoft.graph.user', id: 'u1', displayName: 'Ada' }] },
    { tenantId: 't' },
  );
  assert.deepEqual(facts, [
    {
      aspect: 'owners',
      objectId: 'a1',
      owners: [
        { objectId: 'u1', kind: 'user', displayName: 'Ada', userPrincipalName: null, accountEnabled: null },
      ],
    },
  ]);
});

test('only owners at the expansion cap are read again; 20 federated credentials are already all of them', () => {
  const owners = applicationOwners.expansion!;
  const federated = applicationFederatedCredentials.expansion!;
  assert.equal(mayBeTruncated(owners, 19), false);
  assert.equal(mayBeTruncated(owners, 20), true);
  assert.equal(mayBeTruncated(federated, 20), false);
});
