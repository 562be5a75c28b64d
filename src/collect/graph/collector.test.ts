import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermissionMissing } from '../../core/errors.ts';
import type { IdentityFact } from '../../core/facts.ts';
import { collectInventory } from './collector.ts';
import { resourceUrl } from './resource.ts';
import {
  applicationFederatedCredentials,
  applicationOwners,
  applications,
  organization,
  servicePrincipalOwners,
  servicePrincipals,
} from './resources/index.ts';
import type { BatchRequest, GraphTransport } from './transport.ts';

const TENANT = '0785ef7c-1111-4222-8333-944455556666';
const user = (i: number) => ({
  '@odata.type': '#microsoft.graph.user',
  id: `u${i}`,
  displayName: `User ${i}`,
});

/** In-memory Graph: each list URL maps to its pages; full owner lists answer $batch items. */
function fakeTransport(
  overrides: { organization?: () => unknown; pages?: Record<string, unknown[][]> } = {},
) {
  const manyOwners = Array.from({ length: 23 }, (_, i) => user(i));
  const lists: Record<string, unknown[][]> = {
    [resourceUrl(applications)]: [
      [
        {
          id: 'a1',
          appId: 'c1',
          displayName: 'One',
          passwordCredentials: [{ keyId: 'p1', secretText: 'never' }],
          keyCredentials: [],
        },
        {
          id: 'a2',
          appId: 'c2',
          displayName: 'Two',
          passwordCredentials: [],
          keyCredentials: [{ keyId: 'k1' }],
        },
      ],
    ],
    [resourceUrl(servicePrincipals)]: [
      [{ id: 's1', appId: 'c1', servicePrincipalType: 'Application', appOwnerOrganizationId: TENANT }],
      [
        {
          id: 's2',
          appId: 'm1',
          servicePrincipalType: 'ManagedIdentity',
          alternativeNames: ['isExplicit=True'],
        },
      ],
    ],
    [resourceUrl(applicationOwners)]: [
      [
        { id: 'a1', owners: [user(1)] },
        { id: 'a2', owners: manyOwners.slice(0, 20) },
      ],
    ],
    [resourceUrl(applicationFederatedCredentials)]: [
      [
        { id: 'a1', federatedIdentityCredentials: [] },
        {
          id: 'a2',
          federatedIdentityCredentials: [
            { id: 'f1', name: 'gh', issuer: 'https://i', subject: 's', audiences: ['a'] },
          ],
        },
      ],
    ],
    [resourceUrl(servicePrincipalOwners)]: [[{ id: 's1', owners: [] }], [{ id: 's2', owners: [user(1)] }]],
    ...overrides.pages,
  };
  const requested: string[] = [];
  const batches: BatchRequest[][] = [];
  const transport: Pick<GraphTransport, 'get' | 'pages' | 'batch' | 'stats' | 'tokenTenantId'> = {
    async get<T>(url: string) {
      requested.push(url);
      if (url !== resourceUrl(organization)) throw new Error(`unexpected GET ${url}`);
      return (overrides.organization?.() ?? { value: [{ id: TENANT, displayName: 'Contoso' }] }) as T;
    },
    async *pages<T>(url: string) {
      const pages = lists[url];
      if (!pages) throw new Error(`unexpected list ${url}`);
      for (const page of pages) {
        requested.push(url);
        await new Promise((r) => setImmediate(r));
        if (page instanceof Error) throw page;
        yield page as T[];
      }
    },
    async batch<T>(requests: BatchRequest[]) {
      batches.push(requests);
      return requests.map((r) => ({ id: r.id!, status: 200, headers: {}, body: { value: manyOwners } as T }));
    },
    stats: () => ({
      requests: requested.length,
      batchedRequests: 0,
      resourceUnits: 0,
      throttled: 0,
      retries: 0,
      bytes: 0,
    }),
    tokenTenantId: async () => TENANT,
  };
  return { transport, requested, batches };
}

