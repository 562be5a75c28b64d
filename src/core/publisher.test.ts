import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyPublisher } from './publisher.ts';

const OWN = '0785ef7c-1111-4222-8333-944455556666';

test('classifies the publisher from appOwnerOrganizationId', () => {
  const cases: [string | null | undefined, string][] = [
    [OWN, 'own'],
    [OWN.toUpperCase(), 'own'],
    ['f8cdef31-a31e-4b4a-93e4-5f571e91255a', 'microsoft'],
    ['72f988bf-86f1-41af-91ab-2d7cd011db47', 'microsoft'],
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
