import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateCost } from './cost.ts';

test('estimates resource units with Graph modifiers and the keyCredentials limit', () => {
  const cases: [method: string, url: string, ru: number, keys: boolean][] = [
    ['GET', '/v1.0/applications', 2, false],
    ['GET', '/v1.0/applications?$select=id,appId,keyCredentials&$top=999', 1, true],
    ['GET', 'https://graph.microsoft.com/v1.0/applications?$select=id&$expand=owners($select=id)', 2, false],
    ['GET', '/v1.0/applications?$top=5', 1, false],
    ['GET', '/v1.0/applications?$select=id&$top=5', 1, false],
    ['GET', '/v1.0/servicePrincipals?$select=id,keyCredentials&$top=999', 1, true],
    ['GET', '/v1.0/servicePrincipals', 1, false],
    ['GET', '/v1.0/servicePrincipals?$select=id&$expand=owners', 1, false],
    ['GET', '/v1.0/servicePrincipals/abc?select=keyCredentials', 1, true],
    ['GET', '/v1.0/applications/abc/owners?$select=id', 1, false],
    ['GET', '/applications/abc/owners', 1, false],
    ['GET', '/beta/servicePrincipals/abc/appRoleAssignments', 2, false],
    ['GET', '/v1.0/groups/g/transitiveMembers', 5, false],
    ['POST', '/v1.0/directoryObjects/getByIds', 5, false],
    ['GET', '/v1.0/organization?$select=id', 1, false],
    ['GET', 'https://127.0.0.1:8443/graph/v1.0/applications?%24select=id%2CkeyCredentials', 1, true],
  ];
  for (const [method, url, ru, keys] of cases) {
    assert.deepEqual(
      estimateCost(method, url),
      { resourceUnits: ru, keyCredentials: keys },
      `${method} ${url}`,
    );
  }
});
