// A generic signed webhook: POST {"events":[...]} as JSON with
//   X-Lanyard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the shared secret>
//   X-Lanyard-Event-Ids: <id>,<id>,...
// the scheme Stripe uses: the receiver recomputes the HMAC over the raw body it got, and rejects a timestamp
// outside its tolerance, so a captured request cannot be replayed later. verifyWebhookSignature is that check.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LanyardEvent } from '../../core/events.ts';
import { resolveSecret, type SecretRef } from '../secrets.ts';
import { DeliveryFailed, type EventSink } from '../sink.ts';
import {
  chunkBySize,
  createHttpClient,
  deliverChunks,
  excerpt,
  retryAfterOf,
  retryableStatus,
  type SinkDeps,
  safeUrl,
  type TlsConfig,
  tlsOptions,
} from './transport.ts';

export const SIGNATURE_HEADER = 'x-lanyard-signature';
export const EVENT_IDS_HEADER = 'x-lanyard-event-ids';
/** How far a signature's timestamp may be from the receiver's clock, by default: five minutes. */
export const DEFAULT_TOLERANCE_SEC = 300;
/** A shorter HMAC key is guessable offline from one signed request. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

export interface WebhookSinkConfig {
  type: 'webhook';
  name: string;
  url: string;
  /** The HMAC key shared with the receiver. */
  secret: SecretRef;
  /** Events per request, at most; default 100 (the ids header grows with it). */
  maxEventsPerRequest?: number;
  /** Largest request body; default 1,000,000 bytes. */
  maxRequestBytes?: number;
  timeoutMs?: number;
  tls?: TlsConfig;
  /** Allow http:// to a host other than loopback. */
  allowHttp?: boolean;
}

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return mac.digest('hex');
}

/** The X-Lanyard-Signature value for `body` sent at `unixSeconds`. */
export function signWebhookBody(secret: string, body: string | Uint8Array, unixSeconds: number): string {
  const t = Math.floor(unixSeconds);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/**
 * For receivers: true when `header` (X-Lanyard-Signature) signs exactly `body` (the raw bytes received, before
 * any JSON parsing) with `secret`, at a time within `toleranceSec` of `now` (a Date, or epoch milliseconds as
 * Date.now() gives). Several v1 values are allowed (a sender rotating secrets); one matching is enough.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  now: Date | number,
  toleranceSec: number = DEFAULT_TOLERANCE_SEC,
): boolean {
  if (!header || !secret) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  const nowSec = (now instanceof Date ? now.getTime() : now) / 1000;
  if (!Number.isFinite(nowSec) || Math.abs(nowSec - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  let ok = false;
  // Every candidate compared in constant time, none skipped on an early match.
  for (const candidate of signatures) ok = timingSafeEqual(expected, Buffer.from(candidate, 'hex')) || ok;
  return ok;
}

export function createWebhookSink(config: WebhookSinkConfig, deps: SinkDeps = {}): EventSink {
  const secret = resolveSecret(
    config.secret,
    deps.env ?? process.env,
    `sink "${config.name}": secret`,
    MIN_WEBHOOK_SECRET_LENGTH,
  );
  const url = new URL(config.url);
  const where = safeUrl(url);
  const client = createHttpClient(url, {
    tls: tlsOptions(config.tls, readFileSync, `sink "${config.name}"`),
    timeoutMs: config.timeoutMs ?? 30_000,
  });
  const now = deps.now ?? Date.now;
  const path = `${url.pathname}${url.search}`;
  const maxBytes = config.maxRequestBytes ?? 1_000_000;
  const maxCount = config.maxEventsPerRequest ?? 100;
  const userAgent = `Lanyard/${deps.version ?? 'dev'}`;

  return {
    name: config.name,
    async deliver(events: readonly LanyardEvent[]) {
      if (events.length === 0) return;
      const items = events.map((event) => {
        const json = JSON.stringify(event);
        return { id: event.id, json, bytes: Buffer.byteLength(json) };
      });
      const chunks = chunkBySize(items, (i) => i.bytes, {
        maxBytes,
        separatorBytes: 1,
        wrapperBytes: '{"events":[]}'.length,
        maxCount,
      });
      await deliverChunks(
        chunks,
        (i) => i.id,
        async (chunk) => {
          const body = Buffer.from(`{"events":[${chunk.map((i) => i.json).join(',')}]}`);
          const headers = {
            'content-type': 'application/json',
            'user-agent': userAgent,
            [SIGNATURE_HEADER]: signWebhookBody(secret, body, now() / 1000),
            [EVENT_IDS_HEADER]: chunk.map((i) => i.id).join(','),
          };
          const response = await client.post(path, headers, body);
          if (response.status >= 200 && response.status < 300) return 'sent';
          if (response.status === 413) return 'too-large';
          const detail = excerpt(response.body, 200);
          const status = `HTTP ${response.status}${detail ? `: ${detail}` : ''}`;
          if (retryableStatus(response.status)) {
            const retryAfterMs = retryAfterOf(response, now());
            throw new DeliveryFailed(`webhook ${where} could not take the batch now (${status})`, {
              retryable: true,
              status: response.status,
              code: response.status === 429 ? 'LANYARD_THROTTLED' : 'LANYARD_UPSTREAM_FAILED',
              ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
            });
          }
          throw new DeliveryFailed(`webhook ${where} refused the batch (${status})`, {
            retryable: false,
            status: response.status,
            ...(response.status === 401 || response.status === 403
              ? {
                  code: 'LANYARD_AUTH_FAILED' as const,
                  fix: "check that the receiver verifies with the sink's secret and that both clocks are right",
                }
              : {}),
          });
        },
        (item) =>
          new DeliveryFailed(`webhook ${where} refused event ${item.id} as too large (HTTP 413) even alone`, {
            retryable: false,
            status: 413,
          }),
      );
    },
    async close() {
      client.close();
    },
  };
}
