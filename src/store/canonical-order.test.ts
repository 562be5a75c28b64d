import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareCodePoints } from '../core/code-point-order.ts';
import type { Credential } from '../core/inventory.ts';
import { sortCredentials, sortOwners } from './canonical-order.ts';

test('orders strings as UTF-8 bytes do (as PostgreSQL\'s "C" collation)', () => {
  const words = ['b', 'a', 'B', 'ab', 'a', '\u{1F600}', '\uFFFD', 'é'];
  const bytes = [...words].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual([...words].sort(compareCodePoints), bytes);
});

test('sorts credentials by type, then keyId, then location; owners by objectId', () => {
  const credential = (
    type: Credential['type'],
    keyId: string,
    location: Credential['location'] = 'application',
  ) => ({ type, keyId, location }) as Credential;
  const sorted = sortCredentials([
    credential('secret', 'b'),
    credential('secret', 'a', 'servicePrincipal'),
    credential('federated', 'z'),
    credential('certificate', 'm'),
    credential('secret', 'a'),
  ]);
  assert.deepEqual(
    sorted.map((c) => `${c.type}:${c.keyId}:${c.location}`),
    [
      'certificate:m:application',
      'federated:z:application',
      'secret:a:application',
      'secret:a:servicePrincipal',
      'secret:b:application',
    ],
  );
  const owners = sortOwners([{ objectId: 'u2' }, { objectId: 'U1' }, { objectId: 'u1' }] as never);
  assert.deepEqual(
    owners.map((o) => o.objectId),
    ['U1', 'u1', 'u2'],
  );
});
