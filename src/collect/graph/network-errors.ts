// Sorts the errors of a failed connection: the host is unreachable, its certificate is not trusted, or the
// failure is transient (reset, timeout, cut-off body) and worth retrying.
import { TlsUntrusted, Unreachable } from '../../core/errors.ts';

export type NetworkFailure = 'unreachable' | 'tls-untrusted' | 'tls-name' | 'transient';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const TLS_UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_SIGNATURE_FAILURE',
]);
const TRANSIENT = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Every error in a cause chain (undici and @azure/identity wrap the socket error one or more times). */
export function errorChain(error: unknown): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = [];
  const visit = (e: unknown) => {
    if (!e || typeof e !== 'object' || seen.includes(e as Record<string, unknown>) || seen.length > 20)
      return;
    const record = e as Record<string, unknown>;
    seen.push(record);
    visit(record.cause);
    if (Array.isArray(record.errors)) for (const inner of record.errors) visit(inner);
    visit(record.originalError);
  };
  visit(error);
  return seen;
}

const ALL_CODES = [...UNREACHABLE, ...TLS_UNTRUSTED, ...TRANSIENT, 'ERR_TLS_CERT_ALTNAME_INVALID'];

/** Which kind of network failure this is, or null when it is not one. */
export function classifyNetworkError(error: unknown): NetworkFailure | null {
  const codes: string[] = [];
  for (const e of errorChain(error)) {
    if (typeof e.code === 'string') codes.push(e.code);
    // Some wrappers (MSAL's network errors) keep only the message of the socket error.
    if (typeof e.message === 'string')
      codes.push(...ALL_CODES.filter((c) => (e.message as string).includes(c)));
  }
  if (codes.some((c) => TLS_UNTRUSTED.has(c))) return 'tls-untrusted';
  if (codes.includes('ERR_TLS_CERT_ALTNAME_INVALID')) return 'tls-name';
  if (codes.some((c) => UNREACHABLE.has(c))) return 'unreachable';
  if (codes.some((c) => TRANSIENT.has(c))) return 'transient';
  return null;
}

/** The named error for a network failure that retrying cannot fix, or null for a transient one. */
export function normaliseNetworkError(
  error: unknown,
  target: { url: string; caFile?: string | undefined },
): Unreachable | TlsUntrusted | null {
  const host = safeOrigin(target.url);
  switch (classifyNetworkError(error)) {
    case 'unreachable':
      return new Unreachable(`cannot connect to ${host}`, {
        fix: 'check the URL, DNS, firewall and proxy settings of this host',
        cause: error,
      });
    case 'tls-untrusted':
      return new TlsUntrusted(`the TLS certificate of ${host} is not trusted`, {
        fix: target.caFile
          ? `check that ${target.caFile} holds the CA that issued this host's certificate`
          : 'give the CA bundle that signs this host (a TLS-inspecting proxy or custom cloud) with --ca-file',
        cause: error,
      });
    case 'tls-name':
      return new TlsUntrusted(`the TLS certificate of ${host} does not name that host`, {
        fix: 'connect with the host name the certificate was issued for',
        cause: error,
      });
    default:
      return null;
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the server';
  }
}
