import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermissionMissing, UpstreamFailed } from '../../core/errors.ts';
import type { IdentityFact } from '../../core/facts.ts';
import { createPartTracker } from '../../core/scan-parts.ts';
import { collectInventory } from './collector.ts';
import { QueryRefused } from './graph-errors.ts';
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
  overrides: {
    organization?: () => unknown;
    pages?: Record<string, unknown[][]>;
    batchBody?: (url: string) => unknown;
  } = {},
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
      return requests.map((r) => ({
        id: r.id!,
        status: 200,
        headers: {},
        body: (overrides.batchBody?.(r.url) ?? { value: manyOwners }) as T,
      }));
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
        url: '/applications/a2/owners?$select=id,displayName,userPrincipalName,accountEnabled,mail&$top=999',
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

const refused = () =>
  new QueryRefused(
    'Graph refused GET /v1.0/applications as malformed (Request_BadRequest: Invalid $select properties.)',
  );

test('a refused nested $select in $expand degrades to a plain $expand, with accountEnabled from disabled users', async () => {
  const plain = resourceUrl({
    ...applicationOwners,
    query: { $select: 'id', $expand: 'owners', $top: '100' },
  });
  const { transport } = fakeTransport({
    pages: {
      [resourceUrl(applicationOwners)]: [refused() as unknown as unknown[]],
      [plain]: [[{ id: 'a1', owners: [user(1), user(2)] }]],
      '/users?$filter=accountEnabled%20eq%20false&$select=id&$top=999': [[{ id: 'u2' }]],
    },
  });
  const facts: IdentityFact[] = [];
  const parts = createPartTracker();
  const result = await collectInventory({ transport, parts, onFacts: async (f) => void facts.push(...f) });
  const a1 = facts.find((f) => f.aspect === 'owners' && f.objectId === 'a1');
  assert.deepEqual(a1?.aspect === 'owners' && a1.owners.map((o) => [o.objectId, o.accountEnabled]), [
    ['u1', true],
    ['u2', false],
  ]);
  assert.deepEqual(result.plan, { 'application-owners': 'plain-expand' });
  assert.ok(result.complete);
  assert.match(
    result.warnings.join('\n'),
    /application-owners: Graph refused .*Invalid \$select properties.*falling back to the plain-expand plan \(same requests and RU/,
  );
  // The next scan starts with the plan that worked: no refused request.
  const again = fakeTransport({
    pages: {
      [resourceUrl(applicationOwners)]: [new Error('not asked again') as unknown as unknown[]],
      [plain]: [[{ id: 'a1', owners: [] }]],
      '/users?$filter=accountEnabled%20eq%20false&$select=id&$top=999': [[]],
    },
  });
  const second = await collectInventory({
    transport: again.transport,
    plan: result.plan,
    onFacts: async () => {},
  });
  assert.deepEqual(second.plan, result.plan);
});

test('federated credentials degrade from v1.0 to beta to per-object reads through $batch', async () => {
  const beta = resourceUrl({ ...applicationFederatedCredentials, path: '/beta/applications' });
  const ids = resourceUrl({ path: '/applications', query: { $select: 'id', $top: '999' } });
  const fic = { id: 'f9', name: 'gh', issuer: 'https://i', subject: 'repo:x', audiences: ['a'] };
  const { transport, batches } = fakeTransport({
    pages: {
      [resourceUrl(applicationFederatedCredentials)]: [refused() as unknown as unknown[]],
      [beta]: [refused() as unknown as unknown[]],
      [ids]: [[{ id: 'a1' }, { id: 'a2' }]],
    },
    batchBody: (url) =>
      url.includes('federatedIdentityCredentials') ? { value: url.includes('a2') ? [fic] : [] } : undefined,
  });
  const facts: IdentityFact[] = [];
  const result = await collectInventory({ transport, onFacts: async (f) => void facts.push(...f) });
  assert.deepEqual(result.plan, { 'application-federated-credentials': 'per-object' });
  assert.deepEqual(
    batches.find((b) => b[0]?.url.includes('federatedIdentityCredentials'))?.map((r) => r.url),
    [
      '/applications/a1/federatedIdentityCredentials?$top=999',
      '/applications/a2/federatedIdentityCredentials?$top=999',
    ],
  );
  const federated = facts.filter((f) => f.aspect === 'federated');
  assert.deepEqual(
    federated.map((f) => f.aspect === 'federated' && [f.objectId, f.credentials.map((c) => c.keyId)]),
    [['a2', ['f9']]],
  );
  const warnings = result.warnings.join('\n');
  assert.match(warnings, /falling back to the beta-expand plan/);
  assert.match(warnings, /falling back to the per-object plan/);
  assert.match(warnings, /read object by object .*: 2 objects/);
});

test('an optional part that fails alone leaves its aspect unknown; the scan reads on, partial', async () => {
  const broken = new UpstreamFailed('Graph failed GET /v1.0/servicePrincipals (ServiceUnavailable)');
  const { transport } = fakeTransport({
    pages: {
      [resourceUrl(servicePrincipalOwners)]: [
        [{ id: 's1', owners: [user(3)] }],
        broken as unknown as unknown[],
      ],
    },
  });
  const facts: IdentityFact[] = [];
  const parts = createPartTracker();
  const result = await collectInventory({ transport, parts, onFacts: async (f) => void facts.push(...f) });
  assert.equal(result.complete, false);
  const outcome = parts.snapshot('not read');
  assert.deepEqual(
    outcome.filter((p) => !p.complete).map((p) => [p.name, p.reason]),
    [['service-principal-owners', broken.message]],
  );
  assert.ok(
    facts.some((f) => f.aspect === 'identity' && f.identity.objectId === 's2'),
    'other lists read on',
  );
  assert.ok(
    facts.some((f) => f.aspect === 'owners' && f.objectId === 's1'),
    'pages read before the failure count',
  );
  // Said once, by the part (the scan's summary words it), not again as a warning of the collector.
  assert.doesNotMatch(result.warnings.join('\n'), /service-principal-owners/);
});

test('a required part that fails fails the scan, even when an optional one would not', async () => {
  const { transport } = fakeTransport({
    pages: {
      [resourceUrl(applications)]: [
        new UpstreamFailed('Graph failed GET /v1.0/applications') as unknown as unknown[],
      ],
    },
  });
  await assert.rejects(collectInventory({ transport, onFacts: async () => {} }), /GET \/v1\.0\/applications/);
});

test('owners the reader may not read are marked unreadable, with one warning naming the permission', async () => {
  const { transport } = fakeTransport({
    pages: {
      [resourceUrl(applicationOwners)]: [
        [
          {
            id: 'a1',
            owners: [
              {
                '@odata.type': '#microsoft.graph.user',
                id: 'u7',
                displayName: null,
                userPrincipalName: null,
                accountEnabled: null,
              },
            ],
          },
        ],
      ],
    },
  });
  const facts: IdentityFact[] = [];
  const result = await collectInventory({ transport, onFacts: async (f) => void facts.push(...f) });
  const a1 = facts.find((f) => f.aspect === 'owners' && f.objectId === 'a1');
  assert.deepEqual(a1?.aspect === 'owners' && a1.owners, [
    {
      objectId: 'u7',
      kind: 'user',
      displayName: null,
      userPrincipalName: null,
      accountEnabled: null,
      readable: false,
    },
  ]);
  const warnings = result.warnings.filter((w) => /id only/.test(w));
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!,
    /^1 owners came back with their id only.*User\.Read\.All or Directory\.Read\.All/,
  );
});
