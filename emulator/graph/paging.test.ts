import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFixtureTenant, createTestGraph, ORIGIN, token } from './testing.ts';

const noThrottle = { throttle: { enabled: false } };

async function readAll(call: ReturnType<typeof createTestGraph>['call'], first: string, headers = {}) {
  const ids: string[] = [];
  const pages: number[] = [];
  let url: string | undefined = first;
  while (url) {
    const r = await call('GET', url, { headers });
    assert.equal(r.status, 200, r.text);
    ids.push(...r.json.value.map((o: { id: string }) => o.id));
    pages.push(r.json.value.length);
    url = r.json['@odata.nextLink'];
  }
  return { ids, pages };
}

test('following @odata.nextLink reads every object exactly once', async () => {
  const { call, ctx } = createTestGraph(noThrottle);
  const { ids, pages } = await readAll(call, '/v1.0/applications?$top=7&$select=id,displayName');
  assert.equal(ids.length, 250);
  assert.equal(new Set(ids).size, 250);
  assert.deepEqual(ids, [...[...ctx.tenants.values()][0]!.applications.keys()]);
  assert.ok(pages.slice(0, -1).every((n) => n === 7));
});

test('default page size is 100 and $top=999 returns 999 per page', async () => {
  const tenant = createFixtureTenant({ apps: 1200 });
  const { call } = createTestGraph(noThrottle, [tenant]);
  assert.deepEqual(
    (await readAll(call, '/v1.0/servicePrincipals')).pages,
    [100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100],
  );
  assert.deepEqual((await readAll(call, '/beta/applications?$top=999&$select=id')).pages, [999, 201]);
});

test('nextLink is the full URL on the request origin with every original option', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call(
    'GET',
    "/beta/servicePrincipals?$select=id,appId&$top=5&$filter=startsWith(displayName,'App 00')",
  );
  const next = new URL(r.json['@odata.nextLink']);
  assert.equal(next.origin, ORIGIN);
  assert.equal(next.pathname, '/beta/servicePrincipals');
  assert.equal(next.searchParams.get('$select'), 'id,appId');
  assert.equal(next.searchParams.get('$top'), '5');
  assert.equal(next.searchParams.get('$filter'), "startsWith(displayName,'App 00')");
  assert.ok(next.searchParams.get('$skiptoken'));
  const { ids } = await readAll(call, r.json['@odata.nextLink']);
  assert.equal(ids.length + 5, 100);
});

test('a tampered, foreign or replayed-elsewhere skiptoken is a 400', async () => {
  const { call } = createTestGraph(noThrottle);
  const next = new URL((await call('GET', '/v1.0/applications?$top=5')).json['@odata.nextLink']);
  const tokenValue = next.searchParams.get('$skiptoken')!;
  const attempts = [
    `/v1.0/applications?$top=5&$skiptoken=${tokenValue.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`,
    '/v1.0/applications?$top=5&$skiptoken=garbage',
    // Same token with other query options or another collection.
    `/v1.0/applications?$top=6&$skiptoken=${tokenValue}`,
    `/v1.0/servicePrincipals?$top=5&$skiptoken=${tokenValue}`,
  ];
  for (const path of attempts) {
    const r = await call('GET', path);
    assert.equal(r.status, 400, path);
    assert.equal(r.json.error.code, 'Request_BadRequest');
  }
  const otherTenant = token(undefined, '22222222-2222-4222-8222-222222222222');
  const tenants = [
    createFixtureTenant(),
    createFixtureTenant({ tenantId: '22222222-2222-4222-8222-222222222222' }),
  ];
  const two = createTestGraph(noThrottle, tenants);
  const link = (await two.call('GET', '/v1.0/applications?$top=5')).json['@odata.nextLink'];
  assert.equal((await two.call('GET', link, { auth: otherTenant })).status, 400);
});

test('objects removed between pages do not make the next page skip or repeat the rest', async () => {
  const tenant = createFixtureTenant({ apps: 30 });
  const { call } = createTestGraph(noThrottle, [tenant]);
  const first = await call('GET', '/v1.0/applications?$top=10&$select=id');
  const seen = first.json.value.map((o: { id: string }) => o.id);
  tenant.applications.delete(seen[2]);
  tenant.applications.delete(seen[3]);
  const { ids } = await readAll(call, first.json['@odata.nextLink']);
  assert.deepEqual(ids, [...tenant.applications.keys()].slice(8));
});

test('owners and federatedIdentityCredentials page too', async () => {
  const { call } = createTestGraph(noThrottle);
  const owners = await readAll(
    call,
    '/v1.0/applications/a0000000-0000-4000-8000-000000000000/owners?$top=10',
  );
  assert.deepEqual(owners.pages, [10, 10, 5]);
  assert.equal(new Set(owners.ids).size, 25);
  const fics = await readAll(
    call,
    '/v1.0/applications/a0000000-0000-4000-8000-000000000003/federatedIdentityCredentials?$top=2',
  );
  assert.deepEqual(fics.pages, [2, 1]);
});
