// Azure Monitor Logs Ingestion API: POST {endpoint}/dataCollectionRules/{dcrImmutableId}/streams/{streamName}
// ?api-version=2023-01-01 with a JSON array of records (formats/azure-monitor.ts), optionally gzipped, and a
// bearer token for https://monitor.azure.com//.default from the injected TokenCredential. One call may carry
// at most 1 MB, compressed or not (Azure Monitor service limits, "Logs Ingestion API"), so a batch is split
// by its uncompressed size and halved again on a 413. 429 and 5xx may succeed later (after Retry-After).
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { AccessToken, TokenCredential } from '@azure/identity';
import type { LanyardEvent } from '../../core/events.ts';
import { type AzureMonitorRecord, toAzureMonitorRecord } from '../formats/azure-monitor.ts';
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

const gzip = promisify(gzipCallback);

export const AZURE_MONITOR_API_VERSION = '2023-01-01';
export const AZURE_MONITOR_SCOPE = 'https://monitor.azure.com//.default';
/** The documented ceiling is "1 MB"; 10^6 bytes is under it whichever megabyte is meant. */
export const AZURE_MONITOR_MAX_BYTES = 1_000_000;

export interface AzureMonitorSinkConfig {
  type: 'azure-monitor';
  name: string;
  /** The data collection endpoint, or the DCR's own logs ingestion endpoint (https://...ingest.monitor.azure.com). */
  endpoint: string;
  /** The DCR's immutable id, `dcr-` and 32 hex digits. */
  dcrImmutableId: string;
  /** The DCR's input stream, e.g. Custom-LanyardEvents. */
  streamName: string;
  /** Gzip request bodies; default true. */
  gzip?: boolean;
  /** Largest uncompressed request body; default 1,000,000 bytes. */
  maxRequestBytes?: number;
  /** The token scope; default https://monitor.azure.com//.default (national clouds have their own). */
  scope?: string;
  timeoutMs?: number;
  tls?: TlsConfig;
}

export interface AzureMonitorSinkDeps extends SinkDeps {
  /** The identity Lanyard sends as (it needs Monitoring Metrics Publisher on the DCR). */
  credential?: TokenCredential;
}

// Access tokens are JWTs: anything shaped like one is cut out of messages that echo an identity library's error.
function redactTokens(text: string): string {
  return text.replace(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g, '[token]');
}

interface Row {
  id: string;
  json: string;
  bytes: number;
}

/** A record as JSON, its Data replaced by a marker when the record alone would exceed the request limit. */
function rowOf(record: AzureMonitorRecord, maxBytes: number): Row {
  let json = JSON.stringify(record);
  let bytes = Buffer.byteLength(json);
  if (bytes + 2 > maxBytes) {
    const shrunk = {
      ...record,
      Summary: record.Summary.slice(0, 8192),
      Data: { lanyardTruncated: true, originalBytes: bytes },
    };
    json = JSON.stringify(shrunk);
    bytes = Buffer.byteLength(json);
  }
  return { id: record.EventId, json, bytes };
}

function azureError(response: HttpResponse): string {
  try {
    const body = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : undefined;
    const message = typeof body.error?.message === 'string' ? excerpt(body.error.message, 240) : undefined;
    return [code, message].filter(Boolean).join(': ');
  } catch {
    return excerpt(response.body, 240);
  }
}

