import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CALLER_APP_ID,
  createFixtureTenant,
  createManualClock,
  createTestGraph,
  TENANT_ID,
  token,
} from './testing.ts';
import { createThrottle, DEFAULT_THROTTLE, type ThrottleRequest } from './throttle.ts';

const request = (over: Partial<ThrottleRequest> = {}): ThrottleRequest => ({
  tenantId: 't',
  appId: 'a',
  size: 'small',
  resourceUnits: 1,
  selectsKeyCredentials: false,
  reports: false,
  ...over,
});

test('the RU bucket holds the tenant-size budget per window and refills with the clock', () => {
  const clock = createManualClock();
  const throttle = createThrottle(
    { ...DEFAULT_THROTTLE, windowMs: 1000, budgets: { small: 10, medium: 20, large: 40 } },
    clock,
  );
  for (let i = 0; i < 5; i++) assert.equal(throttle.check(request({ resourceUnits: 2 })).throttled, false);
  const denied = throttle.check(request({ resourceUnits: 2 }));
  assert.equal(denied.throttled, true);
  assert.equal(denied.information, 'ResourceUnitLimitExceeded');
  assert.equal(denied.scope, 'Tenant_Application/ReadWrite/a/t');
  assert.ok(denied.retryAfterSeconds >= 1);
  // Another app in the same tenant, and a larger tenant, have their own buckets.
  assert.equal(throttle.check(request({ appId: 'b', resourceUnits: 2 })).throttled, false);
  for (let i = 0; i < 20; i++)
    assert.equal(
      throttle.check(request({ tenantId: 'L', size: 'large', resourceUnits: 2 })).throttled,
      false,
    );
  assert.equal(throttle.check(request({ tenantId: 'L', size: 'large', resourceUnits: 2 })).throttled, true);
  clock.advance(denied.retryAfterSeconds * 1000);
  assert.equal(throttle.check(request({ resourceUnits: 2 })).throttled, false);
});

test('throttled requests still cost: retrying at once stays throttled and lengthens Retry-After', () => {
  const clock = createManualClock();
  const throttle = createThrottle(
    { ...DEFAULT_THROTTLE, windowMs: 10_000, budgets: { small: 10, medium: 10, large: 10 } },
    clock,
  );
  for (let i = 0; i < 10; i++) throttle.check(request());
  const first = throttle.check(request({ resourceUnits: 5 }));
  const second = throttle.check(request({ resourceUnits: 5 }));
  assert.equal(first.throttled, true);
  assert.equal(second.throttled, true);
  assert.ok(second.retryAfterSeconds > first.retryAfterSeconds);
  clock.advance(second.retryAfterSeconds * 1000);
  assert.equal(throttle.check(request({ resourceUnits: 5 })).throttled, false);
});

test('limit percentage reports the share of the budget in use', () => {
  const throttle = createThrottle(
    { ...DEFAULT_THROTTLE, budgets: { small: 100, medium: 100, large: 100 } },
    createManualClock(),
  );
  assert.ok(throttle.check(request({ resourceUnits: 50 })).limitPercentage <= 0.8);
  assert.equal(throttle.check(request({ resourceUnits: 40 })).limitPercentage, 0.9);
});

test('disabled throttling never throttles', () => {
  const throttle = createThrottle(
    { ...DEFAULT_THROTTLE, enabled: false, budgets: { small: 1, medium: 1, large: 1 } },
    createManualClock(),
  );
  for (let i = 0; i < 100; i++) assert.equal(throttle.check(request({ resourceUnits: 5 })).throttled, false);
});

const small = { windowMs: 1000, budgets: { small: 6 } };

