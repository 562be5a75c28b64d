// Every value of every Graph reading, table-driven: each row's expectation differs from what another value
// of the same switch gives, so a switch the handler ignored fails its table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphOptions } from './index.ts';
import {
  type GraphReadings,
  LENIENT_READINGS,
  parseReadingList,
  resolveReadings,
  STRICT_READINGS,
} from './readings.ts';
import { appObjectId, createTestGraph, spObjectId, token, userId } from './testing.ts';

const APP1 = appObjectId(1); // owners: user 1 and service principal 2
const APP3 = appObjectId(3); // three federated credentials
const SP0 = spObjectId(0); // owner: user 1

function graph(readings: Partial<GraphReadings>) {
  const options: GraphOptions = { throttle: { enabled: false }, readings };
  return createTestGraph(options).call;
}

/** A GET, or the same GET as the only item of a $batch, returning the item's status and body. */
async function read(call: ReturnType<typeof graph>, path: string, roles?: string[], batched = false) {
  const auth = roles ? token(roles) : undefined;
  if (!batched) {
    const r = await call('GET', path, { auth });
    return { status: r.status, body: r.json };
  }
  const [, version, url] = /^\/(v1\.0|beta)(\/.*)$/.exec(path)!;
  const r = await call('POST', `/${version}/$batch`, {
    auth,
    body: { requests: [{ id: '1', method: 'GET', url }] },
  });
  assert.equal(r.status, 200);
  return { status: r.json.responses[0].status, body: r.json.responses[0].body };
}

test('the stricter reading of each behaviour is the default', () => {
  assert.deepEqual(resolveReadings(), {
    nestedExpandOptions: 'reject',
    federatedCredentialsExpand: 'none',
    limitedOwnerInformation: true,
    deltaTokenExpiry: 'syncStateNotFound',
    deltaLatest: 'reject',
    deltaChangedProperties: 'changed',
    deltaRelationshipChanges: 'hidden',
  });
  assert.throws(() => resolveReadings({ federatedCredentialsExpand: 'v1' as 'all' }), /one of/);
  assert.throws(() => resolveReadings({ bogus: true } as Partial<GraphReadings>), /unknown Graph reading/);
});

test('the CLI list: presets, name=value pairs, later entries win, bad entries refused', () => {
  assert.deepEqual(parseReadingList('nested-expand=allow,fic-expand=beta,limited-owners=off'), {
    nestedExpandOptions: 'allow',
    federatedCredentialsExpand: 'beta',
    limitedOwnerInformation: false,
  });
  assert.deepEqual(resolveReadings(parseReadingList('lenient,limited-owners=on')), {
    ...LENIENT_READINGS,
    limitedOwnerInformation: true,
  });
  assert.deepEqual(parseReadingList('delta-expiry=gone,delta-latest=allow,delta-relationships=shown'), {
    deltaTokenExpiry: 'gone',
    deltaLatest: 'allow',
    deltaRelationshipChanges: 'shown',
  });
  assert.deepEqual(resolveReadings(parseReadingList('strict')), STRICT_READINGS);
  for (const bad of [
    'fic-expand=v1',
    'delta-expiry=404',
    'limited-owners=maybe',
    'nested=allow',
    'fic-expand',
    'a=b=c',
  ]) {
    assert.throws(() => parseReadingList(bad), RangeError, bad);
  }
});

const NESTED: Array<[string, number | 'invalidSelect']> = [
  ['/v1.0/applications?$top=2&$select=id&$expand=owners($select=id,displayName)', 200],
  ['/beta/servicePrincipals?$top=2&$expand=owners($select=id)', 200],
  [`/v1.0/applications/${APP1}?$expand=owners($select=displayName)`, 200],
  ['/v1.0/applications?$top=2&$expand=federatedIdentityCredentials($select=name)', 200],
];

test('nestedExpandOptions: reject answers the field-reported 400, allow serves nested $select; plain expand both', async () => {
  for (const reading of ['reject', 'allow'] as const) {
    const call = graph({ nestedExpandOptions: reading, federatedCredentialsExpand: 'all' });
    for (const [path, allowed] of NESTED) {
      for (const batched of [false, true]) {
        const r = await read(call, path, undefined, batched);
        const where = `${reading} ${path} batched=${batched}`;
        if (reading === 'allow') {
          assert.equal(r.status, allowed, where);
          continue;
        }
        assert.equal(r.status, 400, where);
        assert.equal(r.body.error.code, 'Request_BadRequest', where);
        assert.equal(r.body.error.message, 'Invalid $select properties.', where);
      }
    }
    // Other nested options: refused by the reading, or (allow) as not emulated; never silently ignored.
    const filter = await read(call, "/v1.0/applications?$expand=owners($filter=id eq 'x')");
    assert.equal(filter.status, 400);
    assert.equal(
      filter.body.error.code,
      reading === 'reject' ? 'Request_BadRequest' : 'Request_UnsupportedQuery',
    );
    // Plain $expand=owners is served under both readings: owners in full, with @odata.type.
    const r = await read(call, '/v1.0/applications?$top=2&$select=id&$expand=owners');
    assert.equal(r.status, 200, reading);
    const [user, sp] = r.body.value[1].owners;
    assert.equal(user['@odata.type'], '#microsoft.graph.user');
    // A v1.0 user owner comes with the user type's 11 default properties.
    assert.equal(Object.keys(user).length, 12);
    assert.equal(user.userPrincipalName, 'user1@contoso.test');
    assert.equal(sp['@odata.type'], '#microsoft.graph.servicePrincipal');
    assert.equal(sp.displayName, 'App 0002');
    assert.equal(sp.servicePrincipalType, 'Legacy');
  }
});

