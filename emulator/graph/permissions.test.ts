import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestGraph, token } from './testing.ts';

const APP0 = 'a0000000-0000-4000-8000-000000000000';
const DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All'];
const APPLICATIONS = ['Application.Read.All', 'Application.ReadWrite.All', ...DIRECTORY];

/** [method, path, the roles that allow it]; every other role must get Graph's 403. */
const routes: [string, string, string[]][] = [
  ['GET', '/v1.0/applications', APPLICATIONS],
  ['GET', `/v1.0/applications/${APP0}`, APPLICATIONS],
  ['GET', `/v1.0/applications/${APP0}/owners`, APPLICATIONS],
  ['GET', `/beta/applications/${APP0}/federatedIdentityCredentials`, APPLICATIONS],
  ['GET', '/v1.0/servicePrincipals', APPLICATIONS],
  ['GET', '/v1.0/servicePrincipals/$count', APPLICATIONS],
  ['GET', '/v1.0/users', ['User.Read.All', 'User.ReadWrite.All', ...DIRECTORY]],
  ['GET', '/v1.0/organization', ['Organization.Read.All', 'Organization.ReadWrite.All', ...DIRECTORY]],
  ['POST', '/v1.0/directoryObjects/getByIds', DIRECTORY],
];
const ROLES = [
  ...APPLICATIONS,
  'User.Read.All',
  'User.ReadWrite.All',
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'AuditLog.Read.All',
  'Application.ReadWrite.OwnedBy',
];

test('each route answers a role that allows it and gives Graph 403 to every other role', async () => {
  const { call } = createTestGraph({ throttle: { enabled: false } });
  const headers = { ConsistencyLevel: 'eventual' };
  for (const [method, path, allowed] of routes) {
    for (const role of ROLES) {
      const r = await call(method, path, {
        auth: token([role]),
        headers,
        body: method === 'POST' ? { ids: [] } : undefined,
      });
      if (allowed.includes(role)) {
        assert.equal(r.status, 200, `${path} with ${role}`);
        continue;
      }
      assert.equal(r.status, 403, `${path} with ${role}`);
      assert.equal(r.json.error.code, 'Authorization_RequestDenied');
      assert.equal(r.json.error.message, 'Insufficient privileges to complete the operation.');
    }
  }
});

test('a token without roles is refused everywhere', async () => {
  const { call } = createTestGraph({ throttle: { enabled: false } });
  for (const [method, path] of routes) {
    assert.equal((await call(method, path, { auth: token([]), body: { ids: [] } })).status, 403, path);
  }
});
