// The control surface over HTTP: the admin key is required, and faults, clock, logs and summaries work.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EmulatorRuntime } from '../runtime.ts';
import { type TestTenant, VALID_SECRET } from './fixtures.ts';
import { rawRequest, secretToken, startFixtureRuntime } from './harness.ts';

let emulator: EmulatorRuntime<unknown, unknown, unknown>;
let fixture: TestTenant;

before(async () => {
  ({ emulator, fixture } = await startFixtureRuntime());
});

after(() => emulator.close());

async function admin(method: string, path: string, body?: unknown, key: string | null = emulator.adminKey) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers['x-emulator-admin-key'] = key;
  const res = await rawRequest(`${emulator.origin}/_emulator${path}`, {
    ca: emulator.caCertPem,
    method,
    headers,
    body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: res.body.length > 0 ? JSON.parse(res.body.toString()) : undefined };
}

test('the admin endpoint rejects a missing or wrong key', async () => {
  assert.equal((await admin('GET', '/summary', undefined, null)).status, 401);
  assert.equal((await admin('GET', '/summary', undefined, 'wrong')).status, 401);
  assert.equal((await admin('POST', '/tokens/expire', undefined, null)).status, 401);
  assert.equal((await admin('GET', '/summary')).status, 200);
});

test('summary and request log count requests, resource units and objects per app', async () => {
  await admin('DELETE', '/requests');
  const token = await secretToken(emulator.origin, emulator.caCertPem, {
    tenantId: fixture.tenant.id,
    appId: fixture.appId,
    secret: VALID_SECRET,
  });
  for (let i = 0; i < 3; i++) {
    await rawRequest(`${emulator.origin}/v1.0/things`, {
      ca: emulator.caCertPem,
      headers: { authorization: `Bearer ${token}` },
    });
  }
  const summary = (await admin('GET', '/summary')).body;
  assert.deepEqual(summary.byApp[fixture.appId], {
    requests: 3,
    resourceUnits: 3,
    throttled: 0,
    objects: 120,
  });
  assert.equal(summary.requests, 3);
  const log = (await admin('GET', `/requests?appId=${fixture.appId}`)).body;
  assert.equal(log.length, 3);
  const signIns = (await admin('GET', '/sign-ins')).body;
  assert.equal(signIns.at(-1).credentialKeyId, fixture.validSecretKeyId);
});

test('faults and the clock are driven over HTTP', async () => {
  const injected = await admin('POST', '/faults', { pathContains: '/v1.0/things', serverErrorRate: 1 });
  assert.equal(injected.body.length, 1);
  assert.equal(emulator.ctx.faults.length, 1);
  assert.equal((await admin('DELETE', '/faults')).status, 204);
  assert.equal(emulator.ctx.faults.length, 0);
  const before = emulator.ctx.clock.now();
  const advanced = await admin('POST', '/clock/advance', { ms: 86_400_000 });
  assert.ok(advanced.body.now - before >= 86_400_000);
  assert.equal((await admin('POST', '/clock/advance', { ms: 'soon' })).status, 400);
  assert.equal((await admin('POST', '/faults', '{not json')).status, 400);
  assert.equal((await admin('POST', '/faults', { resetRate: 'often' })).status, 400);
  assert.equal((await admin('POST', '/faults', { explode: 1 })).status, 400);
  assert.equal((await admin('POST', '/faults', { malformedRate: -0.5 })).status, 400);
  assert.equal((await admin('POST', '/faults', { malformedRate: 'sometimes' })).status, 400);
  assert.equal(emulator.ctx.faults.length, 0);
  const malformed = await admin('POST', '/faults', { pathContains: '/v1.0/things', malformedRate: 0.5 });
  assert.deepEqual(malformed.body, [{ pathContains: '/v1.0/things', malformedRate: 0.5 }]);
  await admin('DELETE', '/faults');
});

test('the Graph readings endpoint is 404 when no Graph is wired', async () => {
  assert.equal((await admin('GET', '/graph/readings')).status, 404);
  assert.equal(emulator.control.graphReadings(), undefined);
});

test('tenants are listed and unknown ones are 404', async () => {
  const tenants = (await admin('GET', '/tenants')).body;
  assert.deepEqual(tenants[0], {
    id: fixture.tenant.id,
    displayName: fixture.tenant.displayName,
    defaultDomain: fixture.tenant.defaultDomain,
  });
  assert.equal((await admin('GET', '/tenants/nope/ground-truth')).status, 404);
  assert.equal((await admin('GET', '/nothing')).status, 404);
});

test('delta tokens can be expired or reset, and a tenant churned, over HTTP', async () => {
  const tenantId = fixture.tenant.id;
  assert.equal((await admin('POST', '/graph/delta/expire', {})).status, 204);
  assert.equal((await admin('POST', '/graph/delta/reset', { tenantId })).status, 204);
  assert.equal((await admin('POST', '/graph/delta/reset', { tenantId: 7 })).status, 400);
  const log = fixture.tenant.changes!;
  assert.ok(log.expiredBelow > 0 && log.resetBelow > log.expiredBelow);
  const churned = await admin('POST', `/tenants/${tenantId}/churn`, { share: 0.5, seed: 2 });
  assert.equal(churned.status, 200);
  assert.ok(churned.body.applications >= 1);
  assert.ok(log.entries.length > 0);
  assert.equal((await admin('POST', `/tenants/${tenantId}/churn`, { share: 'all' })).status, 400);
  assert.equal((await admin('POST', '/tenants/nope/churn', { share: 0.1 })).status, 404);
});
