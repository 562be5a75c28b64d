// Graph through the running emulator over HTTPS, with a generated tenant and real tokens: nextLinks on the
// server's own origin, headers through the server, throttling on the emulated clock, $batch, every
// servicePrincipalType, 403 for an app without permissions, the request log the control surface sums, and the
// Graph readings (strict by default) with a least-privileged reader.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { rawRequest, secretToken } from './harness.ts';

let emulator: RunningEmulator;
let token: string;

before(async () => {
  emulator = await startEmulator({
    tenants: [{ seed: 11, apps: 400 }],
    // Small windows keep the throttling test fast; the ratios stay Graph's.
    graph: { throttle: { windowMs: 10_000, budgets: { small: 60, medium: 60, large: 60 } } },
  });
  const { tenantId, clientId, secretText } = emulator.scanner;
  token = await secretToken(emulator.origin, emulator.caCertPem, {
    tenantId,
    appId: clientId,
    secret: secretText,
  });
});

after(() => emulator.close());

async function graph(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; bearer?: string } = {},
) {
  const res = await rawRequest(path.startsWith('https://') ? path : `${emulator.origin}${path}`, {
    ca: emulator.caCertPem,
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${init.bearer ?? token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = res.body.toString('utf8');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  return { status: res.status, headers: res.headers, text, json: json as any };
}

test('pages come back with nextLinks on the emulator origin and Graph headers', async () => {
  emulator.control.advanceClock(60_000);
  const first = await graph('/v1.0/applications?$top=50&$select=id');
  assert.equal(first.status, 200);
  assert.ok(
    first.json['@odata.nextLink'].startsWith(
      `${emulator.origin}/v1.0/applications?$top=50&$select=id&$skiptoken=`,
    ),
  );
  assert.equal(first.json['@odata.context'], `${emulator.origin}/v1.0/$metadata#applications(id)`);
  assert.equal(first.headers['x-ms-resource-unit'], '1');
  assert.match(String(first.headers['request-id']), /^[0-9a-f-]{36}$/);
  assert.match(String(first.headers['content-type']), /^application\/json;odata\.metadata=minimal/);
  const second = await graph(first.json['@odata.nextLink']);
  assert.equal(second.status, 200);
  assert.equal(second.json.value.length, 50);
});

test('every servicePrincipalType the tenant holds can be listed by $filter', async () => {
  emulator.control.advanceClock(60_000);
  const tenant = emulator.tenants[0]!;
  const byType = new Map<string, number>();
  for (const sp of tenant.servicePrincipals.values()) {
    const type = sp.object.servicePrincipalType ?? 'Application';
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  assert.ok(byType.has('Application') && byType.has('ManagedIdentity'));
  for (const [type, count] of byType) {
    const r = await graph(`/v1.0/servicePrincipals/$count?$filter=servicePrincipalType eq '${type}'`, {
      headers: { ConsistencyLevel: 'eventual' },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(Number(r.text), count, type);
  }
});

test('throttling runs on the emulated clock: 429 with Retry-After, then success after advancing it', async () => {
  emulator.control.advanceClock(60_000);
  let throttled: Awaited<ReturnType<typeof graph>> | undefined;
  for (let i = 0; i < 40 && !throttled; i++) {
    const r = await graph('/v1.0/applications');
    if (r.status === 429) throttled = r;
  }
  assert.ok(throttled, 'the 60 RU budget should run out within 40 requests of 2 RU');
  assert.equal(throttled.json.error.code, 'TooManyRequests');
  assert.match(String(throttled.headers['x-ms-throttle-scope']), /^Tenant_Application\/ReadWrite\//);
  const wait = Number(throttled.headers['retry-after']);
  assert.ok(wait >= 1);
  emulator.control.advanceClock(wait * 1000);
  assert.equal((await graph('/v1.0/applications')).status, 200);
  const summary = emulator.control.summary();
  assert.ok(summary.throttled >= 1);
});

test('$batch over HTTPS answers each item and logs each one', async () => {
  emulator.control.advanceClock(60_000);
  const before = emulator.control.requestLog().length;
  const r = await graph('/v1.0/$batch', {
    method: 'POST',
    body: {
      requests: [
        { id: 'apps', method: 'GET', url: '/applications?$top=3&$select=id,displayName' },
        { id: 'org', method: 'GET', url: '/organization?$select=id' },
        { id: 'nope', method: 'GET', url: '/applications/00000000-0000-0000-0000-000000000000' },
        { id: 'after', method: 'GET', url: '/users?$top=1', dependsOn: ['nope'] },
      ],
    },
  });
  assert.equal(r.status, 200);
  const status = Object.fromEntries(
    r.json.responses.map((x: { id: string; status: number }) => [x.id, x.status]),
  );
  assert.deepEqual(status, { apps: 200, org: 200, nope: 404, after: 424 });
  assert.equal(r.json.responses[1].body.value[0].id, emulator.scanner.tenantId);
  assert.equal(emulator.control.requestLog().length - before, 5);
});

test('an app without Graph permissions gets 403 Authorization_RequestDenied', async () => {
  emulator.control.advanceClock(60_000);
  const app = emulator.control.addClientApplication(emulator.scanner.tenantId, {
    displayName: 'No Permissions',
    graphRoles: [],
    secretText: 'abc8Q~no-permissions-secret-0123456789ab',
  });
  const bare = await secretToken(emulator.origin, emulator.caCertPem, {
    tenantId: emulator.scanner.tenantId,
    appId: app.appId,
    secret: 'abc8Q~no-permissions-secret-0123456789ab',
  });
  const r = await graph('/v1.0/servicePrincipals?$top=1', { bearer: bare });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'Authorization_RequestDenied');
  // The new registration is visible to the scanner straight away.
  const found = await graph(`/v1.0/applications(appId='${app.appId}')?$select=displayName`);
  assert.equal(found.json.displayName, 'No Permissions');
});

const ownersOf = (body: { value: Array<{ owners: Array<Record<string, unknown>> }> }) =>
  body.value.flatMap((a) => a.owners);

test('the Graph readings are strict by default and reported under /_emulator/graph/readings', async () => {
  emulator.control.advanceClock(60_000);
  const readings = await rawRequest(`${emulator.origin}/_emulator/graph/readings`, {
    ca: emulator.caCertPem,
    headers: { 'x-emulator-admin-key': emulator.adminKey },
  });
  const strict = {
    nestedExpandOptions: 'reject',
    federatedCredentialsExpand: 'none',
    limitedOwnerInformation: true,
    deltaTokenExpiry: 'syncStateNotFound',
    deltaLatest: 'reject',
    deltaChangedProperties: 'changed',
    deltaRelationshipChanges: 'hidden',
  };
  assert.deepEqual(JSON.parse(readings.body.toString()), strict);
  assert.deepEqual(emulator.graphReadings, strict);
  const nested = await graph('/v1.0/applications?$top=5&$expand=owners($select=id,displayName)');
  assert.equal(nested.status, 400);
  assert.deepEqual(
    [nested.json.error.code, nested.json.error.message],
    ['Request_BadRequest', 'Invalid $select properties.'],
  );
  assert.equal((await graph('/beta/applications?$top=5&$expand=federatedIdentityCredentials')).status, 400);
});

test('a reader with only Application.Read.All gets user owners with @odata.type and id only', async () => {
  emulator.control.advanceClock(60_000);
  const secret = 'abc7Q~least-privilege-secret-0123456789a';
  const app = emulator.control.addClientApplication(emulator.scanner.tenantId, {
    displayName: 'Least Privilege Reader',
    graphRoles: ['Application.Read.All'],
    secretText: secret,
  });
  const bearer = await secretToken(emulator.origin, emulator.caCertPem, {
    tenantId: emulator.scanner.tenantId,
    appId: app.appId,
    secret,
  });
  const path = '/v1.0/applications?$top=60&$select=id&$expand=owners';
  const limited = ownersOf((await graph(path, { bearer })).json);
  const full = ownersOf((await graph(path)).json);
  const users = limited.filter((o) => o['@odata.type'] === '#microsoft.graph.user');
  assert.ok(users.length > 0, 'the generated tenant has user owners');
  for (const user of users) {
    assert.equal(typeof user.id, 'string');
    assert.equal(user.displayName, null);
    assert.equal(user.userPrincipalName, null);
  }
  const fullUsers = full.filter((o) => o['@odata.type'] === '#microsoft.graph.user');
  assert.deepEqual(
    fullUsers.map((u) => u.id),
    users.map((u) => u.id),
  );
  assert.ok(fullUsers.every((u) => typeof u.displayName === 'string'));
  const sps = limited.filter((o) => o['@odata.type'] === '#microsoft.graph.servicePrincipal');
  assert.ok(sps.every((sp) => typeof sp.displayName === 'string'));
});

test('startEmulator takes the readings and a least-privileged scanner', async () => {
  const other = await startEmulator({
    tenants: [{ seed: 12, apps: 40 }],
    scannerGraphRoles: ['Application.Read.All'],
    graph: { readings: { nestedExpandOptions: 'allow', federatedCredentialsExpand: 'beta' } },
  });
  try {
    assert.deepEqual(other.scanner.graphRoles, ['Application.Read.All']);
    assert.deepEqual(other.graphReadings, {
      nestedExpandOptions: 'allow',
      federatedCredentialsExpand: 'beta',
      limitedOwnerInformation: true,
      deltaTokenExpiry: 'syncStateNotFound',
      deltaLatest: 'reject',
      deltaChangedProperties: 'changed',
      deltaRelationshipChanges: 'hidden',
    });
    const { tenantId, clientId, secretText } = other.scanner;
    const bearer = await secretToken(other.origin, other.caCertPem, {
      tenantId,
      appId: clientId,
      secret: secretText,
    });
    const get = async (path: string) => {
      const res = await rawRequest(`${other.origin}${path}`, {
        ca: other.caCertPem,
        headers: { authorization: `Bearer ${bearer}` },
      });
      return { status: res.status, json: JSON.parse(res.body.toString()) };
    };
    const owners = await get('/v1.0/applications?$top=40&$select=id&$expand=owners($select=id,displayName)');
    assert.equal(owners.status, 200);
    const users = ownersOf(owners.json).filter((o) => o['@odata.type'] === '#microsoft.graph.user');
    assert.ok(users.length > 0 && users.every((u) => u.displayName === null && typeof u.id === 'string'));
    assert.equal((await get('/v1.0/applications?$top=5&$expand=federatedIdentityCredentials')).status, 400);
    assert.equal((await get('/beta/applications?$top=5&$expand=federatedIdentityCredentials')).status, 200);
    assert.equal((await get('/v1.0/users?$top=1')).status, 403);
  } finally {
    await other.close();
  }
});
