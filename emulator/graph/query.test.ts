import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestGraph } from './testing.ts';

const noThrottle = { throttle: { enabled: false } };
const APP0 = 'a0000000-0000-4000-8000-000000000000';
const eventual = { ConsistencyLevel: 'eventual' };

test('$top accepts 1 to 999 and answers anything else with Graph 400', async () => {
  const { call } = createTestGraph(noThrottle);
  assert.equal((await call('GET', '/v1.0/applications?$top=1')).json.value.length, 1);
  assert.equal((await call('GET', '/v1.0/applications?$top=999')).json.value.length, 250);
  for (const bad of ['0', '1000', '-1', 'abc', '2.5']) {
    const r = await call('GET', `/v1.0/servicePrincipals?$top=${bad}`);
    assert.equal(r.status, 400, bad);
    assert.equal(r.json.error.code, 'Request_UnsupportedQuery');
    assert.equal(
      r.json.error.message,
      `Invalid page size specified: '${bad}'. Must be between 1 and 999 inclusive.`,
    );
  }
});

test('$select returns exactly the selected properties, case-insensitively, null when unset', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('GET', '/v1.0/applications?$top=2&$select=ID,displayname,description,identifierUris');
  assert.equal(
    r.json['@odata.context'],
    'https://graph.emulator.test:8443/v1.0/$metadata#applications(ID,displayname,description,identifierUris)',
  );
  assert.deepEqual(r.json.value[0], {
    id: APP0,
    displayName: 'App 0000',
    description: null,
    identifierUris: [],
  });
});

test('an unknown $select property is the 400 Graph sends', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('GET', '/v1.0/servicePrincipals?$select=id,bogus');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'BadRequest');
  assert.equal(
    r.json.error.message,
    "Parsing OData Select and Expand failed: Could not find a property named 'bogus' on type 'microsoft.graph.servicePrincipal'.",
  );
  // Names come from Microsoft's typings: any real property is selectable, a near miss is not.
  assert.equal((await call('GET', '/v1.0/users?$select=id,userPrincipalName,accountEnabled')).status, 200);
  assert.equal((await call('GET', '/v1.0/users?$select=signInActivity')).status, 200);
  assert.equal((await call('GET', '/v1.0/applications?$select=keyCredential')).status, 400);
});

test('secretText is never returned and keyCredentials[].key only on a single GET that selects it', async () => {
  const { call } = createTestGraph(noThrottle);
  const paths = [
    '/v1.0/applications?$top=5',
    '/v1.0/applications?$select=passwordCredentials,keyCredentials',
    `/v1.0/applications/${APP0}`,
    `/beta/applications/${APP0}?$select=passwordCredentials`,
  ];
  for (const path of paths) {
    const r = await call('GET', path);
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /never-sent/, path);
    assert.doesNotMatch(r.text, /"secretText":"/, path);
    assert.doesNotMatch(r.text, /TUlJQ2VydA==/, path);
  }
  const single = await call('GET', `/v1.0/applications/${APP0}?$select=keyCredentials`);
  assert.equal(single.json.keyCredentials[0].key, 'TUlJQ2VydA==');
  assert.equal(
    single.json['@odata.context'],
    'https://graph.emulator.test:8443/v1.0/$metadata#applications(keyCredentials)/$entity',
  );
});

test('properties returned only on $select stay out of default responses', async () => {
  const { call } = createTestGraph(noThrottle);
  assert.equal((await call('GET', `/v1.0/applications/${APP0}`)).json.authenticationBehaviors, undefined);
  const selected = await call('GET', `/v1.0/applications/${APP0}?$select=authenticationBehaviors`);
  assert.deepEqual(selected.json.authenticationBehaviors, { requireClientServicePrincipal: false });
});

test('v1.0 users list returns the default property set; beta returns what is stored', async () => {
  const { call } = createTestGraph(noThrottle);
  const v1 = (await call('GET', '/v1.0/users?$top=1')).json.value[0];
  assert.equal(v1.department, undefined);
  assert.equal(v1.userPrincipalName, 'user0@contoso.test');
  assert.equal((await call('GET', '/beta/users?$top=1')).json.value[0].department, 'Engineering');
});

