import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceUnits } from './cost.ts';
import { parseQuery } from './query.ts';
import { matchRoute, pathSegments } from './routes.ts';

const cost = (method: string, pathAndQuery: string) => {
  const url = new URL(pathAndQuery, 'https://graph.test');
  const route = matchRoute(method, pathSegments(url.pathname));
  return resourceUnits(route, parseQuery(url.searchParams, {}));
};

test('resource units follow Graph base costs and modifiers (facts §1.2)', () => {
  const cases: [string, string, number][] = [
    ['GET', '/applications', 2],
    ['GET', '/applications?$select=id', 1],
    ['GET', '/applications?$select=id&$expand=owners', 2],
    ['GET', '/applications?$expand=owners', 3],
    ['GET', '/applications?$top=10', 1],
    ['GET', '/applications?$top=19&$select=id', 1],
    ['GET', '/applications?$top=20', 2],
    ['GET', '/users', 2],
    ['GET', '/users?$select=id', 1],
    ['GET', '/servicePrincipals', 1],
    ['GET', '/servicePrincipals?$expand=owners', 2],
    ['GET', '/servicePrincipals?$select=id', 1],
    ['GET', '/applications/x', 1],
    ['GET', '/applications/x/owners', 1],
    ['GET', '/applications/x/federatedIdentityCredentials', 1],
    ['GET', '/applications/$count', 1],
    ['GET', '/organization', 1],
    ['POST', '/directoryObjects/getByIds', 5],
    ['POST', '/directoryObjects/getByIds?$select=id', 2],
    ['GET', '/servicePrincipals/x/appRoleAssignments', 2],
    ['GET', '/servicePrincipals/x/appRoleAssignments?$select=id', 1],
    ['GET', '/servicePrincipals/x/appRoleAssignedTo', 1],
    ['GET', '/oauth2PermissionGrants', 2],
    ['GET', '/oauth2PermissionGrants/x', 2],
    ['GET', '/roleManagement/directory/roleAssignments', 1],
    ['GET', '/auditLogs/signIns', 1],
  ];
  for (const [method, path, expected] of cases)
    assert.equal(cost(method, path), expected, `${method} ${path}`);
});

test('a request whose route or options could not be parsed still costs at least 1', () => {
  assert.equal(resourceUnits(null, null), 1);
});
