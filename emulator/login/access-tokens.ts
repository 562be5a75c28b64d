// Access tokens: issues Entra-shaped app-only JWTs (v1 claims, RS256, kid in the JWKS) and verifies the
// bearer tokens Graph/ARM requests carry, with a cache so the hot path is a map lookup and a clock compare.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { CallerIdentity, Clock } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import { type AuthFailureKind, authFailure } from './auth-failures.ts';
import { decodeJwt, numericClaim, signRs256, verifyRsaSignature } from './jwt.ts';
import { audienceAccepted, audienceFamily } from './resources.ts';

export interface IssueRequest {
  tenantId: string;
  appId: string;
  appDisplayName: string;
  servicePrincipalId: string;
  /** Audience claim: the resource as requested. */
  audience: string;
  roles: string[];
  /** "1" client secret, "2" certificate or federated assertion (Entra's appidacr). */
  authMethod: '1' | '2';
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  issuer?: string;
}

interface VerifiedToken {
  identity: CallerIdentity;
  audience: string;
  nbfMs: number;
  expMs: number;
  generation: number;
}

export interface AccessTokenService {
  jwks(): { keys: Jwk[] };
  issue(request: IssueRequest): IssuedToken;
  authenticate(request: EmulatorRequest): CallerIdentity | EmulatorResponse;
  /** Invalidates every token issued so far; presenting one gets a CAE claims challenge (401). */
  expireAll(): void;
}

const CACHE_LIMIT = 50_000;
/** Entra tolerates 5 minutes of skew on nbf; expiry is exact, so tests can expire tokens by moving the clock. */
const NBF_SKEW_MS = 5 * 60_000;

export function createAccessTokenService(options: {
  clock: Clock;
  lifetimeSeconds: number;
}): AccessTokenService {
  const { clock } = options;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const kid = createHash('sha1').update(publicJwk.n).digest('base64url');
  /** uti -> revocation generation the token was issued in; tokens of older generations are revoked. */
  const issued = new Map<string, number>();
  let generation = 0;
  let revokedAtSeconds = 0;
  const verified = new Map<string, VerifiedToken>();

  function issue(req: IssueRequest): IssuedToken {
    const now = Math.floor(clock.now() / 1000);
    const uti = randomBytes(16).toString('base64url').slice(0, 22);
    const stsIssuer = `https://sts.windows.net/${req.tenantId}/`;
    const claims: Record<string, unknown> = {
      aud: req.audience,
      iss: stsIssuer,
      iat: now,
      nbf: now,
      exp: now + options.lifetimeSeconds,
      aio: randomBytes(24).toString('base64'),
      app_displayname: req.appDisplayName,
      appid: req.appId,
      appidacr: req.authMethod,
      azp: req.appId,
      azpacr: req.authMethod,
      idp: stsIssuer,
      idtyp: 'app',
      oid: req.servicePrincipalId,
      rh: `0.${randomBytes(18).toString('base64url')}.`,
      ...(req.roles.length > 0 ? { roles: [...req.roles] } : {}),
      sub: req.servicePrincipalId,
      tid: req.tenantId,
      uti,
      ver: '1.0',
      xms_tcdt: now - 86_400 * 365,
    };
    issued.set(uti, generation);
    const accessToken = signRs256({ typ: 'JWT', x5t: kid, kid }, claims, privateKey);
    return { accessToken, expiresIn: options.lifetimeSeconds };
  }

  function verifyUncached(token: string): VerifiedToken | AuthFailureKind {
    const jwt = decodeJwt(token);
    if (!jwt) return 'malformed';
    if (jwt.header.kid !== kid || !verifyRsaSignature(jwt, publicKey as KeyObject)) return 'signature';
    const { payload } = jwt;
    const uti = payload.uti;
    const nbf = numericClaim(payload, 'nbf');
    const exp = numericClaim(payload, 'exp');
    const tokenGeneration = typeof uti === 'string' ? issued.get(uti) : undefined;
    if (nbf === undefined || exp === undefined || tokenGeneration === undefined) return 'signature';
    return {
      identity: {
        tenantId: String(payload.tid),
        appId: String(payload.appid),
        roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
      },
      audience: String(payload.aud),
      nbfMs: nbf * 1000,
      expMs: exp * 1000,
      generation: tokenGeneration,
    };
  }

  function authenticate(request: EmulatorRequest): CallerIdentity | EmulatorResponse {
    const family = audienceFamily(request.url.pathname);
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.*)$/i.exec(header.trim());
    const token = match?.[1]?.trim() ?? '';
    const fail = (kind: AuthFailureKind, extra?: { expMs?: number; audience?: string }) =>
      authFailure(kind, { request, family, now: clock.now(), revokedAtSeconds, ...extra });
    if (!match && header.trim() !== '') return fail('malformed');
    if (token === '') return fail('empty');
    let entry = verified.get(token);
    if (!entry) {
      const result = verifyUncached(token);
      if (typeof result === 'string') return fail(result);
      if (verified.size >= CACHE_LIMIT) verified.clear();
      verified.set(token, result);
      entry = result;
    }
    const now = clock.now();
    if (entry.generation < generation) return fail('revoked');
    if (now >= entry.expMs) return fail('expired', { expMs: entry.expMs });
    if (now + NBF_SKEW_MS < entry.nbfMs) return fail('notYetValid');
    if (!audienceAccepted(family, entry.audience, request.url.origin)) {
      return fail('audience', { audience: entry.audience });
    }
    return entry.identity;
  }

  return {
    jwks: () => ({ keys: [{ kty: 'RSA', use: 'sig', kid, x5t: kid, n: publicJwk.n, e: publicJwk.e }] }),
    issue,
    authenticate,
    expireAll() {
      generation += 1;
      revokedAtSeconds = Math.floor(clock.now() / 1000);
    },
  };
}
