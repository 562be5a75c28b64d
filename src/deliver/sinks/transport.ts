// What the sinks share: a small HTTP client (node:http/https, keep-alive, a private CA when configured), the
// classification of network and TLS failures, size-bounded batching, and URLs made safe to put in messages.
import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { InvalidInput } from '../../core/errors.ts';
import { DeliveryFailed, parseRetryAfter } from '../sink.ts';

/** What the sinks accept as their dependencies' logger: pino's, or anything with these methods. */
export type SinkLogger = Pick<Logger, 'debug' | 'info' | 'warn'>;

/** What every sink may be given besides its configuration. */
export interface SinkDeps {
  logger?: SinkLogger;
  /** Lanyard's version, for the formats that carry it (CEF, OCSF). */
  version?: string;
  /** Where `{ env: NAME }` secrets are read from; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The clock, in epoch ms (signatures, Retry-After dates); default Date.now. */
  now?: () => number;
  /** This machine's name as receivers should see it; default os.hostname(). */
  hostname?: string;
}

/** A sink's `tls` setting as configured: the CA as PEM text or as a file to read at creation. */
export interface TlsConfig {
  ca?: string;
  caFile?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** The TLS options a TlsConfig means, reading caFile (synchronously: sinks are created at start-up). */
export function tlsOptions(
  config: TlsConfig | undefined,
  readFile: (path: string, encoding: 'utf8') => string,
  where = 'sink',
): TlsOptions | undefined {
  if (!config) return undefined;
  let ca = config.ca;
  if (ca === undefined && config.caFile) {
    try {
      ca = readFile(config.caFile, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new InvalidInput(
        `${where}: tls.caFile ${config.caFile} could not be read (${String(code ?? error)})`,
        {
          fix: 'give the path of a PEM file Lanyard can read',
          field: 'tls.caFile',
        },
      );
    }
  }
  return {
    ...(ca ? { ca } : {}),
    rejectUnauthorized: config.rejectUnauthorized ?? true,
    ...(config.servername ? { servername: config.servername } : {}),
  };
}

export interface TlsOptions {
  /** PEM certificates to trust (instead of the system's store). */
  ca?: string;
  /** Verify the receiver's certificate and name; default true. */
  rejectUnauthorized?: boolean;
  /** The name to verify the certificate against, when not the host connected to. */
  servername?: string;
}

/**
 * A URL as it may appear in a message or log: its origin only. A query may hold a token and, for webhooks,
 * the path itself often is the secret (hooks.example.com/services/T0/B0/<secret>).
 */
export function safeUrl(url: URL | string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

// Errors of the TLS handshake that mean "this certificate is not trusted for this name": the configuration
// (or the receiver's certificate) must change, so trying again unchanged cannot help.
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

/** A failure to reach or talk to `what` (e.g. `syslog receiver tls://host:6514`) as a DeliveryFailed. */
export function networkFailure(error: unknown, what: string): DeliveryFailed {
  if (error instanceof DeliveryFailed) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const codeText = typeof code === 'string' ? code : 'error';
  if (typeof code === 'string' && TLS_CODES.has(code)) {
    return new DeliveryFailed(`${what} presented a certificate that is not trusted (${code})`, {
      retryable: false,
      code: 'LANYARD_TLS_UNTRUSTED',
      fix: 'give the sink tls.ca (the PEM of the CA that signed the receiver certificate) or fix the certificate',
      cause: error,
    });
  }
  const reason =
    codeText === 'ECONNREFUSED'
      ? 'refused the connection'
      : codeText === 'ETIMEDOUT'
        ? 'did not answer in time'
        : codeText === 'ENOTFOUND' || codeText === 'EAI_AGAIN'
          ? 'could not be resolved'
          : `failed (${codeText})`;
  return new DeliveryFailed(`${what} ${reason}`, {
    retryable: true,
    code: 'LANYARD_UNREACHABLE',
    cause: error,
  });
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as text, cut at 64 KiB: only read for error details. */
  body: string;
}

const MAX_RESPONSE_BODY = 64 * 1024;

export interface HttpClient {
  post(pathAndQuery: string, headers: Record<string, string>, body: Buffer): Promise<HttpResponse>;
  close(): void;
}

/** A keep-alive client for one origin. Network errors reject as DeliveryFailed (see networkFailure). */
export function createHttpClient(origin: URL, options: { tls?: TlsOptions; timeoutMs: number }): HttpClient {
  const secure = origin.protocol === 'https:';
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        maxSockets: 8,
        ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
        rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
        ...(options.tls?.servername ? { servername: options.tls.servername } : {}),
      })
    : new http.Agent({ keepAlive: true, maxSockets: 8 });
  const request = secure ? https.request : http.request;
  const hostname = origin.hostname.replace(/^\[|\]$/g, '');
  const port = origin.port || (secure ? 443 : 80);
  const what = `receiver ${safeUrl(origin)}`;

  function once(path: string, headers: Record<string, string>, body: Buffer): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          hostname,
          port,
          path,
          method: 'POST',
          agent,
          timeout: options.timeoutMs,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < MAX_RESPONSE_BODY) {
              chunks.push(chunk);
              size += chunk.length;
            }
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BODY).toString('utf8'),
            }),
          );
          res.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  }

  return {
    async post(path, headers, body) {
      try {
        return await once(path, headers, body);
      } catch (error) {
        // A kept-alive socket the receiver closed meanwhile: Node's documented case for one immediate retry.
        const e = error as { code?: string; reusedSocket?: boolean };
        if (e.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
          try {
            return await once(path, headers, body);
          } catch (again) {
            throw networkFailure(again, what);
          }
        }
        throw networkFailure(error, what);
      }
    },
    close() {
      agent.destroy();
    },
  };
}

