// Minimal compact-JWT helpers on node:crypto: synchronous, so verifying a bearer token on Graph's hot path
// costs one RSA verify and no promise hops.
import { constants, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Parses without verifying; undefined when the string is not a compact JWS with JSON header and payload. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as unknown;
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject) {
  const input = `${b64json({ ...header, alg: 'RS256' })}.${b64json(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** Verifies RS256 or PS256 (the two algorithms Entra accepts for certificate assertions). */
export function verifyRsaSignature(jwt: DecodedJwt, key: KeyObject | string): boolean {
  const publicKey = typeof key === 'string' ? createPublicKey(key) : key;
  const data = Buffer.from(jwt.signingInput);
  if (jwt.header.alg === 'RS256') return verify('sha256', data, publicKey, jwt.signature);
  if (jwt.header.alg === 'PS256') {
    return verify(
      'sha256',
      data,
      {
        key: publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_AUTO,
      },
      jwt.signature,
    );
  }
  return false;
}

/** Numeric claim (seconds) or undefined. */
export function numericClaim(payload: Record<string, unknown>, name: string): number | undefined {
  const value = payload[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