test('streams every aspect of every identity and counts them', async () => {
  const { transport, batches } = fakeTransport();
  const facts: IdentityFact[] = [];
  const result = await collectInventory({ transport, onFacts: async (f) => void facts.push(...f) });
  assert.equal(result.tenantId, TENANT);
  assert.equal(result.tenantDisplayName, 'Contoso');
  assert.deepEqual(result.counts, {
    applications: 2,
    servicePrincipals: 2,
    'servicePrincipals.Application': 1,
    'servicePrincipals.ManagedIdentity': 1,
    managedIdentitiesSystemAssigned: 0,
    managedIdentitiesUserAssigned: 1,
    clientSecrets: 1,
    certificates: 1,
    federatedCredentials: 1,
    owners: 23,
  });
  const owners = facts.filter((f) => f.aspect === 'owners');
  assert.deepEqual(
    owners.map((f) => [f.objectId, f.owners.length]).sort(),
    [
      ['a1', 1],
      ['a2', 23],
      ['s2', 1],
    ],
    'a2 at the cap of 20 is reported once, with its full list from $batch; s1 has none, so no aspect',
  );
  assert.deepEqual(batches, [
    [
      {
        id: 'a2',
        url: '/applications/a2/owners?$select=id,displayName,userPrincipalName,accountEnabled&$top=999',
      },
    ],
  ]);
  const s1 = facts.find((f) => f.aspect === 'identity' && f.identity.objectId === 's1');
  assert.equal(s1?.aspect === 'identity' && s1.identity.publisher, 'own');
  assert.ok(!JSON.stringify(facts).includes('never'), 'no secret value');
});

test('hands facts over one page at a time and waits for each before the next page', async () => {
  const { transport, requested } = fakeTransport();
  let inFlight = 0;
  let maxInFlight = 0;
  let servicePrincipalPagesDuringFirst = -1;
  const spPages = () => requested.filter((u) => u === resourceUrl(servicePrincipals)).length;
  await collectInventory({
    transport,
    onFacts: async (facts) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const first = facts.some((f) => f.aspect === 'identity' && f.identity.objectId === 's1');
      if (first) servicePrincipalPagesDuringFirst = spPages();
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
    },
  });
  assert.equal(maxInFlight, 1, 'onFacts is never called concurrently');
  assert.equal(servicePrincipalPagesDuringFirst, 1, 'page 2 waits until page 1 is stored');
  assert.equal(spPages(), 2);
});

test('without Organization.Read.All, the tenant id comes from the token', async () => {
  const { transport } = fakeTransport({
    organization: () => {
      throw new PermissionMissing('the integration lacks Organization.Read.All', {
        permission: 'Organization.Read.All',
      });
    },
  });
  const result = await collectInventory({ transport, onFacts: async () => {} });
  assert.equal(result.tenantId, TENANT);
  assert.equal(result.tenantDisplayName, null);
});

test('the first failure of any list stops the scan with its named error', async () => {
  const denied = new PermissionMissing('the integration lacks Application.Read.All', {
    permission: 'Application.Read.All',
  });
  const { transport } = fakeTransport({
    pages: { [resourceUrl(servicePrincipals)]: [denied as unknown as unknown[]] },
  });
  await assert.rejects(collectInventory({ transport, onFacts: async () => {} }), (error) => error === denied);
});

test('a failing store stops the scan with the store error', async () => {
  const { transport } = fakeTransport();
  const broken = new Error('disk full');
  await assert.rejects(
    collectInventory({
      transport,
      onFacts: async () => {
        throw broken;
      },
    }),
    (error) => error === broken,
  );
});

test('reports progress per page, naming the list', async () => {
  const { transport } = fakeTransport();
  const progress: { resource: string; pages: number }[] = [];
  await collectInventory({ transport, onFacts: async () => {}, onProgress: (p) => progress.push(p) });
  assert.equal(progress.length, 7, 'one report per page of the five lists');
  assert.deepEqual(
    progress.map((p) => p.pages),
    [1, 2, 3, 4, 5, 6, 7],
  );
  assert.deepEqual(new Set(progress.map((p) => p.resource)).size, 5);
});

test('stops when the caller aborts, with the caller’s reason', async () => {
  const { transport } = fakeTransport();
  const controller = new AbortController();
  const reason = new Error('cancelled by the operator');
  await assert.rejects(
    collectInventory({
      transport,
      signal: controller.signal,
      onFacts: async () => controller.abort(reason),
    }),
    (error) => error === reason,
  );
});
