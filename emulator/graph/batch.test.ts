import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestGraph, token } from './testing.ts';

const noThrottle = { throttle: { enabled: false } };
const get = (id: string, url: string, extra: object = {}) => ({ id, method: 'GET', url, ...extra });

test('a batch answers each item by id with its own status, headers and body', async () => {
  const { call, ctx } = createTestGraph(noThrottle);
  const r = await call('POST', '/v1.0/$batch', {
    body: {
      requests: [
        get('1', '/applications?$top=2&$select=id'),
        get('2', 'servicePrincipals/$count', { headers: { ConsistencyLevel: 'eventual' } }),
        get('3', '/applications/missing'),
      ],
    },
  });
  assert.equal(r.status, 200);
  const byId = Object.fromEntries(r.json.responses.map((x: { id: string }) => [x.id, x]));
  assert.equal(byId['1'].status, 200);
  assert.equal(byId['1'].body.value.length, 2);
  assert.match(
    byId['1'].body['@odata.nextLink'],
    /^https:\/\/graph\.emulator\.test:8443\/v1\.0\/applications\?/,
  );
  assert.equal(byId['1'].headers['x-ms-resource-unit'], '1');
  assert.equal(Buffer.from(byId['2'].body, 'base64').toString(), '250');
  assert.equal(byId['3'].status, 404);
  assert.equal(byId['3'].body.error.code, 'Request_ResourceNotFound');
  // Each item is logged on its own, plus the batch itself with 0 RU.
  const paths = ctx.requests.map((q) => `${q.path} ${q.status} ${q.resourceUnits}`);
  assert.deepEqual(paths, [
    '/v1.0/applications?$top=2&$select=id 200 1',
    '/v1.0/servicePrincipals/$count 200 1',
    '/v1.0/applications/missing 404 1',
    '/v1.0/$batch 200 0',
  ]);
  assert.equal(ctx.requests[0]!.objects, 2);
});

test('more than 20 requests, duplicate ids, bad JSON or a bad shape fail the whole batch with 400', async () => {
  const { call } = createTestGraph(noThrottle);
  const twenty = Array.from({ length: 20 }, (_, i) => get(String(i), '/organization'));
  assert.equal((await call('POST', '/v1.0/$batch', { body: { requests: twenty } })).status, 200);
  const bad = [
    { requests: [...twenty, get('20', '/organization')] },
    { requests: [get('a', '/organization'), get('A', '/users')] },
    { requests: [get('a', '/organization', { dependsOn: ['zzz'] })] },
    { requests: [get('a', '/organization', { dependsOn: ['b'] }), get('b', '/users', { dependsOn: ['a'] })] },
    { requests: [{ id: '1', url: '/users' }] },
    { requests: [] },
    { nothing: true },
    '{"requests": [',
  ];
  for (const body of bad) {
    const r = await call('POST', '/beta/$batch', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.error.code, 'BadRequest');
  }
  const malformed = await call('POST', '/v1.0/$batch', { body: 'not json' });
  assert.equal(
    malformed.json.error.message,
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
});

test('a throttled item is a 429 with its own Retry-After while the batch is 200', async () => {
  const { call, ctx } = createTestGraph({ throttle: { windowMs: 1000, budgets: { small: 5 } } });
  const r = await call('POST', '/v1.0/$batch', {
    body: { requests: [get('1', '/applications'), get('2', '/applications'), get('3', '/applications')] },
  });
  assert.equal(r.status, 200);
  const [a, b, c] = r.json.responses;
  assert.deepEqual([a.status, b.status, c.status], [200, 200, 429]);
  assert.match(c.headers['Retry-After'], /^[1-9]\d*$/);
  assert.equal(c.body.error.code, 'TooManyRequests');
  assert.equal(ctx.requests.filter((q) => q.throttled).length, 1);
});

test('an item depending on a failed item fails with 424; others still run', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('POST', '/v1.0/$batch', {
    body: {
      requests: [
        get('4', '/users?$top=1', { dependsOn: ['3'] }),
        get('3', '/applications/missing'),
        get('5', '/organization', { dependsOn: ['6'] }),
        get('6', '/applications?$top=1'),
      ],
    },
  });
  const status = Object.fromEntries(
    r.json.responses.map((x: { id: string; status: number }) => [x.id, x.status]),
  );
  assert.deepEqual(status, { '3': 404, '4': 424, '5': 200, '6': 200 });
  assert.deepEqual(
    r.json.responses.map((x: { id: string }) => x.id),
    ['4', '3', '5', '6'],
  );
});

test('items are checked against the caller permissions one by one', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('POST', '/v1.0/$batch', {
    auth: token(['Application.Read.All']),
    body: {
      requests: [
        get('1', '/applications?$top=1'),
        get('2', '/users?$top=1'),
        get('3', '/$batch', { method: 'POST' }),
      ],
    },
  });
  assert.deepEqual(
    r.json.responses.map((x: { status: number }) => x.status),
    [200, 403, 400],
  );
  assert.equal(r.json.responses[1].body.error.code, 'Authorization_RequestDenied');
});

test('items with absolute urls or a body without Content-Type fail alone', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('POST', '/v1.0/$batch', {
    body: {
      requests: [
        get('1', 'https://graph.microsoft.com/v1.0/users'),
        { id: '2', method: 'POST', url: '/directoryObjects/getByIds', body: { ids: [] } },
        {
          id: '3',
          method: 'POST',
          url: '/directoryObjects/getByIds',
          body: { ids: ['d0000000-0000-4000-8000-000000000001'] },
          headers: { 'Content-Type': 'application/json' },
        },
      ],
    },
  });
  assert.deepEqual(
    r.json.responses.map((x: { status: number }) => x.status),
    [400, 400, 200],
  );
  assert.equal(r.json.responses[2].body.value[0]['@odata.type'], '#microsoft.graph.user');
});
