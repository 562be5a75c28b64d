import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';
import type { Credential, Identity } from '../core/inventory.ts';
import { assertFact } from './fact-guard.ts';

const credential: Credential = {
  keyId: 'k1',
  type: 'secret',
  location: 'application',
  displayName: null,
  hint: 'abc',
  thumbprint: null,
  usage: null,
  startDateTime: null,
  endDateTime: null,
};
const identity: Identity = {
  objectId: 'o1',
  kind: 'application',
  appId: 'a1',
  displayName: 'One',
  servicePrincipalType: null,
  managedIdentityType: null,
  publisher: 'own',
  appOwnerOrganizationId: null,
  signInAudience: null,
  accountEnabled: true,
  createdDateTime: null,
  owners: [],
  credentials: [credential],
};
const loose = (fact: object) => fact as IdentityFact;

test('accepts well-formed facts, including empty or null secret-named properties', () => {
  assertFact({ aspect: 'identity', identity });
  assertFact({ aspect: 'owners', objectId: 'o1', owners: [] });
  assertFact(
    loose({ aspect: 'federated', objectId: 'o1', credentials: [{ ...credential, key: null, value: '' }] }),
  );
});

const rejected: Array<[string, object, RegExp]> = [
  [
    'a secretText on a credential',
    { aspect: 'identity', identity: { ...identity, credentials: [{ ...credential, secretText: 'x~y' }] } },
    /secretText/,
  ],
  [
    'a key on a certificate',
    { aspect: 'federated', objectId: 'o1', credentials: [{ ...credential, key: 'MIIB' }] },
    /"key"/,
  ],
  ['a value on the identity', { aspect: 'identity', identity: { ...identity, value: 'x' } }, /"value"/],
  [
    'a secret on an owner',
    { aspect: 'owners', objectId: 'o1', owners: [{ objectId: 'u', secretText: 'x' }] },
    /secretText/,
  ],
  [
    'an identity without objectId',
    { aspect: 'identity', identity: { ...identity, objectId: '' } },
    /objectId/,
  ],
  [
    'an identity without displayName',
    { aspect: 'identity', identity: { ...identity, displayName: null } },
    /displayName/,
  ],
  [
    'credentials that are not a list',
    { aspect: 'identity', identity: { ...identity, credentials: null } },
    /not a list/,
  ],
  ['owners holding a non-object', { aspect: 'owners', objectId: 'o1', owners: ['u1'] }, /non-object/],
  ['an unknown aspect', { aspect: 'grants', objectId: 'o1' }, /unknown fact aspect/],
];

for (const [what, fact, message] of rejected) {
  test(`rejects ${what}`, () => {
    assert.throws(
      () => assertFact(loose(fact)),
      (error) => error instanceof InvalidInput && message.test(error.message),
    );
  });
}

test('never echoes the secret it found', () => {
  const fact = loose({
    aspect: 'identity',
    identity: { ...identity, credentials: [{ ...credential, secretText: 'Zq8~hunter2' }] },
  });
  assert.throws(
    () => assertFact(fact),
    (error: Error) => !error.message.includes('hunter2'),
  );
});
