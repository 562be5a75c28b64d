import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPublisher, MICROSOFT_TENANT_IDS } from './publisher.ts';

const OWN = '0785ef7c-1111-4222-8333-944455556666';

test('classifies the publisher from appOwnerOrganizationId', () => {
  const cases: [string | null | undefined, string][] = [
    [OWN, 'own'],
    [OWN.toUpperCase(), 'own'],
    ['f8cdef31-a31e-4b4a-93e4-5f571e91255a', 'microsoft'],
    ['72f988bf-86f1-41af-91ab-2d7cd011db47', 'microsoft'],
    ['33e01921-4d64-4f8c-a055-5bdaffd5e33d', 'microsoft'],
    ['cdc5aeea-15c5-4db6-b079-fcadd2505dc2', 'microsoft'],
    ['F8CDEF31-A31E-4B4A-93E4-5F571E91255A', 'microsoft'],
    ['9188040d-6c67-4c5b-b112-36a304b66dad', 'third-party'],
    [null, 'unknown'],
    [undefined, 'unknown'],
    ['', 'unknown'],
  ];
  for (const [owner, expected] of cases) assert.equal(classifyPublisher(owner, OWN), expected, String(owner));
});

test('a managed identity is ours whatever service projects it', () => {
  assert.equal(classifyPublisher('f8cdef31-a31e-4b4a-93e4-5f571e91255a', OWN, 'ManagedIdentity'), 'own');
  assert.equal(classifyPublisher(null, OWN, 'ManagedIdentity'), 'own');
  assert.equal(classifyPublisher('f8cdef31-a31e-4b4a-93e4-5f571e91255a', OWN, 'Application'), 'microsoft');
});

test('every Microsoft tenant id is a lower-case GUID, listed once', () => {
  assert.equal(new Set(MICROSOFT_TENANT_IDS).size, MICROSOFT_TENANT_IDS.length);
  for (const id of MICROSOFT_TENANT_IDS) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  }
});
