import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GetTokenOptions } from '@azure/identity';
import { InvalidInput } from '../../core/errors.ts';
import { MICROSOFT_AUDIENCES } from '../../core/integration-config.ts';
import { createTokenSource } from './token-source.ts';

function jwt(payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(payload)}.sig`;
}

function fakeCredential(lifetimeMs: number, now: () => number, claims: object = {}) {
  const calls: (GetTokenOptions | undefined)[] = [];
  return {
    calls,
    credential: {
      async getToken(_scope: string | string[], options?: GetTokenOptions) {
        calls.push(options);
        await new Promise((r) => setImmediate(r));
        return {
          token: jwt({ tid: 'tenant-1', n: calls.length, ...claims }),
          expiresOnTimestamp: now() + lifetimeMs,
        };
      },
    },
  };
}

const GRAPH = 'https://graph.microsoft.com';

test('one sign-in serves concurrent callers until the token nears expiry', async () => {
  let now = 0;
  const { credential, calls } = fakeCredential(3_600_000, () => now);
  const source = createTokenSource(credential, `${GRAPH}/.default`, GRAPH, () => now);
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
  const source = createTokenSource(credential, `${GRAPH}/.default`, GRAPH, () => 0);
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
  assert.equal(
    await createTokenSource(credential, `${GRAPH}/.default`, GRAPH, () => 0).tenantId(),
    'tenant-1',
  );
});

const refused = (pattern: RegExp) => (error: unknown) =>
  error instanceof InvalidInput && pattern.test(error.message) && Boolean(error.fix);

// Every Microsoft Graph and ARM resource, by URI and by app id, with and without "/.default" or a trailing
// slash: a token for it never goes to a custom cloud's host, and no token is even asked for.
for (const audience of MICROSOFT_AUDIENCES) {
  for (const scope of [`${audience}/.default`, `${audience}/`, audience.toUpperCase()]) {
    test(`a token for ${scope} is refused for a custom host before any sign-in`, () => {
      const { credential, calls } = fakeCredential(3_600_000, () => 0);
      assert.throws(
        () => createTokenSource(credential, scope, 'https://127.0.0.1:8443'),
        refused(/refusing to send a token for .* to 127\.0\.0\.1:8443/),
      );
      assert.equal(calls.length, 0);
    });
  }
}

const fits: Array<[scope: string, destination: string]> = [
  ['https://graph.microsoft.com/.default', 'https://graph.microsoft.com'],
  ['https://graph.microsoft.us/.default', 'https://graph.microsoft.us'],
  ['https://dod-graph.microsoft.us/.default', 'https://dod-graph.microsoft.us'],
  ['https://microsoftgraph.chinacloudapi.cn/.default', 'https://microsoftgraph.chinacloudapi.cn'],
  ['00000003-0000-0000-c000-000000000000/.default', 'https://graph.microsoft.us'],
  ['https://management.core.windows.net//.default', 'https://management.azure.com'],
  ['https://127.0.0.1:8443/.default', 'https://127.0.0.1:8443'],
  ['api://sovereign-graph/.default', 'https://graph.sovereign.example'],
];
for (const [scope, destination] of fits) {
  test(`a token for ${scope} may go to ${destination}`, () => {
    const { credential } = fakeCredential(3_600_000, () => 0);
    assert.doesNotThrow(() => createTokenSource(credential, scope, destination));
  });
}

const elsewhere: Array<[scope: string, destination: string]> = [
  ['https://graph.microsoft.com/.default', 'https://graph.microsoft.com.evil.example'],
  ['https://graph.microsoft.com/.default', 'https://graph.microsoft.us'],
  ['https://graph.microsoft.us/.default', 'https://dod-graph.microsoft.us'],
  ['https://management.azure.com/.default', 'https://graph.microsoft.com'],
  ['https://127.0.0.1:8443/.default', 'https://127.0.0.1:9443'],
  ['https://graph.sovereign.example/.default', 'https://proxy.sovereign.example'],
];
for (const [scope, destination] of elsewhere) {
  test(`a token for ${scope} never goes to ${destination}`, () => {
    const { credential } = fakeCredential(3_600_000, () => 0);
    assert.throws(() => createTokenSource(credential, scope, destination), refused(/refusing to send/));
  });
}

test('a token whose audience claim names another host is refused, even when the scope asked was right', async () => {
  const { credential } = fakeCredential(3_600_000, () => 0, { aud: 'https://graph.microsoft.com' });
  const source = createTokenSource(credential, 'https://127.0.0.1:8443/.default', 'https://127.0.0.1:8443');
  await assert.rejects(
    source.current(),
    refused(/refusing to send a token issued for https:\/\/graph\.microsoft\.com to 127\.0\.0\.1:8443/),
  );
  const listed = fakeCredential(3_600_000, () => 0, {
    aud: ['https://127.0.0.1:8443', '00000003-0000-0000-c000-000000000000'],
  });
  await assert.rejects(
    createTokenSource(
      listed.credential,
      'https://127.0.0.1:8443/.default',
      'https://127.0.0.1:8443',
    ).current(),
    refused(/issued for 00000003-0000-0000-c000-000000000000/),
  );
});

test('a token whose audience claim is its own host is handed out', async () => {
  const { credential } = fakeCredential(3_600_000, () => 0, { aud: 'https://127.0.0.1:8443' });
  const source = createTokenSource(credential, 'https://127.0.0.1:8443/.default', 'https://127.0.0.1:8443');
  assert.equal((await source.current()).generation, 1);
});

test("the Graph transport refuses a public Graph scope for a custom cloud's host before it signs in", async () => {
  const { createGraphTransport } = await import('./transport.ts');
  const { credential, calls } = fakeCredential(3_600_000, () => 0);
  assert.throws(
    () =>
      createGraphTransport({
        graphUrl: 'https://127.0.0.1:8443',
        credential,
        scope: `${GRAPH}/.default`,
        budget: { resourceUnitsPerWindow: 5000, windowMs: 10_000 },
      }),
    refused(/refusing to send a token for https:\/\/graph\.microsoft\.com to 127\.0\.0\.1:8443/),
  );
  assert.equal(calls.length, 0);
});
