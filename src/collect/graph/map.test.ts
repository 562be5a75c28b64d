import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Application, ServicePrincipal } from '@microsoft/microsoft-graph-types';
import {
  managedIdentityType,
  mapApplication,
  mapFederatedCredential,
  mapOwner,
  mapServicePrincipal,
} from './map.ts';

const TENANT = '0785ef7c-1111-4222-8333-944455556666';
const context = { tenantId: TENANT };
const SECRET = 'Zx8Q~s3cr3t-value-that-must-never-leak';
const KEY = 'MIIDAZCCAeugAwIBAgIQ-private-material';

const app: Application = {
  id: 'a1',
  appId: 'c1',
  displayName: 'Payroll export',
  signInAudience: 'AzureADMyOrg',
  createdDateTime: '2023-01-02T03:04:05Z',
  passwordCredentials: [
    {
      keyId: 'k-secret',
      displayName: 'ci',
      hint: 'Zx8',
      secretText: SECRET,
      startDateTime: '2024-01-01T00:00:00Z',
      endDateTime: '2025-01-01T00:00:00Z',
    },
  ],
  keyCredentials: [
    {
      keyId: 'k-cert',
      displayName: 'CN=payroll',
      customKeyIdentifier: 'q83vASNFZ4k=',
      key: KEY,
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
      startDateTime: '2024-01-01T00:00:00Z',
      endDateTime: '2026-01-01T00:00:00Z',
    },
  ],
};

test('maps an application with its secret and certificate, never their values', () => {
  const identity = mapApplication(app, context);
  assert.equal(identity.publisher, 'own');
  assert.equal(identity.kind, 'application');
  assert.deepEqual(identity.credentials, [
    {
      keyId: 'k-secret',
      type: 'secret',
      location: 'application',
      displayName: 'ci',
      hint: 'Zx8',
      thumbprint: null,
      usage: null,
      startDateTime: '2024-01-01T00:00:00Z',
      endDateTime: '2025-01-01T00:00:00Z',
    },
    {
      keyId: 'k-cert',
      type: 'certificate',
      location: 'application',
      displayName: 'CN=payroll',
      hint: null,
      thumbprint: 'q83vASNFZ4k=',
      usage: 'Verify',
      startDateTime: '2024-01-01T00:00:00Z',
      endDateTime: '2026-01-01T00:00:00Z',
    },
  ]);
  const text = JSON.stringify(identity);
  assert.ok(!text.includes(SECRET) && !text.includes(KEY), 'secret values are dropped');
});

test('classifies service principal publishers and managed identity types', () => {
  const sp = (extra: Partial<ServicePrincipal>): ServicePrincipal => ({
    id: 's',
    appId: 'c',
    displayName: 'x',
    servicePrincipalType: 'Application',
    ...extra,
  });
  const cases: [Partial<ServicePrincipal>, string, string | null][] = [
    [{ appOwnerOrganizationId: TENANT }, 'own', null],
    [{ appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a' }, 'microsoft', null],
    [{ appOwnerOrganizationId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }, 'microsoft', null],
    [{ appOwnerOrganizationId: '11111111-2222-4333-8444-555555555555' }, 'third-party', null],
    [{ appOwnerOrganizationId: null }, 'unknown', null],
    [
      {
        servicePrincipalType: 'ManagedIdentity',
        alternativeNames: [
          'isExplicit=True',
          '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi',
        ],
      },
      'own',
      'user-assigned',
    ],
    [
      {
        servicePrincipalType: 'ManagedIdentity',
        alternativeNames: [
          'isExplicit=False',
          '/subscriptions/s/resourcegroups/rg/providers/Microsoft.Web/sites/app',
        ],
      },
      'own',
      'system-assigned',
    ],
    [
      // No isExplicit flag (older identities): system-assigned, as the subscription-transfer guide reads it.
      {
        servicePrincipalType: 'ManagedIdentity',
        alternativeNames: [
          '/subscriptions/s/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/vm',
        ],
      },
      'own',
      'system-assigned',
    ],
  ];
  for (const [extra, publisher, miType] of cases) {
    const identity = mapServicePrincipal(sp(extra), context);
    assert.equal(identity.publisher, publisher, JSON.stringify(extra));
    assert.equal(identity.managedIdentityType, miType, JSON.stringify(extra));
  }
  assert.equal(
    managedIdentityType(sp({ alternativeNames: ['isExplicit=True'] })),
    null,
    'only managed identities',
  );
});

test('a managed identity is linked to its Azure resource; other service principals are not', () => {
  const sp = (extra: Partial<ServicePrincipal>): ServicePrincipal => ({
    id: 'sp',
    appId: 'app',
    displayName: 'x',
    servicePrincipalType: 'Application',
    ...extra,
  });
  const vm = '/subscriptions/s/resourcegroups/rg/providers/Microsoft.Compute/virtualMachines/vm';
  const managed = mapServicePrincipal(
    sp({ servicePrincipalType: 'ManagedIdentity', alternativeNames: ['isExplicit=False', vm] }),
    context,
  );
  assert.equal(managed.azureResourceId, vm);
  const app = mapServicePrincipal(sp({ alternativeNames: [vm] }), context);
  assert.equal('azureResourceId' in app, false, 'absent, so existing identities keep their hash');
});

test('maps service principal credentials to their location', () => {
  const identity = mapServicePrincipal(
    {
      id: 's',
      appId: 'c',
      servicePrincipalType: 'Application',
      passwordCredentials: [{ keyId: 'p', secretText: SECRET }],
      keyCredentials: [{ keyId: 'k', key: KEY }],
    },
    context,
  );
  assert.deepEqual(
    identity.credentials.map((c) => [c.keyId, c.type, c.location]),
    [
      ['p', 'secret', 'servicePrincipal'],
      ['k', 'certificate', 'servicePrincipal'],
    ],
  );
  assert.ok(!JSON.stringify(identity).includes(SECRET));
});

test('maps owners by @odata.type', () => {
  assert.deepEqual(
    mapOwner({
      '@odata.type': '#microsoft.graph.user',
      id: 'u',
      displayName: 'Ada',
      userPrincipalName: 'ada@x',
      accountEnabled: false,
    }),
    { objectId: 'u', kind: 'user', displayName: 'Ada', userPrincipalName: 'ada@x', accountEnabled: false },
  );
  assert.deepEqual(
    mapOwner({ '@odata.type': '#microsoft.graph.servicePrincipal', id: 's', displayName: 'Bot' }),
    {
      objectId: 's',
      kind: 'servicePrincipal',
      displayName: 'Bot',
      userPrincipalName: null,
      accountEnabled: null,
    },
  );
  assert.equal(mapOwner({ id: 'g' }).kind, 'unknown');
});

test('maps a federated credential with its id as keyId', () => {
  assert.deepEqual(
    mapFederatedCredential(
      {
        id: 'f1',
        name: 'gh-main',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:o/r:ref:refs/heads/main',
        audiences: ['api://AzureADTokenExchange'],
      },
      'application',
    ),
    {
      keyId: 'f1',
      type: 'federated',
      location: 'application',
      displayName: 'gh-main',
      hint: null,
      thumbprint: null,
      usage: null,
      startDateTime: null,
      endDateTime: null,
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:o/r:ref:refs/heads/main',
      audiences: ['api://AzureADTokenExchange'],
      name: 'gh-main',
    },
  );
});
