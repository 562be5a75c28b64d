// Bearer checks on Graph paths: Graph's 401 bodies and WWW-Authenticate challenges for empty, expired,
// wrong-audience and revoked tokens, and a client recovering from the token-expiry fault with CAE claims.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import type { EmulatorRuntime } from '../runtime.ts';
import { type TestTenant, VALID_SECRET } from './fixtures.ts';
import { rawRequest, secretToken, startFixtureRuntime } from './harness.ts';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
let emulator: EmulatorRuntime<unknown, unknown, unknown>;
let fixture: TestTenant;

before(async () => {
  ({ emulator, fixture } = await startFixtureRuntime());
});

after(() => emulator.close());

const client = () => ({ tenantId: fixture.tenant.id, appId: fixture.appId, secret: VALID_SECRET });

async function ping(authorization?: string) {
  const res = await rawRequest(`${emulator.origin}/v1.0/ping`, {
    ca: emulator.caCertPem,
    headers: authorization === undefined ? {} : { authorization },
  });
  const body = JSON.parse(res.body.toString()) as { error?: { code: string; message: string } };
  return { status: res.status, challenge: String(res.headers['www-authenticate'] ?? ''), body };
}

test('a missing token gets Graph 401 "Access token is empty." with a Bearer challenge', async () => {
  const res = await ping();
  assert.equal(res.status, 401);
  assert.equal(res.body.error?.code, 'InvalidAuthenticationToken');
  assert.equal(res.body.error?.message, 'Access token is empty.');
  assert.match(
    res.challenge,
    /^Bearer realm="", authorization_uri="https:\/\/[^"]+\/common\/oauth2\/authorize", client_id="00000003-0000-0000-c000-000000000000"$/,
  );
});

test('a garbled or foreign token is rejected', async () => {
  assert.equal((await ping('Bearer not-a-jwt')).status, 401);
  const token = await secretToken(emulator.origin, emulator.caCertPem, client());
  const [h, p] = token.split('.');
  const forged = `${h}.${p}.${Buffer.from('forged').toString('base64url')}`;
  const res = await ping(`Bearer ${forged}`);
  assert.equal(res.status, 401);
  assert.equal(res.body.error?.message, 'Access token validation failure.');
});

test('an ARM token on Graph fails audience validation', async () => {
  const arm = await secretToken(
    emulator.origin,
    emulator.caCertPem,
    client(),
    'https://management.azure.com/.default',
  );
  const res = await ping(`Bearer ${arm}`);
  assert.equal(res.status, 401);
  assert.equal(res.body.error?.message, 'Access token validation failure. Invalid audience.');
});

test('expireAllTokens: a CAE claims challenge, and getToken with those claims skips the cache', async () => {
  const credential = new ClientSecretCredential(fixture.tenant.id, fixture.appId, VALID_SECRET, {
    authorityHost: emulator.origin,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caCertPem },
  });
  const first = await credential.getToken(GRAPH_SCOPE);
  assert.equal((await ping(`Bearer ${first.token}`)).status, 200);
  emulator.control.expireAllTokens();
  const res = await ping(`Bearer ${first.token}`);
  assert.equal(res.status, 401);
  const claims = /error="insufficient_claims", claims="([^"]+)"/.exec(res.challenge)?.[1];
  assert.ok(claims, res.challenge);
  const decoded = Buffer.from(claims, 'base64').toString('utf8');
  assert.equal(JSON.parse(decoded).access_token.nbf.essential, true);
  // The SDK's cache would hand back the revoked token; claims force a new one.
  assert.equal((await credential.getToken(GRAPH_SCOPE)).token, first.token);
  const fresh = await credential.getToken(GRAPH_SCOPE, { claims: decoded });
  assert.notEqual(fresh.token, first.token);
  assert.equal((await ping(`Bearer ${fresh.token}`)).status, 200);
});

test('advancing the emulated clock past the lifetime expires tokens', async () => {
  const token = await secretToken(emulator.origin, emulator.caCertPem, client());
  assert.equal((await ping(`Bearer ${token}`)).status, 200);
  emulator.control.advanceClock(3600 * 1000);
  const res = await ping(`Bearer ${token}`);
  assert.equal(res.status, 401);
  assert.equal(res.body.error?.message, 'Lifetime validation failed, the token is expired.');
  const renewed = await secretToken(emulator.origin, emulator.caCertPem, client());
  assert.equal((await ping(`Bearer ${renewed}`)).status, 200);
});
