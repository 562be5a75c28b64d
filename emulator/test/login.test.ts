// Login against real clients: @azure/identity's secret, certificate and assertion credentials get tokens from
// the emulated token endpoint, every AADSTS error answers with Entra's shape, and every attempt is a sign-in.
import assert from 'node:assert/strict';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
} from '@azure/identity';
import { decodeJwt, signRs256 } from '../login/jwt.ts';
import { type EmulatorRuntime, startRuntime } from '../runtime.ts';
import { type ClientCertificate, createCertificateAuthority, createClientCertificate } from '../tls.ts';
import {
  buildTestTenant,
  EXPIRED_SECRET,
  FIC_AUDIENCE,
  FIC_SUBJECT,
  type TestTenant,
  VALID_SECRET,
} from './fixtures.ts';
import { rawRequest, startTestIssuer, type TestIssuer, testGraphHandler } from './harness.ts';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
let emulator: EmulatorRuntime<unknown, unknown, unknown>;
let issuer: TestIssuer;
let fixture: TestTenant;
let certificate: ClientCertificate;
let stranger: ClientCertificate;
let other: TestTenant;
let unprovisionedAppId: string;
/** An Entra tenant as a federated issuer: tokens it issues carry `/eid1/...` subjects. */
const ENTRA_ISSUER = 'https://login.microsoftonline.com/0d9b1f8c-0000-4000-8000-000000000001/v2.0';

before(async () => {
  const ca = await createCertificateAuthority();
  issuer = await startTestIssuer(ca);
  [certificate, stranger] = await Promise.all([
    createClientCertificate('reader'),
    createClientCertificate('stranger'),
  ]);
  fixture = buildTestTenant({ now: Date.now(), certificate, ficIssuer: issuer.issuer });
  const ownApp = [...fixture.tenant.applications.values()].find((a) => a.object.appId === fixture.appId);
  // A credential trusting tokens Entra issues itself (an Azure DevOps service connection's subject format).
  if (!ownApp) throw new Error('the fixture tenant lost its client app');
  ownApp.federatedIdentityCredentials.push({
    id: randomUUID(),
    name: 'devops-connection',
    issuer: ENTRA_ISSUER,
    subject: '/eid1/c/pub/t/AAAAAAAAAAAAAAAAAAAAAA/a/BBBBBBBBBBBBBBBBBBBBBB/sc/connection-1',
    audiences: [FIC_AUDIENCE],
  });
  // Registered here but never given a service principal, as `az ad app create` alone leaves it.
  unprovisionedAppId = randomUUID();
  const unprovisionedId = randomUUID();
  fixture.tenant.applications.set(unprovisionedId, {
    object: { id: unprovisionedId, appId: unprovisionedAppId, signInAudience: 'AzureADMyOrg' },
    owners: [],
    federatedIdentityCredentials: [],
  });
  // Another tenant: its multi-tenant app has no service principal in the first tenant, nor its
  // single-tenant ("Disabled App", no signInAudience) one.
  other = buildTestTenant({ now: Date.now(), certificate: stranger, ficIssuer: issuer.issuer });
  other.tenant.displayName = 'Fabrikam Test';
  other.tenant.defaultDomain = 'fabrikamtest.onmicrosoft.com';
  for (const app of other.tenant.applications.values()) {
    if (app.object.appId === other.appId) app.object.signInAudience = 'AzureADMultipleOrgs';
  }
  emulator = await startRuntime({
    tenants: [fixture.tenant, other.tenant],
    ca,
    api: (ctx) => [testGraphHandler(ctx)],
  });
});

after(async () => {
  await emulator.close();
  await issuer.close();
});

/** How @azure/identity trusts the emulator inside one process: tlsOptions.ca reaches its pipeline's agent. */
function credentialOptions() {
  return {
    authorityHost: emulator.origin,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caCertPem },
  };
}

async function graphPing(token: string) {
  return rawRequest(`${emulator.origin}/v1.0/ping`, {
    ca: emulator.caCertPem,
    headers: { authorization: `Bearer ${token}` },
  });
}

function lastSignIn() {
  return emulator.ctx.signIns.at(-1);
}

