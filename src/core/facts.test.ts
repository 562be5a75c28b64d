import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changesIdentity, type IdentityFact } from './facts.ts';

const owner = {
  objectId: 'u',
  kind: 'user' as const,
  displayName: null,
  userPrincipalName: null,
  accountEnabled: true,
};

test('empty owner and federated aspects are dropped, everything else is kept', () => {
  const cases: Array<[IdentityFact, boolean]> = [
    [{ aspect: 'owners', objectId: 'o', owners: [] }, false],
    [{ aspect: 'owners', objectId: 'o', owners: [owner] }, true],
    [{ aspect: 'federated', objectId: 'o', credentials: [] }, false],
    [{ aspect: 'identity', identity: { owners: [], credentials: [] } as never }, true],
  ];
  for (const [fact, expected] of cases) assert.equal(changesIdentity(fact), expected, JSON.stringify(fact));
});