test('a throttled response is 429 with Graph body and headers, and is logged as throttled', async () => {
  const { call, ctx } = createTestGraph({ throttle: small });
  for (let i = 0; i < 3; i++) assert.equal((await call('GET', '/v1.0/applications')).status, 200);
  const r = await call('GET', '/v1.0/applications');
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'TooManyRequests');
  assert.equal(r.json.error.message, 'Please retry again later.');
  assert.equal(r.json.error.innerError.status, '429');
  assert.equal(r.json.error.innerError['request-id'], r.headers['request-id']);
  assert.match(r.headers['retry-after']!, /^[1-9]\d*$/);
  assert.equal(
    r.headers['x-ms-throttle-scope'],
    `Tenant_Application/ReadWrite/${CALLER_APP_ID}/${TENANT_ID}`,
  );
  assert.equal(r.headers['x-ms-throttle-information'], 'ResourceUnitLimitExceeded');
  assert.equal(r.headers['x-ms-resource-unit'], '2');
  assert.ok(Number(r.headers['x-ms-throttle-limit-percentage']) > 1);
  const last = ctx.requests.at(-1)!;
  assert.deepEqual([last.status, last.throttled, last.resourceUnits], [429, true, 2]);
  ctx.clock.advance(Number(r.headers['retry-after']) * 1000);
  assert.equal((await call('GET', '/v1.0/applications')).status, 200);
});

test('every response carries x-ms-resource-unit; the limit percentage appears above 0.8 only', async () => {
  const { call } = createTestGraph({ throttle: { budgets: { small: 10 } } });
  const first = await call('GET', '/v1.0/applications?$select=id');
  assert.equal(first.headers['x-ms-resource-unit'], '1');
  assert.equal(first.headers['x-ms-throttle-limit-percentage'], undefined);
  for (let i = 0; i < 7; i++) await call('GET', '/v1.0/servicePrincipals');
  assert.equal(
    (await call('GET', '/v1.0/servicePrincipals')).headers['x-ms-throttle-limit-percentage'],
    '0.9',
  );
});

test('reads selecting keyCredentials are limited per tenant, across apps, apart from RU', async () => {
  const { call, ctx } = createTestGraph({
    throttle: { keyCredentialsPerWindow: 3, keyCredentialsWindowMs: 60_000 },
  });
  const keys = '/v1.0/applications?$select=id,keyCredentials';
  for (let i = 0; i < 3; i++) assert.equal((await call('GET', keys)).status, 200);
  const other = token(undefined, TENANT_ID, 'bbbbbbbb-0000-4000-8000-000000000002');
  const denied = await call(
    'GET',
    '/v1.0/servicePrincipals/b0000000-0000-4000-8000-000000000001?$select=keyCredentials',
    { auth: other },
  );
  assert.equal(denied.status, 429);
  assert.equal(
    denied.headers['x-ms-throttle-scope'],
    `Tenant/Read/bbbbbbbb-0000-4000-8000-000000000002/${TENANT_ID}`,
  );
  assert.equal(denied.headers['retry-after'], '40');
  assert.equal((await call('GET', '/v1.0/applications?$select=id,displayName')).status, 200);
  // The refused read was counted too, so one token needs the 40 s the Retry-After said, not 20 s.
  ctx.clock.advance(20_000);
  assert.equal((await call('GET', keys)).status, 429);
  ctx.clock.advance(40_000);
  assert.equal((await call('GET', keys)).status, 200);
  assert.equal((await call('GET', keys)).status, 429);
});

test('reports and audit logs allow 5 requests per 10 s per app+tenant, whatever their RU', async () => {
  const { call, ctx } = createTestGraph({ throttle: { budgets: { small: 1 } } });
  for (let i = 0; i < 5; i++)
    assert.notEqual((await call('GET', '/beta/reports/servicePrincipalSignInActivities')).status, 429);
  const denied = await call('GET', '/v1.0/auditLogs/signIns');
  assert.equal(denied.status, 429);
  assert.equal(
    denied.headers['x-ms-throttle-scope'],
    `Tenant_Application/Read/${CALLER_APP_ID}/${TENANT_ID}`,
  );
  assert.equal(denied.headers['retry-after'], '4');
  ctx.clock.advance(4000);
  assert.notEqual((await call('GET', '/beta/reports/servicePrincipalSignInActivities')).status, 429);
});

test('budgets follow the caller tenant size', async () => {
  const tenant = createFixtureTenant({ size: 'large', apps: 3 });
  const { call } = createTestGraph({ throttle: { budgets: { small: 2, medium: 2, large: 8 } } }, [tenant]);
  for (let i = 0; i < 4; i++) assert.equal((await call('GET', '/v1.0/applications')).status, 200);
  assert.equal((await call('GET', '/v1.0/applications')).status, 429);
});
