// Splunk HTTP Event Collector: POST {url}/services/collector/event, `Authorization: Splunk <token>`, the batch
// as newline-separated event envelopes (formats/splunk-hec.ts). 2xx is accepted; 408/429/5xx (503 "server is
// busy" included) may succeed later, after Retry-After when given; 400/401/403/404 will not, and say why with
// HEC's own `text` and `code`. Batches are split to stay under maxRequestBytes, and halved again on a 413.
// Without indexer acknowledgement a 200 means HEC received the events, not that they were indexed.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { LanyardEvent } from '../../core/events.ts';
import { toHecEnvelope } from '../formats/splunk-hec.ts';
import { resolveSecret, type SecretRef } from '../secrets.ts';
import { DeliveryFailed, type EventSink } from '../sink.ts';
import {
  chunkBySize,
  createHttpClient,
  deliverChunks,
  excerpt,
  type HttpResponse,
  retryAfterOf,
  retryableStatus,
  type SinkDeps,
  safeUrl,
  type TlsConfig,
  tlsOptions,
} from './transport.ts';

export interface SplunkHecSinkConfig {
  type: 'splunk-hec';
  name: string;
  /** The HEC base URL, e.g. https://splunk.example.com:8088 (a trailing /services/collector[/event] is fine). */
  url: string;
  token: SecretRef;
  /** A channel GUID, sent as X-Splunk-Request-Channel (required by HEC when indexer acknowledgement is on). */
  channel?: string;
  /** The index to write to; default: the token's default index. */
  index?: string;
  /** The envelope's host; default this machine's name. */
  host?: string;
  tls?: TlsConfig;
  /** Per request (idle socket) timeout; default 30 s. */
  timeoutMs?: number;
  /** Largest request body; default 1,000,000 bytes (Splunk Cloud's limit; Enterprise allows more). */
  maxRequestBytes?: number;
  /** Allow http:// to a host other than loopback (the token then crosses the network in clear). */
  allowHttp?: boolean;
}

export const HEC_DEFAULT_MAX_BYTES = 1_000_000;

export function hecEndpoint(url: string): URL {
  const base = new URL(url);
  base.pathname = base.pathname.replace(/\/+$/, '').replace(/\/services\/collector(\/event)?$/, '');
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/services/collector/event`;
  base.search = '';
  base.hash = '';
  return base;
}

function hecFailure(response: HttpResponse, where: string, nowMs: number): DeliveryFailed {
  let detail = '';
  try {
    const body = JSON.parse(response.body) as {
      text?: unknown;
      code?: unknown;
      'invalid-event-number'?: unknown;
    };
    const parts: string[] = [];
    if (body.code !== undefined) parts.push(`code ${String(body.code)}`);
    if (typeof body.text === 'string') parts.push(excerpt(body.text, 200));
    detail = parts.join(': ');
    if (typeof body['invalid-event-number'] === 'number') {
      detail += ` (event ${body['invalid-event-number']} of the request)`;
    }
  } catch {
    detail = excerpt(response.body, 200);
  }
  const status = `HTTP ${response.status}${detail ? `, ${detail}` : ''}`;
  if (retryableStatus(response.status)) {
    const retryAfterMs = retryAfterOf(response, nowMs);
    return new DeliveryFailed(`Splunk HEC at ${where} could not take the batch now (${status})`, {
      retryable: true,
      status: response.status,
      code:
        response.status === 429 || response.status === 503 ? 'LANYARD_THROTTLED' : 'LANYARD_UPSTREAM_FAILED',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const auth = response.status === 401 || response.status === 403;
  return new DeliveryFailed(`Splunk HEC at ${where} refused the batch (${status})`, {
    retryable: false,
    status: response.status,
    code: auth ? 'LANYARD_AUTH_FAILED' : 'LANYARD_UPSTREAM_FAILED',
    ...(auth
      ? { fix: 'check the sink token: it must be an enabled HEC token allowed to write to the index' }
      : {}),
  });
}

export function createSplunkHecSink(config: SplunkHecSinkConfig, deps: SinkDeps = {}): EventSink {
  const env = deps.env ?? process.env;
  const token = resolveSecret(config.token, env, `sink "${config.name}": token`);
  const endpoint = hecEndpoint(config.url);
  const where = safeUrl(endpoint);
  const client = createHttpClient(endpoint, {
    tls: tlsOptions(config.tls, readFileSync, `sink "${config.name}"`),
    timeoutMs: config.timeoutMs ?? 30_000,
  });
  const now = deps.now ?? Date.now;
  const options = {
    host: config.host ?? deps.hostname ?? os.hostname(),
    ...(config.index ? { index: config.index } : {}),
  };
  const maxBytes = config.maxRequestBytes ?? HEC_DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = {
    authorization: `Splunk ${token}`,
    'content-type': 'application/json',
    ...(config.channel ? { 'x-splunk-request-channel': config.channel } : {}),
  };
  const path = endpoint.pathname;

  return {
    name: config.name,
    async deliver(events: readonly LanyardEvent[]) {
      if (events.length === 0) return;
      const lines = events.map((event) => ({
        id: event.id,
        json: JSON.stringify(toHecEnvelope(event, options)),
      }));
      const chunks = chunkBySize(lines, (l) => Buffer.byteLength(l.json), {
        maxBytes,
        separatorBytes: 1,
        wrapperBytes: 0,
      });
      await deliverChunks(
        chunks,
        (l) => l.id,
        async (chunk) => {
          const body = Buffer.from(chunk.map((l) => l.json).join('\n'));
          const response = await client.post(path, headers, body);
          if (response.status >= 200 && response.status < 300) return 'sent';
          if (response.status === 413) return 'too-large';
          throw hecFailure(response, where, now());
        },
        (line) =>
          new DeliveryFailed(
            `Splunk HEC at ${where} refused event ${line.id} as too large (HTTP 413) even alone`,
            { retryable: false, status: 413, fix: 'raise max_content_length of the HEC input' },
          ),
      );
    },
    async close() {
      client.close();
    },
  };
}