test('ClientSecretCredential gets a Graph token carrying the app roles, and the sign-in names the secret', async () => {
  const credential = new ClientSecretCredential(
    fixture.tenant.id,
    fixture.appId,
    VALID_SECRET,
    credentialOptions(),
  );
  const token = await credential.getToken(GRAPH_SCOPE);
  const claims = decodeJwt(token.token)?.payload ?? {};
  assert.equal(claims.aud, 'https://graph.microsoft.com');
  assert.equal(claims.iss, `https://sts.windows.net/${fixture.tenant.id}/`);
  assert.equal(claims.tid, fixture.tenant.id);
  assert.equal(claims.appid, fixture.appId);
  assert.equal(claims.azp, fixture.appId);
  assert.equal(claims.oid, fixture.servicePrincipalId);
  assert.equal(claims.idtyp, 'app');
  assert.deepEqual(claims.roles, ['Application.Read.All', 'Directory.Read.All']);
  assert.equal(Number(claims.exp) - Number(claims.iat), 3599);
  const ping = await graphPing(token.token);
  assert.equal(ping.status, 200);
  assert.deepEqual(JSON.parse(ping.body.toString()).roles, ['Application.Read.All', 'Directory.Read.All']);
  assert.deepEqual(
    { ...lastSignIn(), time: 0, ip: '' },
    {
      time: 0,
      ip: '',
      tenantId: fixture.tenant.id,
      appId: fixture.appId,
      credentialKeyId: fixture.validSecretKeyId,
      credentialType: 'clientSecret',
      success: true,
      errorCode: null,
    },
  );
});

test('ClientCertificateCredential signs in with a PEM file and the tenant default domain', async () => {
  const pemPath = path.join(emulator.outDir, 'reader.pem');
  await writeFile(pemPath, `${certificate.keyPem}${certificate.certPem}`, { mode: 0o600 });
  const credential = new ClientCertificateCredential(
    fixture.tenant.defaultDomain,
    fixture.appId,
    { certificatePath: pemPath },
    credentialOptions(),
  );
  const token = await credential.getToken(GRAPH_SCOPE);
  assert.equal((await graphPing(token.token)).status, 200);
  assert.equal(lastSignIn()?.credentialType, 'certificate');
  assert.equal(lastSignIn()?.credentialKeyId, fixture.certificateKeyId);
  assert.equal(lastSignIn()?.tenantId, fixture.tenant.id);
});

test('ClientAssertionCredential exchanges a federated token from an https issuer the app trusts', async () => {
  const credential = new ClientAssertionCredential(
    fixture.tenant.id,
    fixture.appId,
    () => issuer.sign({ sub: FIC_SUBJECT, aud: FIC_AUDIENCE }),
    credentialOptions(),
  );
  const token = await credential.getToken(GRAPH_SCOPE);
  assert.equal((await graphPing(token.token)).status, 200);
  assert.equal(lastSignIn()?.credentialType, 'federatedCredential');
  assert.equal(lastSignIn()?.credentialKeyId, fixture.ficId);
  assert.equal(lastSignIn()?.success, true);
});

test('@azure/identity surfaces the AADSTS error of a wrong secret', async () => {
  const credential = new ClientSecretCredential(
    fixture.tenant.id,
    fixture.appId,
    'not-the-secret',
    credentialOptions(),
  );
  await assert.rejects(credential.getToken(GRAPH_SCOPE), /AADSTS7000215/);
  assert.equal(lastSignIn()?.errorCode, 7000215);
});

