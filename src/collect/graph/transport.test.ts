import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GetTokenOptions } from '@azure/identity';
import { MockAgent } from 'undici';
import type { LanyardError } from '../../core/errors.ts';
import { createFakeTimer } from './fake-timer.ts';
import { createGraphTransport, type GraphTransportOptions } from './transport.ts';

/** Lets I/O callbacks run until `done()` (or `rounds` turns of the event loop). */
async function settle(done: () => boolean, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) await new Promise((r) => setImmediate(r));
}

const GRAPH = 'https://graph.test';

interface Seen {
  method: string;
  path: string;
  authorization: string;
  body: string;
}
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A scripted Graph behind undici's MockAgent: no sockets, every request recorded. */
function fakeGraph(handler: (req: Seen, seen: Seen[]) => Reply) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const seen: Seen[] = [];
  agent
    .get(GRAPH)
    .intercept({ path: () => true, method: () => true })
    .reply((opts) => {
      const headers = opts.headers as Record<string, string>;
      const req = {
        method: opts.method,
        path: opts.path,
        authorization: headers.authorization ?? '',
        body: typeof opts.body === 'string' ? opts.body : '',
      };
      seen.push(req);
      const reply = handler(req, seen);
      const data = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      return { statusCode: reply.status, data, responseOptions: { headers: reply.headers ?? {} } };
    })
    .persist();
  return { agent, seen };
}

