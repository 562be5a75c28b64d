// Checks the credential a client_credentials request presents against the application's real credentials:
// a client secret (by SHA-256), a certificate-signed assertion, or a federated assertion from a trusted issuer.
import { createHash } from 'node:crypto';
import type { SignInRecord } from '../context.ts';
import type { EmulatedApplication, TenantState } from '../tenant/model.ts';
import { type AadstsError, aadsts } from './aadsts.ts';
import { matchFederatedCredential } from './federated-match.ts';
import type { FederationVerifier } from './federation.ts';
import { type DecodedJwt, numericClaim, verifyRsaSignature } from './jwt.ts';

export type CredentialType = NonNullable<SignInRecord['credentialType']>;

export type CredentialCheck =
  | { ok: true; keyId: string; type: CredentialType }
  | { ok: false; error: AadstsError; keyId: string | null; type: CredentialType | null };

export interface CredentialContext {
  /** The application object (in its home tenant) and that tenant, where credentials and material live. */
  app: EmulatedApplication;
  home: TenantState;
  appId: string;
  now: number;
  /** Token endpoint URLs this request could name as a certificate assertion's audience. */
  tokenEndpoints: string[];
}

/** Entra allows a few minutes of clock skew on assertions. */
const SKEW_SECONDS = 300;

const fail = (
  error: AadstsError,
  type: CredentialType | null,
  keyId: string | null = null,
): CredentialCheck => ({
  ok: false,
  error,
  keyId,
  type,
});

function isPast(iso: string | null | undefined, now: number): boolean {
  return iso != null && Date.parse(iso) <= now;
}

function isFuture(iso: string | null | undefined, now: number): boolean {
  return iso != null && Date.parse(iso) > now;
}

export function checkSecret(secret: string, c: CredentialContext): CredentialCheck {
  const sha256 = createHash('sha256').update(secret, 'utf8').digest('hex');
  const material = c.home.secrets.find((m) => m.appId === c.appId && m.sha256 === sha256);
  const credential = material && c.app.object.passwordCredentials?.find((p) => p.keyId === material.keyId);
  if (!material || !credential) return fail(aadsts.invalidSecret(c.appId), 'clientSecret');
  if (isPast(credential.endDateTime, c.now))
    return fail(aadsts.expiredSecret(c.appId), 'clientSecret', material.keyId);
  if (isFuture(credential.startDateTime, c.now)) {
    return fail(aadsts.invalidSecret(c.appId), 'clientSecret', material.keyId);
  }
  return { ok: true, keyId: material.keyId, type: 'clientSecret' };
}

/** `2024-10-02T22:05:03.0000000Z`, the 7-digit form Entra prints in AADSTS700024. */
function entraTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}0000Z`;
}

/** `MM/dd/yyyy HH:mm:ss` as in "Found key 'Start=…, End=…'". */
function keyDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * exp/nbf against the emulated clock. Clients sign assertions with their own (wall) clock, which the emulator
 * cannot move, so a window valid by the wall clock is accepted too: otherwise starting the emulator at a
 * past or future date, or advancing it, would break every certificate and federated sign-in.
 */
export function checkTimeWindow(payload: Record<string, unknown>, now: number): AadstsError | undefined {
  const exp = numericClaim(payload, 'exp');
  const nbf = numericClaim(payload, 'nbf') ?? 0;
  const within = (t: number) =>
    exp !== undefined && t / 1000 < exp + SKEW_SECONDS && t / 1000 >= nbf - SKEW_SECONDS;
  if (within(now) || within(Date.now())) return undefined;
  return aadsts.assertionTimeRange(entraTime(now), entraTime(nbf * 1000), entraTime((exp ?? 0) * 1000));
}

function hexThumbprint(b64url: string): string {
  return Buffer.from(b64url, 'base64url').toString('hex').toUpperCase();
}

export function checkCertificateAssertion(jwt: DecodedJwt, c: CredentialContext): CredentialCheck {
  const { header, payload } = jwt;
  const type = 'certificate';
  if (payload.sub !== payload.iss) return fail(aadsts.assertionSubject(), type);
  if (header.alg !== 'RS256' && header.alg !== 'PS256') return fail(aadsts.unsupportedAlgorithm(), type);
  const s256 = typeof header['x5t#S256'] === 'string' ? header['x5t#S256'] : undefined;
  const sha1 = typeof header.x5t === 'string' ? header.x5t : undefined;
  if (!s256 && !sha1) return fail(aadsts.noThumbprint(), type);
  const thumbprint = hexThumbprint((s256 ?? sha1) as string);
  const material = c.home.certificates.find(
    (m) => m.appId === c.appId && (s256 ? m.x5tS256 === s256 : m.x5t === sha1),
  );
  const credential = material && c.app.object.keyCredentials?.find((k) => k.keyId === material.keyId);
  if (!material || !credential) return fail(aadsts.unknownCertificate(thumbprint, c.appId), type);
  const found = `Start=${keyDate(credential.startDateTime)}, End=${keyDate(credential.endDateTime)}`;
  if (isPast(credential.endDateTime, c.now)) {
    return fail(
      aadsts.badCertificateSignature('The key used is expired.', thumbprint, found),
      type,
      material.keyId,
    );
  }
  if (!verifyRsaSignature(jwt, material.publicKeyPem)) {
    const reason = 'The provided signature value did not match the expected signature value.';
    return fail(aadsts.badCertificateSignature(reason, thumbprint, found), type, material.keyId);
  }
  const aud = typeof payload.aud === 'string' ? payload.aud.toLowerCase() : undefined;
  if (!aud || !c.tokenEndpoints.includes(aud)) return fail(aadsts.assertionAudience(), type, material.keyId);
  const timeError = checkTimeWindow(payload, c.now);
  if (timeError) return fail(timeError, type, material.keyId);
  return { ok: true, keyId: material.keyId, type };
}

export async function checkFederatedAssertion(
  assertion: string,
  jwt: DecodedJwt,
  c: CredentialContext,
  federation: FederationVerifier,
): Promise<CredentialCheck> {
  const type = 'federatedCredential';
  const { payload } = jwt;
  const iss = typeof payload.iss === 'string' ? payload.iss : '';
  const sub = typeof payload.sub === 'string' ? payload.sub : '';
  const auds = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
    (a): a is string => typeof a === 'string',
  );
  // The credential is found before the issuer's keys are fetched: only a trusted issuer's keys are worth
  // fetching, so a token whose issuer, audience or subject matches no credential never reaches the network.
  const match = matchFederatedCredential(c.app.federatedIdentityCredentials, {
    issuer: iss,
    subject: sub,
    audiences: auds,
  });
  if (!match.ok) return fail(match.error, type);
  const fic = match.credential;
  if (!fic.id) return fail(aadsts.noFederatedSubject(sub), type);
  try {
    await federation.verify(assertion, iss);
  } catch (error) {
    return fail(aadsts.federatedSignature((error as Error).message), type, fic.id);
  }
  const timeError = checkTimeWindow(payload, c.now);
  if (timeError) return fail(timeError, type, fic.id);
  return { ok: true, keyId: fic.id, type };
}
