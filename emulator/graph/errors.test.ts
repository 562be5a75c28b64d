import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TenantState } from '../tenant/model.ts';
import { createFixtureTenant, createTestGraph, ORIGIN } from './testing.ts';

const noThrottle = { throttle: { enabled: false } };

test('errors use the OData shape with request ids echoed in headers and innerError', async () => {
  const { call } = createTestGraph(noThrottle);
  const r = await call('GET', '/v1.0/applications/nope', {
    headers: { 'client-request-id': 'my-correlation-id' },
  });
  assert.equal(r.status, 404);
  assert.deepEqual(Object.keys(r.json.error), ['code', 'message', 'innerError']);
  assert.equal(r.json.error.code, 'Request_ResourceNotFound');
  assert.equal(
    r.json.error.message,
    "Resource 'nope' does not exist or one of its queried reference-property objects are not present.",
  );
  assert.equal(r.headers['client-request-id'], 'my-correlation-id');
  assert.equal(r.json.error.innerError['client-request-id'], 'my-correlation-id');
  assert.match(r.headers['request-id']!, /^[0-9a-f-]{36}$/);
  assert.equal(r.json.error.innerError['request-id'], r.headers['request-id']);
  assert.match(r.json.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  assert.match(r.headers['content-type']!, /^application\/json/);
});

test('unknown segments, methods and bodies get the errors Graph sends', async () => {
  const { call } = createTestGraph(noThrottle);
  const cases: [string, string, unknown, number, string, string][] = [
    ['GET', '/v1.0/groupz', undefined, 400, 'BadRequest', "Resource not found for the segment 'groupz'."],
    [
      'GET',
      '/v1.0/applications/x/tokenLifetimePolicies',
      undefined,
      400,
      'BadRequest',
      "Resource not found for the segment 'tokenLifetimePolicies'.",
    ],
    [
      'GET',
      "/v1.0/applications(appId='nope')",
      undefined,
      404,
      'Request_ResourceNotFound',
      "Resource 'nope' does not exist or one of its queried reference-property objects are not present.",
    ],
    [
      'DELETE',
      '/v1.0/applications/x',
      undefined,
      405,
      'Request_BadRequest',
      'Specified HTTP method is not allowed for the request target.',
    ],
    [
      'POST',
      '/v1.0/directoryObjects/getByIds',
      '{ids:',
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ],
  ];
  for (const [method, path, body, status, code, message] of cases) {
    const r = await call(method, path, { body });
    assert.deepEqual([r.status, r.json.error.code, r.json.error.message], [status, code, message], path);
  }
});

test('an exception inside a route is a 500 OData error, never a crash', async () => {
  const broken = { ...createFixtureTenant({ apps: 1 }), applications: null } as unknown as TenantState;
  const errors: unknown[] = [];
  const { call, ctx } = createTestGraph({ ...noThrottle, onInternalError: (e) => errors.push(e) }, [broken]);
  const r = await call('GET', '/v1.0/applications');
  assert.equal(r.status, 500);
  assert.equal(r.json.error.code, 'generalException');
  assert.equal(errors.length, 1);
  assert.equal(ctx.requests.at(-1)!.status, 500);
  const batch = await call('POST', '/v1.0/$batch', {
    body: { requests: [{ id: '1', method: 'GET', url: '/applications' }] },
  });
  assert.equal(batch.status, 200);
  assert.equal(batch.json.responses[0].status, 500);
});

test('an unauthenticated request gets the authenticator response as is, and is logged', async () => {
  const { call, ctx } = createTestGraph(noThrottle);
  const r = await call('GET', '/v1.0/applications', { auth: null });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'InvalidAuthenticationToken');
  assert.deepEqual(
    [ctx.requests[0]!.status, ctx.requests[0]!.appId, ctx.requests[0]!.resourceUnits],
    [401, null, 0],
  );
});

test('paths outside /v1.0 and /beta are not Graph: the handler declines them', async () => {
  const { handler } = createTestGraph(noThrottle);
  for (const path of ['/', '/v2.0/applications', '/tenant/oauth2/v2.0/token', '/v1.0x/applications']) {
    const response = await handler({
      method: 'GET',
      url: new URL(path, ORIGIN),
      headers: {},
      body: Buffer.alloc(0),
      ip: '::1',
    });
    assert.equal(response, undefined, path);
  }
});

test('each request is logged with path, status, caller, RU, objects and bytes', async () => {
  const { call, ctx } = createTestGraph(noThrottle);
  const r = await call('GET', '/v1.0/applications?$top=3');
  assert.deepEqual(ctx.requests[0], {
    time: ctx.clock.now(),
    method: 'GET',
    path: '/v1.0/applications?$top=3',
    status: 200,
    appId: 'aaaaaaaa-0000-4000-8000-000000000001',
    tenantId: '11111111-1111-4111-8111-111111111111',
    resourceUnits: 1,
    throttled: false,
    objects: 3,
    bytes: Buffer.byteLength(r.text),
  });
});
