// Every fault the server injects, observed by a raw https client, and the server answering normally after
// each one (client hang-ups included).
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { connect } from 'node:tls';
import type { FaultSpec } from '../context.ts';
import type { EmulatorRuntime } from '../runtime.ts';
import { type TestTenant, VALID_SECRET } from './fixtures.ts';
import { rawRequest, secretToken, startFixtureRuntime } from './harness.ts';

let emulator: EmulatorRuntime<unknown, unknown, unknown>;
let fixture: TestTenant;
let token: string;

before(async () => {
  ({ emulator, fixture } = await startFixtureRuntime({ faultSeed: 42 }));
  token = await secretToken(emulator.origin, emulator.caCertPem, {
    tenantId: fixture.tenant.id,
    appId: fixture.appId,
    secret: VALID_SECRET,
  });
});

after(() => emulator.close());

beforeEach(() => emulator.control.clearFaults());

const get = (path: string) =>
  rawRequest(`${emulator.origin}${path}`, {
    ca: emulator.caCertPem,
    headers: { authorization: `Bearer ${token}` },
  });

function inject(spec: FaultSpec): void {
  emulator.control.injectFaults({ pathContains: '/v1.0/things', maxFaults: 1, ...spec });
}

/** The server still serves a normal request after the fault. */
async function assertHealthy(): Promise<void> {
  const res = await get('/v1.0/things');
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body.toString()).value.length, 40);
}

test('connection reset mid-body: headers promise more than arrives, then the socket dies', async () => {
  inject({ resetRate: 1 });
  const res = await get('/v1.0/things');
  assert.equal(res.status, 200);
  assert.ok(res.error, 'the client sees the connection fail');
  assert.equal(res.complete, false);
  assert.ok(res.body.length < Number(res.headers['content-length']));
  await assertHealthy();
});

test('truncated JSON: a complete HTTP response whose body is cut', async () => {
  inject({ truncateRate: 1 });
  const res = await get('/v1.0/things');
  assert.equal(res.status, 200);
  assert.equal(res.error, undefined);
  assert.equal(res.complete, true);
  assert.equal(res.body.length, Number(res.headers['content-length']));
  assert.throws(() => JSON.parse(res.body.toString()), SyntaxError);
  await assertHealthy();
});

test('slow drip: the whole body arrives, in many small pieces', async () => {
  inject({ dripRate: 1, dripBytesPerSecond: 5_000 });
  const res = await get('/v1.0/things');
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body.toString()).value.length, 40);
  assert.ok(res.chunks >= 3, `arrived in ${res.chunks} pieces`);
  await assertHealthy();
});

test('added latency delays the answer by at least the configured time', async () => {
  inject({ latencyMs: 250 });
  const started = performance.now();
  const res = await get('/v1.0/things');
  assert.equal(res.status, 200);
  assert.ok(performance.now() - started >= 240);
});

test('5xx: Graph-shaped bodies from the 503/500/502/504 mix, Retry-After on 503', async () => {
  inject({ serverErrorRate: 1, maxFaults: 30 });
  const statuses = new Set<number>();
  for (let i = 0; i < 30; i++) {
    const res = await get('/v1.0/things');
    const status = res.status ?? 0;
    statuses.add(status);
    assert.ok([500, 502, 503, 504].includes(status), `status ${status}`);
    const body = JSON.parse(res.body.toString());
    assert.equal(typeof body.error.code, 'string');
    assert.equal(typeof body.error.innerError['request-id'], 'string');
    if (status === 503) assert.ok(Number(res.headers['retry-after']) > 0);
  }
  assert.ok(statuses.has(503) && statuses.size >= 3, `mix: ${[...statuses]}`);
  await assertHealthy();
});

test('429 storm: TooManyRequests with Retry-After and x-ms-throttle headers, logged as throttled', async () => {
  inject({ throttleRate: 1, throttleRetryAfterSeconds: 7, maxFaults: 2 });
  for (let i = 0; i < 2; i++) {
    const res = await get('/v1.0/things');
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '7');
    assert.equal(
      res.headers['x-ms-throttle-scope'],
      `Tenant_Application/ReadWrite/${fixture.appId}/${fixture.tenant.id}`,
    );
    assert.equal(res.headers['x-ms-throttle-information'], 'ResourceUnitLimitExceeded');
    const body = JSON.parse(res.body.toString());
    assert.equal(body.error.code, 'TooManyRequests');
    assert.equal(body.error.innerError.code, '429');
  }
  const last = emulator.control.requestLog({ appId: fixture.appId }).at(-1);
  assert.equal(last?.status, 429);
  assert.equal(last?.throttled, true);
  await assertHealthy();
});

test('pathContains scopes a fault and maxFaults ends it', async () => {
  emulator.control.injectFaults({ pathContains: '/v1.0/things', serverErrorRate: 1, maxFaults: 2 });
  assert.equal((await get('/v1.0/ping')).status, 200);
  assert.ok(((await get('/v1.0/things')).status ?? 0) >= 500);
  assert.ok(((await get('/v1.0/things')).status ?? 0) >= 500);
  await assertHealthy();
});

test('login and control are never faulted', async () => {
  emulator.control.injectFaults({ serverErrorRate: 1, resetRate: 1 });
  const discovery = await rawRequest(
    `${emulator.origin}/${fixture.tenant.id}/v2.0/.well-known/openid-configuration`,
    {
      ca: emulator.caCertPem,
    },
  );
  assert.equal(discovery.status, 200);
  const summary = await rawRequest(`${emulator.origin}/_emulator/summary`, {
    ca: emulator.caCertPem,
    headers: { 'x-emulator-admin-key': emulator.adminKey },
  });
  assert.equal(summary.status, 200);
});

test('clients that hang up mid-request or mid-drip do not hurt the server', async () => {
  const { port } = new URL(emulator.origin);
  // A request whose body never finishes.
  await new Promise<void>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), ca: emulator.caCertPem }, () => {
      socket.write('POST /v1.0/things HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"partial":');
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 50);
    });
  });
  // A slow reply the client abandons.
  inject({ dripRate: 1, dripBytesPerSecond: 100 });
  await new Promise<void>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), ca: emulator.caCertPem }, () => {
      socket.write(`GET /v1.0/things HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`);
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
    });
  });
  await assertHealthy();
});

test('unknown paths get Graph-shaped 400s', async () => {
  const noVersion = await get('/nope');
  assert.equal(noVersion.status, 400);
  assert.equal(JSON.parse(noVersion.body.toString()).error.message, 'Invalid version: nope');
  const noSegment = await get('/v1.0/nothingHere');
  assert.equal(noSegment.status, 400);
  assert.equal(JSON.parse(noSegment.body.toString()).error.code, 'BadRequest');
});

test('malformed page: a 200 JSON object without value, only for collection replies', async () => {
  emulator.control.injectFaults({ pathContains: '/v1.0/things', malformedRate: 1, maxFaults: 1 });
  // A reply that is not a collection page (here a 401) is sent as is and does not use up the fault.
  const anonymous = await rawRequest(`${emulator.origin}/v1.0/things`, { ca: emulator.caCertPem });
  assert.equal(anonymous.status, 401);
  const res = await get('/v1.0/things');
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.equal(res.body.length, Number(res.headers['content-length']));
  assert.deepEqual(JSON.parse(res.body.toString()), {
    '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#things',
  });
  await assertHealthy();
});