test('$count=true adds @odata.count only with ConsistencyLevel: eventual, on the first page only', async () => {
  const { call } = createTestGraph(noThrottle);
  const without = await call('GET', '/v1.0/applications?$count=true&$top=10');
  assert.equal(without.status, 200);
  assert.equal(without.json['@odata.count'], undefined);
  const first = await call('GET', '/v1.0/applications?$count=true&$top=10', { headers: eventual });
  assert.equal(first.json['@odata.count'], 250);
  const second = await call('GET', first.json['@odata.nextLink'], { headers: eventual });
  assert.equal(second.status, 200);
  assert.equal(second.json['@odata.count'], undefined);
});

test('raw /$count is text/plain and needs ConsistencyLevel: eventual', async () => {
  const { call } = createTestGraph(noThrottle);
  const ok = await call('GET', '/v1.0/servicePrincipals/$count', { headers: eventual });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['content-type'], 'text/plain');
  assert.equal(ok.text, '250');
  const filtered = await call(
    'GET',
    "/v1.0/servicePrincipals/$count?$filter=servicePrincipalType eq 'Legacy'",
    { headers: eventual },
  );
  assert.equal(filtered.text, '62');
  const refused = await call('GET', '/v1.0/applications/$count');
  assert.equal(refused.status, 400);
  assert.equal(refused.json.error.code, 'Request_UnsupportedQuery');
  assert.match(
    refused.json.error.message,
    /^Raw count \(\/\$count\) is not supported because the 'ConsistencyLevel:eventual' header is missing/,
  );
});

test('unsupported system query options are refused rather than ignored', async () => {
  const { call } = createTestGraph(noThrottle);
  const skip = await call('GET', '/v1.0/applications?$skip=10');
  assert.equal(skip.status, 400);
  assert.equal(skip.json.error.message, "'$skip' is not supported by the service.");
  assert.equal((await call('GET', '/v1.0/applications?$bogus=1')).status, 400);
  assert.equal((await call('GET', '/v1.0/applications?unrelated=1')).status, 200);
});

test('alternate keys and user principal names address single objects', async () => {
  const { call } = createTestGraph(noThrottle);
  const appId = 'c0000000-0000-4000-8000-000000000007';
  assert.equal(
    (await call('GET', `/v1.0/applications(appId='${appId}')?$select=id`)).json.id,
    'a0000000-0000-4000-8000-000000000007',
  );
  assert.equal(
    (await call('GET', `/v1.0/servicePrincipals(appId='${appId}')?$select=id`)).json.id,
    'b0000000-0000-4000-8000-000000000007',
  );
  assert.equal(
    (await call('GET', '/v1.0/users/USER3@contoso.test?$select=id')).json.id,
    'd0000000-0000-4000-8000-000000000003',
  );
  const org = await call('GET', '/v1.0/organization?$select=id,displayName');
  assert.deepEqual(org.json.value, [
    { id: '11111111-1111-4111-8111-111111111111', displayName: 'Contoso Test' },
  ]);
});

test('getByIds returns the objects found, typed, honouring types and $select', async () => {
  const { call } = createTestGraph(noThrottle);
  const ids = [
    APP0,
    'b0000000-0000-4000-8000-000000000001',
    'd0000000-0000-4000-8000-000000000002',
    'missing',
  ];
  const all = await call('POST', '/v1.0/directoryObjects/getByIds?$select=id,displayName,userPrincipalName', {
    body: { ids },
  });
  assert.deepEqual(all.json.value, [
    { '@odata.type': '#microsoft.graph.application', id: APP0, displayName: 'App 0000' },
    {
      '@odata.type': '#microsoft.graph.servicePrincipal',
      id: 'b0000000-0000-4000-8000-000000000001',
      displayName: 'App 0001',
    },
    {
      '@odata.type': '#microsoft.graph.user',
      id: 'd0000000-0000-4000-8000-000000000002',
      displayName: 'User 2',
      userPrincipalName: 'user2@contoso.test',
    },
  ]);
  assert.equal(all.headers['x-ms-resource-unit'], '2');
  const users = await call('POST', '/v1.0/directoryObjects/getByIds', { body: { ids, types: ['user'] } });
  assert.deepEqual(
    users.json.value.map((o: { id: string }) => o.id),
    ['d0000000-0000-4000-8000-000000000002'],
  );
  assert.equal(users.headers['x-ms-resource-unit'], '5');
});
