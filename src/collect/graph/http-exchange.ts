// One HTTP exchange with Graph over a keep-alive undici Agent: sends, reads the whole body, and turns socket
// and TLS failures into named errors (fatal) or RetryableFailure (transient). Knows nothing of retries.
import { createSecureContext } from 'node:tls';
import { Agent, type Dispatcher, request } from 'undici';
import { UpstreamFailed } from '../../core/errors.ts';
import { trustedCas } from '../ca-bundle.ts';
import { normaliseNetworkError } from './network-errors.ts';
import { RetryableFailure } from './retry.ts';

export interface Exchange {
  status: number;
  /** Lower-cased names, first value of repeated headers. */
  headers: Record<string, string | undefined>;
  text: string;
  bytes: number;
}

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  /** For the fix of an untrusted certificate. */
  caFile?: string | undefined;
}

/** Keep-alive connections, about one per request in flight; pipelining gains nothing against Graph. */
export function createGraphAgent(maxInFlight: number, caPem?: string): Agent {
  return new Agent({
    connections: maxInFlight,
    keepAliveTimeout: 30_000,
    // One secure context for every connection: parsing Node's ~400 default CAs plus ours per connection
    // costs ~30 ms of CPU each, which delayed a scan's first pages by half a second.
    ...(caPem ? { connect: { secureContext: createSecureContext({ ca: trustedCas(caPem) }) } } : {}),
  });
}

export async function exchange(dispatcher: Dispatcher, req: ExchangeRequest): Promise<Exchange> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  try {
    const response = await request(req.url, {
      dispatcher,
      method: req.method as Dispatcher.HttpMethod,
      headers: req.headers,
      body: req.body,
      signal,
    });
    const text = await response.body.text();
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value[0] : value;
    }
    return { status: response.statusCode, headers, text, bytes: Buffer.byteLength(text) };
  } catch (error) {
    if (req.signal?.aborted) throw req.signal.reason;
    const path = safePath(req.url);
    if (timeout.aborted) {
      throw new RetryableFailure(
        'transient',
        new UpstreamFailed(`Graph did not answer ${req.method} ${path} within ${req.timeoutMs} ms`, {
          cause: error,
        }),
      );
    }
    const fatal = normaliseNetworkError(error, { url: req.url, caFile: req.caFile });
    if (fatal) throw fatal;
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new RetryableFailure(
      'transient',
      new UpstreamFailed(`the connection to Graph failed during ${req.method} ${path} (${reason})`, {
        fix: 'retry later; check proxies or firewalls between Lanyard and Graph if it persists',
        cause: error,
      }),
    );
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