export function createAzureMonitorSink(
  config: AzureMonitorSinkConfig,
  deps: AzureMonitorSinkDeps = {},
): EventSink {
  const credential = deps.credential;
  if (!credential) throw new TypeError(`sink "${config.name}": azure-monitor needs a credential`);
  const base = new URL(config.endpoint);
  const where = safeUrl(base);
  const basePath = base.pathname.replace(/\/+$/, '');
  const path =
    `${basePath}/dataCollectionRules/${encodeURIComponent(config.dcrImmutableId)}` +
    `/streams/${encodeURIComponent(config.streamName)}?api-version=${AZURE_MONITOR_API_VERSION}`;
  const client = createHttpClient(base, {
    tls: tlsOptions(config.tls, readFileSync, `sink "${config.name}"`),
    timeoutMs: config.timeoutMs ?? 30_000,
  });
  const now = deps.now ?? Date.now;
  const scope = config.scope ?? AZURE_MONITOR_SCOPE;
  const maxBytes = config.maxRequestBytes ?? AZURE_MONITOR_MAX_BYTES;
  const compress = config.gzip ?? true;
  let cached: AccessToken | undefined;

  async function token(): Promise<string> {
    // Refreshed two minutes before it expires, so no request leaves with a token about to lapse.
    if (cached && cached.expiresOnTimestamp - now() > 120_000) return cached.token;
    let fresh: AccessToken | null;
    try {
      fresh = await credential!.getToken(scope);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? excerpt(redactTokens(error.message), 240) : '';
      throw new DeliveryFailed(
        `could not get a token for Azure Monitor (${name}${message ? `: ${message}` : ''})`,
        {
          retryable: name !== 'CredentialUnavailableError',
          code: 'LANYARD_AUTH_FAILED',
          cause: error,
        },
      );
    }
    if (!fresh) {
      throw new DeliveryFailed('could not get a token for Azure Monitor (the credential returned none)', {
        retryable: true,
        code: 'LANYARD_AUTH_FAILED',
      });
    }
    cached = fresh;
    return fresh.token;
  }

  async function post(body: Buffer): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await token()}`,
      'content-type': 'application/json',
      ...(compress ? { 'content-encoding': 'gzip' } : {}),
    };
    return client.post(path, headers, body);
  }

  function failure(response: HttpResponse): DeliveryFailed {
    const detail = azureError(response);
    const status = `HTTP ${response.status}${detail ? `, ${detail}` : ''}`;
    if (retryableStatus(response.status)) {
      const retryAfterMs = retryAfterOf(response, now());
      return new DeliveryFailed(`Azure Monitor at ${where} could not take the batch now (${status})`, {
        retryable: true,
        status: response.status,
        code: response.status === 429 ? 'LANYARD_THROTTLED' : 'LANYARD_UPSTREAM_FAILED',
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    const fix =
      response.status === 403
        ? "grant Lanyard's identity the Monitoring Metrics Publisher role on the data collection rule"
        : response.status === 404
          ? 'check endpoint, dcrImmutableId and streamName against the data collection rule'
          : response.status === 401
            ? 'check the credential and the token scope of the sink'
            : undefined;
    return new DeliveryFailed(`Azure Monitor at ${where} refused the batch (${status})`, {
      retryable: false,
      status: response.status,
      code:
        response.status === 401
          ? 'LANYARD_AUTH_FAILED'
          : response.status === 403
            ? 'LANYARD_PERMISSION_MISSING'
            : 'LANYARD_UPSTREAM_FAILED',
      ...(fix ? { fix } : {}),
    });
  }

  return {
    name: config.name,
    async deliver(events: readonly LanyardEvent[]) {
      if (events.length === 0) return;
      const rows = events.map((event) => rowOf(toAzureMonitorRecord(event), maxBytes));
      const chunks = chunkBySize(rows, (r) => r.bytes, { maxBytes, separatorBytes: 1, wrapperBytes: 2 });
      await deliverChunks(
        chunks,
        (r) => r.id,
        async (chunk) => {
          const json = Buffer.from(`[${chunk.map((r) => r.json).join(',')}]`);
          const body = compress ? await gzip(json) : json;
          let response = await post(body);
          if (response.status === 401) {
            // An expired or revoked token: one more try with a fresh one.
            cached = undefined;
            response = await post(body);
          }
          if (response.status >= 200 && response.status < 300) return 'sent';
          if (response.status === 413) return 'too-large';
          throw failure(response);
        },
        (row) =>
          new DeliveryFailed(
            `Azure Monitor at ${where} refused event ${row.id} as too large (HTTP 413) even alone`,
            {
              retryable: false,
              status: 413,
            },
          ),
      );
    },
    async close() {
      client.close();
    },
  };
}
