import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GetTokenOptions } from '@azure/identity';
import { createTokenSource } from './token-source.ts';

function jwt(payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(payload)}.sig`;
}

function fakeCredential(lifetimeMs: number, now: () => number) {
  const calls: (GetTokenOptions | undefined)[] = [];
  return {
    calls,
    credential: {
      async getToken(_scope: string | string[], options?: GetTokenOptions) {
        calls.push(options);
        await new Promise((r) => setImmediate(r));
        return { token: jwt({ tid: 'tenant-1', n: calls.length }), expiresOnTimestamp: now() + lifetimeMs };
      },
    },
  };
}

test('one sign-in serves concurrent callers until the token nears expiry', async () => {
  let now = 0;
  const { credential, calls } = fakeCredential(3_600_000, () => now);
  const source = createTokenSource(credential, 'https://graph.microsoft.com/.default', () => now);
  const tokens = await Promise.all([source.current(), source.current(), source.current()]);
  assert.equal(calls.length, 1);
  assert.ok(tokens.every((t) => t.generation === 1));
  now = 3_600_000 - 5 * 60_000 - 1;
  assert.equal((await source.current()).generation, 1);
  now += 2;
  assert.equal((await source.current()).generation, 2, 'refreshed five minutes before expiry');
});

test('a 401 refreshes once with the challenge claims, whatever the number of failed requests', async () => {
  const { credential, calls } = fakeCredential(3_600_000, () => 0);
  const source = createTokenSource(credential, 'scope', () => 0);
  const first = await source.current();
  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}';
  const refreshed = await Promise.all([
    source.refresh(first.generation, claims),
    source.refresh(first.generation, claims),
  ]);
  assert.equal(calls.length, 2);
  assert.deepEqual(calls[1], { claims });
  assert.ok(refreshed.every((t) => t.generation === 2));
  assert.equal(
    (await source.refresh(first.generation, claims)).generation,
    2,
    'a late 401 on the old token reuses the new one',
  );
  assert.equal(calls.length, 2);
});

test('reads the tenant id from the token', async () => {
  const { credential } = fakeCredential(3_600_000, () => 0);
  assert.equal(await createTokenSource(credential, 'scope', () => 0).tenantId(), 'tenant-1');
});