function assertion(
  cert: ClientCertificate,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return signRs256(
    { typ: 'JWT', x5t: certificate.x5t, ...header },
    {
      aud: `${emulator.origin}/${fixture.tenant.id}/oauth2/v2.0/token`,
      iss: fixture.appId,
      sub: fixture.appId,
      jti: 'jti-1',
      nbf: now,
      exp: now + 600,
      ...claims,
    },
    createPrivateKey(cert.keyPem),
  );
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function tokenRequest(form: Record<string, string>, tenant = fixture.tenant.id) {
  const res = await rawRequest(`${emulator.origin}/${tenant}/oauth2/v2.0/token`, {
    ca: emulator.caCertPem,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'client-request-id': 'corr-1' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: JSON.parse(res.body.toString()) as Record<string, unknown> };
}

const base = () => ({ grant_type: 'client_credentials', client_id: fixture.appId, scope: GRAPH_SCOPE });

/**
 * A federated assertion from an issuer the test does not run. The emulator matches the credential before it
 * fetches any keys (Entra must find a trusted issuer first; whether it checks audience and subject before
 * the signature is not known), so these fail on matching, never on signature.
 */
function federated(claims: { iss: string; sub: string; aud: string }): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  return {
    ...base(),
    client_assertion_type: JWT_BEARER,
    client_assertion: signRs256(
      { typ: 'JWT', kid: 'unreachable-issuer-key' },
      { ...claims, nbf: now, exp: now + 600 },
      createPrivateKey(stranger.keyPem),
    ),
  };
}

test('every AADSTS error has Entra status, error, code and body shape, and is recorded as a failed sign-in', async (t) => {
  const cases: Array<
    [string, () => Promise<Record<string, string>> | Record<string, string>, number, string, number, string?]
  > = [
    [
      'unknown client',
      () => ({ ...base(), client_id: '11111111-2222-3333-4444-555555555555', client_secret: 'x' }),
      400,
      'unauthorized_client',
      700016,
    ],
    ['wrong secret', () => ({ ...base(), client_secret: 'wrong' }), 401, 'invalid_client', 7000215],
    ['expired secret', () => ({ ...base(), client_secret: EXPIRED_SECRET }), 401, 'invalid_client', 7000222],
    ['no credential', () => base(), 401, 'invalid_client', 7000218],
    [
      'missing grant_type',
      () => ({ client_id: fixture.appId, scope: GRAPH_SCOPE }),
      400,
      'invalid_request',
      900144,
    ],
    [
      'unsupported grant',
      () => ({ ...base(), grant_type: 'password' }),
      400,
      'unsupported_grant_type',
      70003,
    ],
    [
      'scope without /.default',
      () => ({ ...base(), scope: 'https://graph.microsoft.com/User.Read.All', client_secret: VALID_SECRET }),
      400,
      'invalid_scope',
      1002012,
    ],
    [
      'two resources',
      () => ({
        ...base(),
        scope: `${GRAPH_SCOPE} https://management.azure.com/.default`,
        client_secret: VALID_SECRET,
      }),
      400,
      'invalid_scope',
      70011,
    ],
    [
      'unknown resource',
      () => ({ ...base(), scope: 'https://vault.azure.net/.default', client_secret: VALID_SECRET }),
      400,
      'invalid_resource',
      500011,
    ],
    [
      'disabled app',
      () => ({ ...base(), client_id: fixture.disabledAppId, client_secret: 'x' }),
      400,
      'unauthorized_client',
      7000112,
    ],
    [
      'unknown certificate',
      () => ({
        ...base(),
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion(stranger, {}, { x5t: stranger.x5t }),
      }),
      401,
      'invalid_client',
      700027,
      'The key was not found.',
    ],
    [
      'forged signature',
      () => ({ ...base(), client_assertion_type: JWT_BEARER, client_assertion: assertion(stranger, {}) }),
      401,
      'invalid_client',
      700027,
      'did not match',
    ],
    [
      'expired assertion',
      () => ({
        ...base(),
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion(certificate, { nbf: 1_000_000, exp: 1_000_600 }),
      }),
      401,
      'invalid_client',
      700024,
    ],
    [
      'assertion for another endpoint',
      () => ({
        ...base(),
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion(certificate, {
          aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token',
        }),
      }),
      401,
      'invalid_client',
      50012,
    ],
    [
      'malformed assertion',
      () => ({ ...base(), client_assertion_type: JWT_BEARER, client_assertion: 'not.a.jwt' }),
      400,
      'invalid_request',
      50027,
    ],
    [
      'registration without a service principal in this tenant',
      () => ({ ...base(), client_id: unprovisionedAppId, client_secret: 'x' }),
      401,
      'invalid_client',
      7000229,
      `is missing service principal in the tenant ${fixture.tenant.id}.`,
    ],
    [
      'multi-tenant app of another tenant, not provisioned in this one',
      () => ({ ...base(), client_id: other.appId, client_secret: 'x' }),
      401,
      'invalid_client',
      7000229,
      `The client application ${other.appId} is missing service principal`,
    ],
    [
      'single-tenant app of another tenant',
      () => ({ ...base(), client_id: other.disabledAppId, client_secret: 'x' }),
      400,
      'unauthorized_client',
      700016,
    ],
    [
      'federated issuer no credential trusts',
      () => federated({ iss: 'https://issuer.invalid/', sub: FIC_SUBJECT, aud: FIC_AUDIENCE }),
      401,
      'invalid_client',
      700211,
      "presented assertion issuer 'https://issuer.invalid/'.",
    ],
    [
      'federated audience no credential of the issuer lists',
      async () => ({
        ...base(),
        client_assertion_type: JWT_BEARER,
        client_assertion: await issuer.sign({ sub: FIC_SUBJECT, aud: 'api://SomethingElse' }),
      }),
      401,
      'invalid_client',
      700212,
      "presented assertion audience 'api://SomethingElse'.",
    ],
    [
      'federated subject not trusted',
      async () => ({
        ...base(),
        client_assertion_type: JWT_BEARER,
        client_assertion: await issuer.sign({ sub: 'system:serviceaccount:other:sa', aud: FIC_AUDIENCE }),
      }),
      401,
      'invalid_client',
      700213,
      "presented assertion subject 'system:serviceaccount:other:sa'. Check your federated identity credential",
    ],
    [
      'federated subject differing only in letter case',
      async () => ({
        ...base(),
        client_assertion_type: JWT_BEARER,
        client_assertion: await issuer.sign({ sub: FIC_SUBJECT.toUpperCase(), aud: FIC_AUDIENCE }),
      }),
      401,
      'invalid_client',
      7002138,
      'The subject matches with case-insensitive comparison, but not with case-sensitive comparison.',
    ],
    [
      'federated issuer differing only in letter case',
      () => federated({ iss: issuer.issuer.toUpperCase(), sub: FIC_SUBJECT, aud: FIC_AUDIENCE }),
      401,
      'invalid_client',
      700213,
      'Please note that matching is done using a case-sensitive comparison.',
    ],
    [
      'federated audience differing only in letter case',
      async () => ({
        ...base(),
        client_assertion_type: JWT_BEARER,
        client_assertion: await issuer.sign({ sub: FIC_SUBJECT, aud: FIC_AUDIENCE.toLowerCase() }),
      }),
      401,
      'invalid_client',
      700213,
      'Please note that matching is done using a case-sensitive comparison.',
    ],
    [
      'Entra-issued subject not trusted',
      () =>
        federated({
          iss: ENTRA_ISSUER,
          sub: '/eid1/c/pub/t/CCCCCCCCCCCCCCCCCCCCCC/a/BBBBBBBBBBBBBBBBBBBBBB/sc/connection-2',
          aud: FIC_AUDIENCE,
        }),
      401,
      'invalid_client',
      7002137,
      "Please make sure the federated identity credential Subject is '/eid1/c/pub/t/{tenantId}/a/BBBBBBBBBBBBBBBBBBBBBB/sc/connection-2'.",
    ],
  ];
  for (const [name, form, status, error, code, detail] of cases) {
    await t.test(name, async () => {
      const before = emulator.ctx.signIns.length;
      const res = await tokenRequest(await form());
      assert.equal(res.status, status);
      assert.equal(res.body.error, error);
      assert.deepEqual(res.body.error_codes, [code]);
      assert.match(
        String(res.body.error_description),
        new RegExp(`^AADSTS${code}: .*Trace ID: .*Correlation ID: corr-1`, 's'),
      );
      if (detail)
        assert.ok(String(res.body.error_description).includes(detail), String(res.body.error_description));
      assert.equal(res.body.correlation_id, 'corr-1');
      assert.equal(typeof res.body.trace_id, 'string');
      assert.match(String(res.body.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
      assert.equal(emulator.ctx.signIns.length, before + 1);
      assert.equal(lastSignIn()?.success, false);
      assert.equal(lastSignIn()?.errorCode, code);
    });
  }
  await t.test('expired secret sign-in names the expired key', () => {
    const expired = emulator.ctx.signIns.find((s) => s.errorCode === 7000222);
    assert.equal(expired?.credentialKeyId, fixture.expiredSecretKeyId);
    assert.equal(expired?.credentialType, 'clientSecret');
  });
  await t.test('unknown tenant', async () => {
    const res = await tokenRequest(
      { ...base(), client_secret: VALID_SECRET },
      'nosuchtenant.onmicrosoft.com',
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_tenant');
    assert.deepEqual(res.body.error_codes, [90002]);
    assert.equal(lastSignIn()?.tenantId, 'nosuchtenant.onmicrosoft.com');
  });
});

test('OIDC discovery answers by tenant id and domain with an issuer on the emulator origin', async () => {
  for (const segment of [fixture.tenant.id, fixture.tenant.defaultDomain]) {
    const res = await rawRequest(`${emulator.origin}/${segment}/v2.0/.well-known/openid-configuration`, {
      ca: emulator.caCertPem,
    });
    const doc = JSON.parse(res.body.toString());
    assert.equal(doc.issuer, `${emulator.origin}/${fixture.tenant.id}/v2.0`);
    assert.equal(doc.token_endpoint, `${emulator.origin}/${fixture.tenant.id}/oauth2/v2.0/token`);
    const keys = await rawRequest(doc.jwks_uri, { ca: emulator.caCertPem });
    assert.equal(JSON.parse(keys.body.toString()).keys[0].kty, 'RSA');
  }
  const unknown = await rawRequest(`${emulator.origin}/nope/v2.0/.well-known/openid-configuration`, {
    ca: emulator.caCertPem,
  });
  assert.equal(unknown.status, 400);
  assert.deepEqual(JSON.parse(unknown.body.toString()).error_codes, [90002]);
});