function credential() {
  const claims: (string | undefined)[] = [];
  let issued = 0;
  return {
    claims,
    credential: {
      async getToken(_scope: string | string[], options?: GetTokenOptions) {
        claims.push(options?.claims);
        issued += 1;
        const payload = Buffer.from(JSON.stringify({ tid: 'tenant-1' })).toString('base64url');
        return { token: `hdr.${payload}.secret-token-${issued}`, expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    },
  };
}

function transport(agent: MockAgent, extra: Partial<GraphTransportOptions> = {}) {
  return createGraphTransport({
    graphUrl: GRAPH,
    credential: credential().credential,
    scope: `${GRAPH}/.default`,
    budget: { resourceUnitsPerWindow: 5000, windowMs: 10_000 },
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
    dispatcher: agent,
    ...extra,
  });
}

const ok = (value: unknown[], next?: string): Reply => ({
  status: 200,
  body: { value, ...(next ? { '@odata.nextLink': next } : {}) },
  headers: { 'x-ms-resource-unit': '1' },
});

test('signs requests, prefixes the version and follows nextLinks on the same host', async () => {
  const { agent, seen } = fakeGraph((req) =>
    req.path.includes('skiptoken')
      ? ok([{ id: 'b' }])
      : ok([{ id: 'a' }], `${GRAPH}/v1.0/applications?$top=999&$skiptoken=x`),
  );
  const graph = transport(agent);
  const pages: unknown[][] = [];
  for await (const page of graph.pages('/applications?$top=999')) pages.push(page);
  assert.deepEqual(pages, [[{ id: 'a' }], [{ id: 'b' }]]);
  assert.deepEqual(
    seen.map((s) => s.path),
    ['/v1.0/applications?$top=999', '/v1.0/applications?$top=999&$skiptoken=x'],
  );
  assert.match(seen[0]!.authorization, /^Bearer hdr\./);
  assert.equal(graph.stats().requests, 2);
  assert.equal(graph.stats().resourceUnits, 2);
});

test('refuses a nextLink to another host, so the token stays with Graph', async () => {
  const { agent } = fakeGraph(() => ok([], 'https://evil.example/v1.0/applications?$skiptoken=x'));
  const pages = transport(agent).pages('/applications');
  await assert.rejects(
    (async () => {
      for await (const _ of pages);
    })(),
    /another host \(https:\/\/evil\.example\)/,
  );
});

test('retries 5xx, resets and truncated JSON, then succeeds', async () => {
  const { agent, seen } = fakeGraph((_req, all) => {
    if (all.length === 1) return { status: 503, body: { error: { code: 'ServiceUnavailable' } } };
    if (all.length === 2) return { status: 200, body: '{"value":[{"id":"a"' };
    return ok([{ id: 'a' }]);
  });
  const graph = transport(agent);
  assert.deepEqual(await graph.get('/servicePrincipals'), { value: [{ id: 'a' }] });
  assert.equal(seen.length, 3);
  assert.equal(graph.stats().retries, 2);
});

test('a list page without a value array is retried, then an upstream failure, never an empty page', async () => {
  const malformed = fakeGraph(() => ({ status: 200, body: { '@odata.context': 'x' } }));
  const read = async () => {
    const ids: unknown[] = [];
    for await (const page of transport(malformed.agent).pages('/applications')) ids.push(...page);
    return ids;
  };
  await assert.rejects(read(), (error: LanyardError) => {
    assert.equal(error.code, 'LANYARD_UPSTREAM_FAILED');
    assert.match(error.message, /GET \/v1\.0\/applications .*not a collection page/);
    return true;
  });
  assert.equal(malformed.seen.length, 4);
  // Once: retried and read in full.
  const once = fakeGraph((_req, all) => (all.length === 1 ? { status: 200, body: {} } : ok([{ id: 'a' }])));
  const ids: unknown[] = [];
  for await (const page of transport(once.agent).pages('/applications')) ids.push(...page);
  assert.deepEqual(ids, [{ id: 'a' }]);
});

test('gives up after the bounded attempts with UpstreamFailed', async () => {
  const { agent, seen } = fakeGraph(() => ({
    status: 502,
    body: { error: { code: 'BadGateway', message: 'Bad Gateway.' } },
  }));
  await assert.rejects(transport(agent).get('/servicePrincipals'), (error: LanyardError) => {
    assert.equal(error.code, 'LANYARD_UPSTREAM_FAILED');
    assert.match(error.message, /BadGateway/);
    return true;
  });
  assert.equal(seen.length, 4);
});

test('holds the next attempt for a fractional Retry-After after a 429', async () => {
  const { agent, seen } = fakeGraph((_req, all) =>
    all.length === 1
      ? { status: 429, body: { error: { code: 'TooManyRequests' } }, headers: { 'retry-after': '0.25' } }
      : ok([]),
  );
  const timer = createFakeTimer(Date.now());
  const graph = transport(agent, { timer });
  const done = graph.get('/applications');
  await settle(() => graph.stats().throttled === 1);
  await timer.advance(249);
  await settle(() => false, 20);
  assert.equal(seen.length, 1, 'nothing is sent during Retry-After');
  await timer.advance(1);
  await done;
  assert.equal(seen.length, 2);
});

test('a 401 challenge refreshes the token once with its claims; a second 401 is AuthFailed', async () => {
  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}';
  const challenge = {
    status: 401,
    body: {
      error: {
        code: 'InvalidAuthenticationToken',
        message: 'Lifetime validation failed, the token is expired.',
      },
    },
    headers: {
      'www-authenticate': `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`,
    },
  };
  const { agent, seen } = fakeGraph((req) => (req.authorization.endsWith('-1') ? challenge : ok([])));
  const cred = credential();
  const graph = transport(agent, { credential: cred.credential });
  await graph.get('/applications');
  assert.deepEqual(cred.claims, [undefined, claims]);
  assert.ok(seen[1]!.authorization.endsWith('secret-token-2'));

  const always = fakeGraph(() => challenge);
  await assert.rejects(transport(always.agent).get('/applications'), (error: LanyardError) => {
    assert.equal(error.code, 'LANYARD_AUTH_FAILED');
    assert.doesNotMatch(`${error.message} ${error.fix}`, /secret-token/);
    return true;
  });
  assert.equal(always.seen.length, 2);
});

test('403 names the permission of the resource declaration', async () => {
  const { agent } = fakeGraph(() => ({
    status: 403,
    body: {
      error: {
        code: 'Authorization_RequestDenied',
        message: 'Insufficient privileges to complete the operation.',
      },
    },
  }));
  await assert.rejects(
    transport(agent).get('/applications', { permission: 'Application.Read.All' }),
    (error: LanyardError) =>
      error.code === 'LANYARD_PERMISSION_MISSING' && /lacks Application\.Read\.All/.test(error.message),
  );
});

test('$batch answers in input order and retries throttled and failed items', async () => {
  let round = 0;
  const { agent, seen } = fakeGraph((req) => {
    const { requests } = JSON.parse(req.body) as { requests: { id: string; url: string }[] };
    round += 1;
    return {
      status: 200,
      body: {
        responses: requests.map((r) => {
          if (round === 1 && r.id === '1')
            return { id: r.id, status: 429, headers: { 'Retry-After': '0' }, body: {} };
          if (round === 1 && r.id === '2') return { id: r.id, status: 503, body: {} };
          return { id: r.id, status: 200, headers: { 'x-ms-resource-unit': '2' }, body: { value: [r.url] } };
        }),
      },
    };
  });
  const graph = transport(agent);
  const urls = Array.from({ length: 25 }, (_, i) => ({ url: `/applications/${i}/owners` }));
  const responses = await graph.batch<{ value: string[] }>(urls);
  assert.deepEqual(
    responses.map((r) => r.body.value[0]),
    urls.map((u) => u.url),
  );
  assert.equal(seen.filter((s) => s.path === '/v1.0/$batch').length, 3, 'two chunks, one retry round');
  assert.equal(JSON.parse(seen[2]!.body).requests.length, 2);
  assert.equal(graph.stats().batchedRequests, 27);
  // Items charged 2 RU each by Graph; the two failed first attempts are counted at our estimate of 1.
  assert.equal(graph.stats().resourceUnits, 23 * 2 + 2 * 1 + 2 * 2);
});

test('reads the tenant id from the token', async () => {
  const { agent } = fakeGraph(() => ok([]));
  assert.equal(await transport(agent).tokenTenantId(), 'tenant-1');
});
