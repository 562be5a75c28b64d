// ARM throttling through the server: the remaining-reads headers on every answer, 429
// SubscriptionRequestsThrottled with Retry-After once a principal's bucket is empty, recovery after waiting
// (emulated clock), the tenant bucket for tenant-level reads, and the request log marking throttled requests.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type EmulatorRuntime, startRuntime } from '../runtime.ts';
import { addClientApplication } from '../tenant/client-apps.ts';
import { generateTenant } from '../tenant/generate.ts';
import { rawRequest, secretToken } from '../test/harness.ts';
import { createArmAccess } from './access.ts';
import { generateArmState } from './generate.ts';
import { createArmHandler } from './index.ts';
import type { ArmState } from './model.ts';

const NOW = Date.now();
const SECRET = 'arm-throttle-test-secret';
let runtime: EmulatorRuntime<unknown, unknown, unknown>;
let state: ArmState;
let token: string;

before(async () => {
  const tenant = generateTenant({ seed: 77, apps: 40, now: NOW });
  state = generateArmState(tenant, { seed: 77, now: NOW });
  const app = addClientApplication(tenant, {
    displayName: 'reader',
    graphRoles: [],
    secretText: SECRET,
    now: NOW,
  });
  runtime = await startRuntime({
    tenants: [tenant],
    now: NOW,
    api: (ctx) => [
      createArmHandler(ctx, {
        states: [state],
        access: createArmAccess([state]),
        throttle: {
          subscriptionReads: { capacity: 3, refillPerSecond: 1 },
          tenantReads: { capacity: 2, refillPerSecond: 1 },
        },
      }),
    ],
  });
  token = await secretToken(
    runtime.origin,
    runtime.caCertPem,
    { tenantId: tenant.id, appId: app.appId, secret: SECRET },
    'https://management.azure.com/.default',
  );
});

after(() => runtime.close());

async function get(path: string) {
  const res = await rawRequest(`${runtime.origin}${path}`, {
    ca: runtime.caCertPem,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, headers: res.headers, json: JSON.parse(res.body.toString()) };
}

test('a principal’s subscription reads run out into 429 with Retry-After, and pass again after it', async () => {
  const sub = state.subscriptions[0]!.subscriptionId;
  const path = `/subscriptions/${sub}?api-version=2022-12-01`;
  runtime.control.advanceClock(10_000);
  const remaining: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await get(path);
    assert.equal(res.status, 200);
    remaining.push(String(res.headers['x-ms-ratelimit-remaining-subscription-reads']));
  }
  // Wall time passes between requests too, so allow a token's refill at most.
  assert.ok(Number(remaining[0]) >= Number(remaining[2]!));
  let refused = await get(path);
  for (let i = 0; refused.status === 200 && i < 5; i++) refused = await get(path);
  assert.equal(refused.status, 429);
  assert.equal(refused.json.error.code, 'SubscriptionRequestsThrottled');
  assert.match(
    refused.json.error.message,
    new RegExp(`for subscription '${sub}' actor '[0-9a-f-]{36}' exceeded`),
  );
  const wait = Number(refused.headers['retry-after']);
  assert.ok(wait >= 1);
  assert.equal(refused.headers['x-ms-ratelimit-remaining-subscription-reads'], '0');
  runtime.control.advanceClock(wait * 1000);
  assert.equal((await get(path)).status, 200);
  const log = runtime.control.requestLog().filter((r) => r.path === path);
  assert.ok(log.some((r) => r.throttled && r.status === 429));
});

test('tenant-level reads (subscriptions, management groups) draw on the tenant bucket', async () => {
  runtime.control.advanceClock(10_000);
  const first = await get('/subscriptions?api-version=2022-12-01');
  assert.equal(first.status, 200);
  assert.ok('x-ms-ratelimit-remaining-tenant-reads' in first.headers);
  let res = first;
  for (let i = 0; i < 6 && res.status === 200; i++)
    res = await get('/providers/Microsoft.Management/managementGroups?api-version=2023-04-01');
  assert.equal(res.status, 429);
  assert.equal(res.json.error.code, 'TenantRequestsThrottled');
  // The subscription buckets are separate.
  const sub = await get(`/subscriptions/${state.subscriptions[1]!.subscriptionId}?api-version=2022-12-01`);
  assert.equal(sub.status, 200);
});