/** Whether an HTTP status means the same request may succeed later. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Retry-After of a response, in ms, when it has one. */
export function retryAfterOf(response: HttpResponse, nowMs: number): number | undefined {
  const value = response.headers['retry-after'];
  return parseRetryAfter(Array.isArray(value) ? value[0] : value, nowMs);
}

/** A short, single-line excerpt of a receiver's answer, for a message: controls removed, at most 300 chars. */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/[\x00-\x1f\x7f-\x9f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * Groups serialized items into chunks whose joined size stays within maxBytes: `wrapperBytes` for what
 * surrounds a chunk (`[` `]`), `separatorBytes` between items, at most `maxCount` items. An item too big for
 * any chunk travels alone; the caller decides what to do with it.
 */
export function chunkBySize<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  limits: { maxBytes: number; separatorBytes: number; wrapperBytes: number; maxCount?: number },
): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = limits.wrapperBytes;
  const maxCount = limits.maxCount ?? Number.POSITIVE_INFINITY;
  for (const item of items) {
    const itemSize = sizeOf(item);
    const added = current.length === 0 ? itemSize : itemSize + limits.separatorBytes;
    if (current.length > 0 && (size + added > limits.maxBytes || current.length >= maxCount)) {
      chunks.push(current);
      current = [];
      size = limits.wrapperBytes;
      size += itemSize;
    } else {
      size += added;
    }
    current.push(item);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Serializes async work: one deliver() at a time on a connection or file. */
export function serialized(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** The same failure, saying which events of the batch were accepted before it. */
export function withDelivered(error: unknown, delivered: readonly string[]): unknown {
  if (!(error instanceof DeliveryFailed) || delivered.length === 0) return error;
  return new DeliveryFailed(error.message, {
    retryable: error.retryable,
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.fix !== undefined ? { fix: error.fix } : {}),
    code: error.code,
    delivered: [...error.delivered, ...delivered],
    cause: error.cause,
  });
}

/**
 * Sends chunks in order. A chunk the receiver finds too large (413) is halved and each half sent, down to a
 * single item, which then fails with `tooLarge(item)`. A failure says which events went through before it.
 */
export async function deliverChunks<T>(
  chunks: readonly T[][],
  idOf: (item: T) => string,
  send: (chunk: readonly T[]) => Promise<'sent' | 'too-large'>,
  tooLarge: (item: T) => DeliveryFailed,
): Promise<void> {
  const delivered: string[] = [];
  const queue = [...chunks];
  while (queue.length > 0) {
    const chunk = queue.shift()!;
    let outcome: 'sent' | 'too-large';
    try {
      outcome = await send(chunk);
    } catch (error) {
      throw withDelivered(error, delivered);
    }
    if (outcome === 'too-large') {
      if (chunk.length === 1) throw withDelivered(tooLarge(chunk[0]!), delivered);
      const half = Math.ceil(chunk.length / 2);
      queue.unshift(chunk.slice(0, half), chunk.slice(half));
      continue;
    }
    for (const item of chunk) delivered.push(idOf(item));
  }
}
