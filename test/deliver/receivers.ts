// Local receivers that speak the sinks' real protocols, for the deliver tests and the delivery benchmark: a
// syslog server (TCP or TLS, RFC 6587 octet-counted frames), a Splunk HEC endpoint, an Azure Monitor Logs
// Ingestion endpoint and a signed-webhook endpoint. Built for throughput: nothing is logged per event; each
// counts what it accepted and keeps the event ids (and, unless told not to, the messages or records).
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { createCertificateAuthority, issueServerCertificate } from '../../emulator/tls.ts';
import type { LanyardEvent } from '../../src/core/events.ts';
import { verifyWebhookSignature } from '../../src/deliver/sinks/webhook.ts';

export interface TestCertificates {
  /** The CA to trust (the sinks' tls.ca). */
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A fresh CA and a server certificate it signed, for localhost and 127.0.0.1. */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const ca = await createCertificateAuthority('Lanyard Deliver Test CA');
  const server = await issueServerCertificate(ca, ['localhost', '127.0.0.1']);
  return { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
}

/** What every receiver offers: counts, ids, waiting for a count, closing. */
export interface Receiver {
  /** Events accepted. */
  readonly count: number;
  /** Their ids, in arrival order (duplicates kept: at-least-once delivery may send one twice). */
  readonly ids: string[];
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function waiter(get: () => number, what: string) {
  return async (count: number, timeoutMs = 10_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (get() < count) {
      if (Date.now() > deadline)
        throw new Error(`${what}: ${get()} events after ${timeoutMs} ms, waited for ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
}

// ---------------------------------------------------------------------------------------------------- syslog

export interface SyslogReceiver extends Receiver {
  readonly host: string;
  readonly port: number;
  /** Each frame's message (RFC 5424 text), when keepMessages. */
  readonly messages: string[];
  /** Connections accepted so far. */
  readonly connections: number;
  /** Framing errors seen (a frame not starting with a length): should stay empty. */
  readonly errors: string[];
  /** Resets every open connection, as a receiver restarting would. */
  dropConnections(): void;
}

const EVENT_ID = /eventId="([^"]+)"/;

/**
 * A syslog server reading RFC 6587 octet-counted frames (`<length> <message>`) over TCP, or TLS when given a
 * certificate. The event id of each message is taken from its structured data (eventId="...").
 */
export async function startSyslogReceiver(
  options: { tls?: { certPem: string; keyPem: string }; keepMessages?: boolean } = {},
): Promise<SyslogReceiver> {
  const keep = options.keepMessages ?? true;
  const messages: string[] = [];
  const ids: string[] = [];
  const errors: string[] = [];
  const sockets = new Set<net.Socket>();
  let count = 0;
  let connections = 0;

  const onConnection = (socket: net.Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      let buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let offset = 0;
      while (offset < buf.length) {
        const space = buf.indexOf(0x20, offset);
        if (space === -1 || space - offset > 10) {
          if (space - offset > 10 || buf.length - offset > 10) {
            errors.push(
              `bad frame header at ${offset}: ${buf.subarray(offset, offset + 20).toString('latin1')}`,
            );
            socket.destroy();
            return;
          }
          break;
        }
        const lengthText = buf.toString('latin1', offset, space);
        if (!/^[1-9]\d*$/.test(lengthText)) {
          errors.push(`bad frame length "${lengthText}"`);
          socket.destroy();
          return;
        }
        const length = Number(lengthText);
        const end = space + 1 + length;
        if (end > buf.length) break;
        const message = buf.toString('utf8', space + 1, end);
        count += 1;
        const id = EVENT_ID.exec(message)?.[1];
        if (id) ids.push(id);
        if (keep) messages.push(message);
        offset = end;
      }
      buf = buf.subarray(offset);
      pending = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
    });
  };

  const server: net.Server = options.tls
    ? tls.createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, onConnection)
    : net.createServer(onConnection);
  // A client failing the handshake (an untrusted certificate) is not the receiver's error.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    messages,
    ids,
    errors,
    get count() {
      return count;
    },
    get connections() {
      return connections;
    },
    waitFor: waiter(() => count, 'syslog receiver'),
    dropConnections() {
      for (const socket of sockets) socket.resetAndDestroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ------------------------------------------------------------------------------------------ HTTP, shared

export interface ScriptedResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingMessage['headers'];
  /** The body's size on the wire. */
  bytes: number;
}

interface HttpReceiverBase extends Receiver {
  /** http(s)://127.0.0.1:port */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /**
   * Answers the next requests with these, in order, instead of handling them (nothing is accepted); 'accept'
   * lets one request through to the normal handling.
   */
  respondWith(...responses: (ScriptedResponse | 'accept')[]): void;
}

type Handler = (req: IncomingMessage, body: Buffer) => ScriptedResponse;

async function startHttpReceiver(
  handler: Handler,
  options: { tls?: { certPem: string; keyPem: string }; recordRequests?: boolean },
): Promise<{
  url: string;
  requests: RecordedRequest[];
  respondWith(...r: (ScriptedResponse | 'accept')[]): void;
  close(): Promise<void>;
}> {
  const script: (ScriptedResponse | 'accept')[] = [];
  const requests: RecordedRequest[] = [];
  const record = options.recordRequests ?? true;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (record)
        requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          bytes: body.length,
        });
      const scripted = script.shift();
      let answer: ScriptedResponse;
      try {
        answer = scripted && scripted !== 'accept' ? scripted : handler(req, body);
      } catch (error) {
        answer = { status: 500, body: JSON.stringify({ text: String(error), code: 8 }) };
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, listener)
    : createHttpServer(listener);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    respondWith: (...responses) => script.push(...responses),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ----------------------------------------------------------------------------------------------- Splunk HEC

export interface HecEnvelopeReceived {
  time: number;
  host: string;
  source: string;
  sourcetype: string;
  index?: string;
  event: LanyardEvent;
}

export interface HecReceiver extends HttpReceiverBase {
  /** The envelopes accepted, when keepEvents. */
  readonly envelopes: HecEnvelopeReceived[];
}

/**
 * A Splunk HTTP Event Collector: POST /services/collector/event with `Authorization: Splunk <token>`, a body
 * of concatenated JSON envelopes. Answers as HEC does: 200 {"text":"Success","code":0}; 401 code 2 without
 * a token, 403 code 4 with a wrong one, 400 code 6 for a malformed event, 400 code 12 for one without `event`.
 */
export async function startHecReceiver(options: {
  token: string;
  tls?: { certPem: string; keyPem: string };
  keepEvents?: boolean;
}): Promise<HecReceiver> {
  const keep = options.keepEvents ?? true;
  const envelopes: HecEnvelopeReceived[] = [];
  const ids: string[] = [];
  let count = 0;
  const hec = (status: number, text: string, code: number, extra: Record<string, unknown> = {}) => ({
    status,
    body: JSON.stringify({ text, code, ...extra }),
  });
  const http = await startHttpReceiver((req, body) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/services/collector/event') {
      return hec(404, 'The requested URL was not found on this server.', 404);
    }
    const auth = req.headers.authorization;
    if (!auth) return hec(401, 'Token is required', 2);
    if (!auth.startsWith('Splunk ')) return hec(401, 'Invalid authorization', 3);
    if (auth !== `Splunk ${options.token}`) return hec(403, 'Invalid token', 4);
    const lines = body
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (lines.length === 0) return hec(400, 'No data', 5);
    const batch: HecEnvelopeReceived[] = [];
    for (let i = 0; i < lines.length; i += 1) {
      let envelope: HecEnvelopeReceived;
      try {
        envelope = JSON.parse(lines[i]!) as HecEnvelopeReceived;
      } catch {
        return hec(400, 'Invalid data format', 6, { 'invalid-event-number': i });
      }
      if (envelope.event === undefined)
        return hec(400, 'Event field is required', 12, { 'invalid-event-number': i });
      batch.push(envelope);
    }
    // All or nothing, as HEC does for a request that parses.
    for (const envelope of batch) {
      count += 1;
      ids.push(envelope.event.id);
      if (keep) envelopes.push(envelope);
    }
    return hec(200, 'Success', 0);
  }, options);
  return {
    ...http,
    envelopes,
    ids,
    get count() {
      return count;
    },
    waitFor: waiter(() => count, 'HEC receiver'),
  };
}

// -------------------------------------------------------------------------------------------- Azure Monitor

export interface AzureMonitorReceiver extends HttpReceiverBase {
  readonly records: Record<string, unknown>[];
  /** The uncompressed size of each accepted request's body. */
  readonly acceptedBodyBytes: number[];
}

/**
 * The Logs Ingestion API: POST /dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01 with
 * `Authorization: Bearer <token>` and a JSON array, gzipped or not. 204 when accepted; 413 for a body over
 * maxBytes (1 MB, compressed or not, as the service documents); 401, 404 and 400 like the service.
 */
export async function startAzureMonitorReceiver(options: {
  token: string;
  dcrImmutableId: string;
  streamName: string;
  maxBytes?: number;
  keepRecords?: boolean;
}): Promise<AzureMonitorReceiver> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const keep = options.keepRecords ?? true;
  const records: Record<string, unknown>[] = [];
  const acceptedBodyBytes: number[] = [];
  const ids: string[] = [];
  let count = 0;
  const error = (status: number, code: string, message: string) => ({
    status,
    body: JSON.stringify({ error: { code, message } }),
  });
  const http = await startHttpReceiver((req, wire) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method !== 'POST') return error(405, 'MethodNotAllowed', 'POST only');
    if (url.searchParams.get('api-version') !== '2023-01-01') {
      return error(
        400,
        'InvalidApiVersion',
        `api-version ${url.searchParams.get('api-version')} is not supported`,
      );
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return error(401, 'InvalidToken', 'The provided access token is not valid.');
    }
    const expected = `/dataCollectionRules/${options.dcrImmutableId}/streams/${options.streamName}`;
    if (url.pathname !== expected) return error(404, 'NotFound', 'Data collection rule or stream not found.');
    if (wire.length > maxBytes)
      return error(413, 'ContentLengthLimitExceeded', 'Maximum request size exceeded.');
    let body = wire;
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(wire);
    if (body.length > maxBytes)
      return error(413, 'ContentLengthLimitExceeded', 'Maximum request size exceeded.');
    let rows: unknown;
    try {
      rows = JSON.parse(body.toString('utf8'));
    } catch {
      return error(400, 'InvalidJson', 'The body is not valid JSON.');
    }
    if (!Array.isArray(rows)) return error(400, 'InvalidPayload', 'The body must be a JSON array.');
    acceptedBodyBytes.push(body.length);
    for (const row of rows as Record<string, unknown>[]) {
      count += 1;
      ids.push(String(row.EventId));
      if (keep) records.push(row);
    }
    return { status: 204 };
  }, {});
  return {
    ...http,
    records,
    acceptedBodyBytes,
    ids,
    get count() {
      return count;
    },
    waitFor: waiter(() => count, 'Azure Monitor receiver'),
  };
}

// -------------------------------------------------------------------------------------------------- webhook

export interface WebhookReceiver extends HttpReceiverBase {
  readonly batches: { events: LanyardEvent[]; idsHeader: string }[];
  /** Requests refused for a bad or stale signature. */
  readonly rejected: number;
  /** The last request's raw body and signature header, for replay and tampering tests. */
  readonly last: { body: Buffer; signature: string } | undefined;
}

/** A receiver verifying X-Lanyard-Signature over the raw body (401 when it fails), then accepting with 204. */
export async function startWebhookReceiver(options: {
  secret: string;
  toleranceSec?: number;
  now?: () => number;
}): Promise<WebhookReceiver> {
  const batches: { events: LanyardEvent[]; idsHeader: string }[] = [];
  const ids: string[] = [];
  let count = 0;
  let rejected = 0;
  let last: { body: Buffer; signature: string } | undefined;
  const now = options.now ?? Date.now;
  const http = await startHttpReceiver((req, body) => {
    const signature = String(req.headers['x-lanyard-signature'] ?? '');
    last = { body, signature };
    if (!verifyWebhookSignature(options.secret, signature, body, now(), options.toleranceSec)) {
      rejected += 1;
      return { status: 401, body: JSON.stringify({ error: 'bad signature' }) };
    }
    const parsed = JSON.parse(body.toString('utf8')) as { events: LanyardEvent[] };
    const idsHeader = String(req.headers['x-lanyard-event-ids'] ?? '');
    batches.push({ events: parsed.events, idsHeader });
    for (const event of parsed.events) {
      count += 1;
      ids.push(event.id);
    }
    return { status: 204 };
  }, {});
  return {
    ...http,
    batches,
    ids,
    get count() {
      return count;
    },
    get rejected() {
      return rejected;
    },
    get last() {
      return last;
    },
    waitFor: waiter(() => count, 'webhook receiver'),
  };
}
