// Test plumbing: a raw https client that reports resets and partial bodies, a test OIDC issuer served over
// https with a certificate from the emulator's CA, and a Graph-like handler that needs a valid token.
import { createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { EmulatorContext } from '../context.ts';
import { type Handler, json } from '../http.ts';
import { type EmulatorRuntime, startRuntime } from '../runtime.ts';
import { type CertificateAuthority, createClientCertificate, issueServerCertificate } from '../tls.ts';
import { buildTestTenant, type TestTenant } from './fixtures.ts';

export interface RawResponse {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Set when the connection failed or died before the body was complete (e.g. ECONNRESET). */
  error?: string;
  /** Whether the body arrived in full, per the HTTP framing. */
  complete: boolean;
  /** How many pieces the body arrived in (a slow drip arrives in many). */
  chunks: number;
}

export function rawRequest(
  url: string,
  options: { ca: string; method?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        const done = (error?: string) =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks),
            error,
            complete: res.complete,
            chunks: chunks.length,
          });
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done());
        res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
        res.on('aborted', () => done('aborted'));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ headers: {}, body: Buffer.alloc(0), error: e.code ?? e.message, complete: false, chunks: 0 }),
    );
    req.end(options.body);
  });
}

/** `/v1.0/ping` and `/v1.0/things` answer with a small collection once the bearer token checks out. */
export function testGraphHandler(ctx: EmulatorContext): Handler {
  return async (request) => {
    if (!/^\/v1\.0\/(ping|things)$/.test(request.url.pathname)) return undefined;
    const caller = ctx.authenticate(request);
    if (!('appId' in caller)) return caller;
    const value = Array.from({ length: 40 }, (_, i) => ({
      id: `thing-${i}`,
      displayName: `Thing number ${i}`,
    }));
    ctx.requests.push({
      time: ctx.clock.now(),
      method: request.method,
      path: request.url.pathname,
      status: 200,
      appId: caller.appId,
      tenantId: caller.tenantId,
      resourceUnits: 1,
      throttled: false,
      objects: value.length,
      bytes: 0,
    });
    return json(200, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#things',
      value,
      roles: caller.roles,
    });
  };
}

export interface TestIssuer {
  issuer: string;
  /** Signs an assertion as a Kubernetes/GitHub-style OIDC issuer would. */
  sign(claims: {
    sub: string;
    aud: string | string[];
    expSeconds?: number;
    nbfSeconds?: number;
  }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(ca: CertificateAuthority): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const cert = await issueServerCertificate(ca, ['127.0.0.1']);
  let issuer = '';
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${issuer}/openid/v1/jwks`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      );
    } else if (req.url === '/openid/v1/jwks') {
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async sign(claims) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
        .setIssuer(issuer)
        .setSubject(claims.sub)
        .setAudience(claims.aud)
        .setIssuedAt(now)
        .setNotBefore(claims.nbfSeconds ?? now)
        .setExpirationTime(claims.expSeconds ?? now + 3600)
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A client-credentials token by raw POST (no SDK), for tests that only need a bearer. */
export async function secretToken(
  origin: string,
  ca: string,
  client: { tenantId: string; appId: string; secret: string },
  scope = 'https://graph.microsoft.com/.default',
): Promise<string> {
  const res = await rawRequest(`${origin}/${client.tenantId}/oauth2/v2.0/token`, {
    ca,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.appId,
      client_secret: client.secret,
      scope,
    }).toString(),
  });
  const body = JSON.parse(res.body.toString()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${res.body.toString()}`);
  return body.access_token;
}

/** The hand-built test tenant served with the trivial Graph handler: the set-up of the server-level tests. */
export async function startFixtureRuntime(options: { faultSeed?: number } = {}): Promise<{
  emulator: EmulatorRuntime<unknown, unknown, unknown>;
  fixture: TestTenant;
}> {
  const fixture = buildTestTenant({
    now: Date.now(),
    certificate: await createClientCertificate('reader'),
    ficIssuer: 'https://issuer.invalid',
  });
  const emulator = await startRuntime({
    tenants: [fixture.tenant],
    api: (ctx) => [testGraphHandler(ctx)],
    ...options,
  });
  return { emulator, fixture };
}
