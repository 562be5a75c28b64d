import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLLECTIONS } from './collections.ts';
import { GraphError } from './errors.ts';
import { compileFilter } from './filter.ts';
import { createFixtureTenant, createTestGraph } from './testing.ts';

const app = {
  id: 'A1',
  appId: 'C0FFEE',
  displayName: 'Payroll API',
  createdDateTime: '2024-03-01T10:00:00Z',
  keyCredentials: [{ endDateTime: '2025-06-01T00:00:00Z' }],
};
const sp = {
  id: 'S1',
  servicePrincipalType: 'ManagedIdentity',
  accountEnabled: false,
  appOwnerOrganizationId: 'T1',
};
const plain = { eventual: false, count: false };
const advanced = { eventual: true, count: true };

test('supported filters match as Graph does (case-insensitive strings)', () => {
  const apps = COLLECTIONS.applications.filter;
  const sps = COLLECTIONS.servicePrincipals.filter;
  const cases: [string, typeof apps, object, { eventual: boolean; count: boolean }, boolean][] = [
    ["appId eq 'c0ffee'", apps, app, plain, true],
    ["id eq 'a1'", apps, app, plain, true],
    ["displayName eq 'payroll api'", apps, app, plain, true],
    ["startsWith(displayName,'Pay')", apps, app, plain, true],
    ["startswith(displayName, 'api')", apps, app, plain, false],
    ['createdDateTime ge 2024-01-01T00:00:00Z', apps, app, plain, true],
    ['createdDateTime le 2024-01-01T00:00:00Z', apps, app, plain, false],
    ["appId eq 'x' or displayName eq 'Payroll API'", apps, app, plain, true],
    ["(appId eq 'x' or appId eq 'c0ffee') and startsWith(displayName,'P')", apps, app, plain, true],
    ['keyCredentials/any(k:k/endDateTime le 2025-12-31T00:00:00Z)', apps, app, advanced, true],
    ['keyCredentials/any(k: k/endDateTime ge 2025-12-31T00:00:00Z)', apps, app, advanced, false],
    ["servicePrincipalType eq 'ManagedIdentity'", sps, sp, plain, true],
    ['accountEnabled eq false', sps, sp, plain, true],
    ["appOwnerOrganizationId eq 't1'", sps, sp, advanced, true],
    ["servicePrincipalType ne 'Application'", sps, sp, advanced, true],
  ];
  for (const [text, table, item, consistency, expected] of cases) {
    assert.equal(
      compileFilter(text, table, consistency).predicate(item as Record<string, unknown>),
      expected,
      text,
    );
  }
});

test('unsupported filters are Graph 400s with its codes and messages', () => {
  const apps = COLLECTIONS.applications.filter;
  const sps = COLLECTIONS.servicePrincipals.filter;
  const cases: [string, typeof apps, { eventual: boolean; count: boolean }, string, string][] = [
    [
      'passwordCredentials/any(p:p/endDateTime le 2025-01-01T00:00:00Z)',
      apps,
      advanced,
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'passwordCredentials' of resource 'Application'.",
    ],
    [
      'keyCredentials/any(k:k/endDateTime le 2025-01-01T00:00:00Z)',
      apps,
      plain,
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'keyCredentials' of resource 'Application'.",
    ],
    [
      "appOwnerOrganizationId eq 'x'",
      sps,
      { eventual: true, count: false },
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'appOwnerOrganizationId' of resource 'ServicePrincipal'.",
    ],
    [
      "description eq 'x'",
      apps,
      advanced,
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'description' of resource 'Application'.",
    ],
    [
      "servicePrincipalType ne 'Legacy'",
      sps,
      plain,
      'Request_UnsupportedQuery',
      "Unsupported property filter clause operator 'NotEqualsMatch'.",
    ],
    [
      "contains(displayName,'a')",
      apps,
      advanced,
      'Request_UnsupportedQuery',
      "Unsupported property filter clause operator 'Contains'.",
    ],
    [
      "startsWith(appId,'c0')",
      apps,
      plain,
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'appId' of resource 'Application'.",
    ],
    [
      "displayName eq 'unterminated",
      apps,
      plain,
      'BadRequest',
      'Invalid filter clause: unterminated string literal.',
    ],
    ['accountEnabled eq', sps, plain, 'BadRequest', 'Invalid filter clause: a value was expected.'],
  ];
  for (const [text, table, consistency, code, message] of cases) {
    assert.throws(
      () => compileFilter(text, table, consistency),
      (e: unknown) => e instanceof GraphError && e.status === 400 && e.code === code && e.message === message,
      text,
    );
  }
});

test('$filter through the handler: advanced queries need ConsistencyLevel and $count=true', async () => {
  const { call } = createTestGraph({ throttle: { enabled: false } });
  const path = '/v1.0/servicePrincipals?$filter=keyCredentials/any(k:k/endDateTime ge 2020-01-01T00:00:00Z)';
  assert.equal((await call('GET', path)).status, 400);
  assert.equal((await call('GET', `${path}&$count=true`)).status, 400);
  const ok = await call('GET', `${path}&$count=true`, { headers: { ConsistencyLevel: 'eventual' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json['@odata.count'], 0);
  const managed = await call(
    'GET',
    "/v1.0/servicePrincipals?$filter=servicePrincipalType eq 'ManagedIdentity'&$select=servicePrincipalType&$top=999",
  );
  assert.equal(managed.json.value.length, 63);
  assert.ok(
    managed.json.value.every(
      (o: { servicePrincipalType: string }) => o.servicePrincipalType === 'ManagedIdentity',
    ),
  );
  const users = await call('GET', "/v1.0/users?$filter=startsWith(userPrincipalName,'user1')&$select=id");
  assert.equal(users.json.value.length, 11);
});

test('$expand is refused with an advanced filter, as Graph does', async () => {
  const { call } = createTestGraph({ throttle: { enabled: false } });
  const r = await call(
    'GET',
    "/v1.0/servicePrincipals?$filter=appOwnerOrganizationId eq 'x'&$count=true&$expand=owners",
    {
      headers: { ConsistencyLevel: 'eventual' },
    },
  );
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'Request_UnsupportedQuery');
});

test('a filter is evaluated again for each listing, so in-place edits show up in the next one', async () => {
  const tenant = createFixtureTenant({ apps: 40 });
  const { call } = createTestGraph({ throttle: { enabled: false } }, [tenant]);
  const path = "/v1.0/applications?$filter=startsWith(displayName,'Renamed')&$select=id&$top=1";
  assert.equal((await call('GET', path)).json.value.length, 0);
  const [a, b] = [...tenant.applications.values()];
  a!.object.displayName = 'Renamed one';
  b!.object.displayName = 'Renamed two';
  const first = await call('GET', path);
  assert.equal(first.json.value.length, 1);
  // A third rename between pages does not change the listing already under way.
  [...tenant.applications.values()][2]!.object.displayName = 'Renamed three';
  const second = await call('GET', first.json['@odata.nextLink']);
  assert.equal(second.json.value.length, 1);
  assert.equal(second.json['@odata.nextLink'], undefined);
});
