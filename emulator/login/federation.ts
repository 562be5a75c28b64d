// Verifies assertions from external OIDC issuers (workload identity federation): discovers the issuer's
// JWKS over https, trusting the emulator's CA plus the system bundle, caches it per issuer, and checks the
// signature with jose. A kid missing from the cached set triggers one refresh, as key rotation requires.
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';

export interface FederationVerifier {
  /** Resolves when the signature is valid; rejects with a reason otherwise. */
  verify(assertion: string, issuer: string): Promise<void>;
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const FETCH_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 1_000_000;

function getJson(url: string, ca: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:') {
      reject(new Error(`issuer endpoint ${url} is not https`));
      return;
    }
    const req = https.get(
      parsed,
      { ca, timeout: FETCH_TIMEOUT_MS, headers: { accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES)
            req.destroy(new Error(`${url} answered more than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`${url} answered HTTP ${res.statusCode}`));
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error(`${url} did not answer JSON`));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
  });
}

async function fetchJwks(issuer: string, ca: string[]): Promise<JSONWebKeySet> {
  const configUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const config = (await getJson(configUrl, ca)) as { jwks_uri?: unknown };
  if (typeof config.jwks_uri !== 'string') throw new Error(`${configUrl} has no jwks_uri`);
  const jwks = (await getJson(config.jwks_uri, ca)) as JSONWebKeySet;
  if (!Array.isArray(jwks?.keys)) throw new Error(`${config.jwks_uri} is not a JWK set`);
  return jwks;
}

/** `trustedPem`: extra CA certificates (PEM bundle) trusted besides Node's built-in roots. */
export function createFederationVerifier(trustedPem: string): FederationVerifier {
  const ca = [...rootCertificates, trustedPem];
  const cache = new Map<string, Promise<JSONWebKeySet>>();

  function keys(issuer: string, refresh: boolean): Promise<JSONWebKeySet> {
    let entry = cache.get(issuer);
    if (!entry || refresh) {
      entry = fetchJwks(issuer, ca);
      // A failed discovery is not cached: the next sign-in tries again.
      entry.catch(() => cache.delete(issuer));
      cache.set(issuer, entry);
    }
    return entry;
  }

  async function check(assertion: string, issuer: string, refresh: boolean): Promise<void> {
    const set = createLocalJWKSet(await keys(issuer, refresh));
    // Signature only: the caller checks iss/sub/aud and the time claims (against the emulated clock).
    await compactVerify(assertion, set, { algorithms: ALGORITHMS });
  }

  return {
    async verify(assertion, issuer) {
      try {
        await check(assertion, issuer, false);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
        await check(assertion, issuer, true);
      }
    },
  };
}