const LIST_FICS = '/applications?$top=4&$select=id&$expand=federatedIdentityCredentials';
/** [reading, version, list expansion served]; per-object reads are served in every row. */
const FIC_TABLE: Array<[GraphReadings['federatedCredentialsExpand'], 'v1.0' | 'beta', boolean]> = [
  ['none', 'v1.0', false],
  ['none', 'beta', false],
  ['beta', 'v1.0', false],
  ['beta', 'beta', true],
  ['all', 'v1.0', true],
  ['all', 'beta', true],
];

test('federatedCredentialsExpand decides per version whether the list expands credentials', async () => {
  for (const [reading, version, served] of FIC_TABLE) {
    const call = graph({ federatedCredentialsExpand: reading });
    for (const batched of [false, true]) {
      const where = `${reading} ${version} batched=${batched}`;
      const list = await read(call, `/${version}${LIST_FICS}`, undefined, batched);
      if (served) {
        assert.equal(list.status, 200, where);
        assert.deepEqual(
          list.body.value.map(
            (a: { federatedIdentityCredentials: unknown[] }) => a.federatedIdentityCredentials.length,
          ),
          [0, 1, 2, 3],
          where,
        );
      } else {
        assert.equal(list.status, 400, where);
        assert.equal(list.body.error.code, 'BadRequest', where);
        assert.equal(
          list.body.error.message,
          "Parsing OData Select and Expand failed: Could not find a property named 'federatedIdentityCredentials' on type 'microsoft.graph.application'.",
          where,
        );
      }
      const perObject = await read(
        call,
        `/${version}/applications/${APP3}/federatedIdentityCredentials`,
        undefined,
        batched,
      );
      assert.equal(perObject.status, 200, where);
      assert.equal(perObject.body.value.length, 3, where);
      const one = await read(
        call,
        `/${version}/applications/${APP3}?$select=id&$expand=federatedIdentityCredentials`,
        undefined,
        batched,
      );
      assert.equal(one.status, 200, where);
      assert.equal(one.body.federatedIdentityCredentials.length, 3, where);
    }
  }
});

const OWNER_READS = [
  `/v1.0/applications?$top=2&$select=id&$expand=owners`,
  `/beta/applications/${APP1}?$select=id&$expand=owners`,
  `/v1.0/applications/${APP1}/owners`,
  `/v1.0/servicePrincipals?$top=1&$select=id&$expand=owners`,
  `/beta/servicePrincipals/${SP0}/owners`,
];

function ownersIn(body: { value?: unknown[]; owners?: unknown[] }, path: string): Record<string, unknown>[] {
  if (path.includes('/owners')) return body.value as Record<string, unknown>[];
  if (body.owners) return body.owners as Record<string, unknown>[];
  const objects = body.value as Array<{ owners: Record<string, unknown>[] }>;
  return objects.at(-1)!.owners;
}

/** [reading on, the caller's roles, user owners in full]. */
const OWNER_TABLE: Array<[boolean, string[], boolean]> = [
  [true, ['Application.Read.All'], false],
  [true, ['Application.ReadWrite.All'], false],
  [true, ['Application.Read.All', 'AuditLog.Read.All'], false],
  [true, ['Application.Read.All', 'User.Read.All'], true],
  [true, ['Application.Read.All', 'User.ReadWrite.All'], true],
  [true, ['Directory.Read.All'], true],
  [true, ['Directory.ReadWrite.All'], true],
  [false, ['Application.Read.All'], true],
  [false, ['Application.ReadWrite.All'], true],
];

test('limitedOwnerInformation: user owners shrink to @odata.type and id without a user-reading role', async () => {
  for (const [on, roles, full] of OWNER_TABLE) {
    const call = graph({ limitedOwnerInformation: on });
    for (const path of OWNER_READS) {
      for (const batched of [false, true]) {
        const where = `${on} ${roles} ${path} batched=${batched}`;
        const r = await read(call, path, roles, batched);
        assert.equal(r.status, 200, where);
        const owners = ownersIn(r.body, path);
        const user = owners.find((o) => o['@odata.type'] === '#microsoft.graph.user')!;
        assert.match(String(user.id), /^d0000000-/, where);
        if (full) {
          assert.equal(typeof user.displayName, 'string', where);
          assert.equal(typeof user.userPrincipalName, 'string', where);
        } else {
          for (const [name, value] of Object.entries(user)) {
            if (name === '@odata.type' || name === 'id') continue;
            assert.ok(value === null || (Array.isArray(value) && value.length === 0), `${where}: ${name}`);
          }
          assert.ok('displayName' in user, `${where}: the properties are there, as null`);
        }
        // Service principals are readable with any application role the route needs anyway.
        for (const sp of owners.filter((o) => o['@odata.type'] === '#microsoft.graph.servicePrincipal')) {
          assert.equal(typeof sp.displayName, 'string', where);
        }
      }
    }
  }
});

test('a limited owner keeps its id even when not selected, and every selected property is null', async () => {
  const call = graph({ nestedExpandOptions: 'allow' });
  const r = await read(
    call,
    `/v1.0/applications/${APP1}?$select=id&$expand=owners($select=displayName,accountEnabled)`,
    ['Application.Read.All'],
  );
  assert.deepEqual(r.body.owners, [
    { '@odata.type': '#microsoft.graph.user', id: userId(1), displayName: null, accountEnabled: null },
    { '@odata.type': '#microsoft.graph.servicePrincipal', displayName: 'App 0002', accountEnabled: true },
  ]);
  const listed = await read(call, `/v1.0/applications/${APP1}/owners`, ['Application.Read.All']);
  const user = listed.body.value[0];
  assert.deepEqual(user.businessPhones, []);
  assert.equal(user.userPrincipalName, null);
  assert.equal(user.id, userId(1));
});
