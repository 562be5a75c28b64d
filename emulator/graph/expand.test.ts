import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LENIENT_READINGS } from './readings.ts';
import { createFixtureTenant, createTestGraph } from './testing.ts';

const noThrottle = { throttle: { enabled: false } };
// Nested options and list-wide credential expansion are the lenient readings (readings.test.ts has both).
const lenient = { ...noThrottle, readings: LENIENT_READINGS };
const APP0 = 'a0000000-0000-4000-8000-000000000000';

test('an expanded relationship holds at most 20 items and no nextLink', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('GET', `/v1.0/applications/${APP0}?$select=id&$expand=owners`);
  assert.equal(r.status, 200);
  assert.equal(r.json.owners.length, 20);
  assert.doesNotMatch(JSON.stringify(r.json.owners), /nextLink/);
  assert.equal(r.json['owners@odata.nextLink'], undefined);
  // The full set stays reachable by paging the relationship itself.
  const all = await call('GET', `/v1.0/applications/${APP0}/owners?$top=999`);
  assert.equal(all.json.value.length, 25);
});

test('with $expand a list page holds at most 100 objects whatever $top says', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('GET', '/v1.0/servicePrincipals?$top=999&$select=id&$expand=owners');
  assert.equal(r.json.value.length, 100);
  assert.ok(r.json['@odata.nextLink']);
  const small = await call('GET', '/v1.0/servicePrincipals?$top=5&$expand=owners');
  assert.equal(small.json.value.length, 5);
});

test('expanded owners carry @odata.type and only the selected properties their type has', async () => {
  const { call } = createTestGraph(lenient);
  const r = await call(
    'GET',
    '/v1.0/applications?$top=2&$select=id,displayName&$expand=owners($select=id,displayName,userPrincipalName,accountEnabled)',
  );
  const [user, sp] = r.json.value[1].owners;
  assert.deepEqual(user, {
    '@odata.type': '#microsoft.graph.user',
    id: 'd0000000-0000-4000-8000-000000000001',
    displayName: 'User 1',
    userPrincipalName: 'user1@contoso.test',
    accountEnabled: true,
  });
  assert.deepEqual(sp, {
    '@odata.type': '#microsoft.graph.servicePrincipal',
    id: 'b0000000-0000-4000-8000-000000000002',
    displayName: 'App 0002',
    accountEnabled: true,
  });
  const bad = await call('GET', '/v1.0/applications?$expand=owners($select=id,bogus)');
  assert.equal(bad.status, 400);
});

test('federatedIdentityCredentials expand with a nested $select', async () => {
  const { call } = createTestGraph(lenient);
  const r = await call(
    'GET',
    '/v1.0/applications?$top=4&$select=id&$expand=federatedIdentityCredentials($select=name,subject)',
  );
  assert.deepEqual(
    r.json.value.map(
      (a: { federatedIdentityCredentials: unknown[] }) => a.federatedIdentityCredentials.length,
    ),
    [0, 1, 2, 3],
  );
  assert.deepEqual(Object.keys(r.json.value[3].federatedIdentityCredentials[0]), ['name', 'subject']);
});

test('only one navigation property per request by default (configurable)', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('GET', '/v1.0/applications?$expand=owners,federatedIdentityCredentials');
  assert.equal(r.status, 400);
  assert.equal(
    r.json.error.message,
    'The result of parsing $expand contained at least 2 items, but the maximum allowed is 1.',
  );
  const lenient = createTestGraph({ ...noThrottle, limits: { maxExpandedProperties: 2 } });
  assert.equal((await lenient.call('GET', '/v1.0/applications?$top=1&$expand=owners')).status, 200);
});

test('$expand of an unknown or non-navigation property is a 400', async () => {
  const { call } = createTestGraph(noThrottle, [createFixtureTenant({ apps: 3 })]);
  const unknown = await call('GET', '/v1.0/applications?$expand=bogus');
  assert.equal(unknown.status, 400);
  assert.match(
    unknown.json.error.message,
    /Could not find a property named 'bogus' on type 'microsoft.graph.application'/,
  );
  const structural = await call('GET', '/v1.0/applications?$expand=displayName');
  assert.equal(structural.status, 400);
  assert.match(structural.json.error.message, /is not a navigation property/);
});

test('id in (…) names up to 15 objects by default, with $expand; a 16th is Graph 400', async () => {
  const { call } = createTestGraph(noThrottle);
  const ids = (await call('GET', '/v1.0/servicePrincipals?$select=id&$top=16')).json.value.map(
    (o: { id: string }) => o.id,
  );
  const inList = (n: number) =>
    ids
      .slice(0, n)
      .map((id: string) => `'${id}'`)
      .join(',');
  const ok = await call(
    'GET',
    `/v1.0/servicePrincipals?$filter=id%20in%20(${inList(15)})&$select=id&$expand=owners&$top=15`,
  );
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json.value.map((o: { id: string }) => o.id).sort(), ids.slice(0, 15).sort());
  assert.ok(ok.json.value.every((o: { owners?: unknown[] }) => Array.isArray(o.owners)));
  assert.equal(ok.json['@odata.nextLink'], undefined);
  // $top below 20 takes 1 RU off: 1 − 1 + 1 − 1, never below 1.
  assert.equal(ok.headers['x-ms-resource-unit'], '1');
  const over = await call(
    'GET',
    `/v1.0/applications?$filter=id%20in%20(${inList(16)})&$select=id&$expand=owners`,
  );
  assert.equal(over.status, 400);
  assert.equal(over.json.error.code, 'Request_UnsupportedQuery');
  assert.match(over.json.error.message, /Too many child clauses .* 16\. Max allowed: 15\./);
  // Unknown ids are simply absent; an `in` on a property without it is refused.
  const none = await call(
    'GET',
    "/v1.0/applications?$filter=id%20in%20('00000000-0000-0000-0000-000000000001')",
  );
  assert.deepEqual(none.json.value, []);
  const appIdIn = await call('GET', "/v1.0/applications?$filter=appId%20in%20('x')");
  assert.equal(appIdIn.status, 400);
});
