// The emulator's HTTPS server: reads each request, dispatches it (login, then control, then Graph/ARM), and
// writes the reply through the fault layer. It survives every fault it injects and every client that hangs up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EmulatorContext, RequestRecord } from './context.ts';
import { type BodyFault, createFaultInjector, type FaultInjector, malformedPage } from './faults.ts';
import type { EmulatorRequest, EmulatorResponse, Handler } from './http.ts';
import { odataError } from './odata-error.ts';

export interface EmulatorServerOptions {
  ctx: EmulatorContext;
  tls: { certPem: string; keyPem: string };
  /** Login endpoints; answered without faults. */
  login: Handler;
  /** `/_emulator/...`; answered without faults. */
  control: Handler;
  /** Graph and ARM handlers, tried in order; undefined from all of them means an unknown path. */
  api: Handler[];
  host?: string;
  port?: number;
  faultSeed?: number;
}

export interface EmulatorServer {
  origin: string;
  port: number;
  faults: FaultInjector;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const CONTROL_PREFIX = '/_emulator/';

function headerMap(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    // A client that hangs up mid-request gets no answer; the promise settles so nothing leaks.
    req.on('error', () => resolve(undefined));
    req.on('aborted', () => resolve(undefined));
  });
}

function serialise(response: EmulatorResponse): { headers: Record<string, string>; body: Buffer } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: Buffer;
  if (response.body === undefined || response.body === null) body = Buffer.alloc(0);
  else if (Buffer.isBuffer(response.body)) body = response.body;
  else if (typeof response.body === 'string') {
    body = Buffer.from(response.body);
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    body = Buffer.from(JSON.stringify(response.body));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  return { headers, body };
}

/** Graph answers a path outside its versions with 400 "Invalid version", and an unknown segment with 400 too. */
function unknownPath(request: EmulatorRequest, now: number): EmulatorResponse {
  const [first, second] = request.url.pathname.split('/').filter(Boolean);
  if (first === undefined) return odataError(404, 'NotFound', 'Resource not found.', { request, now });
  if (first !== 'v1.0' && first !== 'beta') {
    return odataError(400, 'BadRequest', `Invalid version: ${decodeURIComponent(first)}`, { request, now });
  }
  const segment = decodeURIComponent(second ?? '');
  return odataError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`, { request, now });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startEmulatorServer(options: EmulatorServerOptions): Promise<EmulatorServer> {
  const { ctx } = options;
  const host = options.host ?? '127.0.0.1';
  const faults = createFaultInjector(ctx, options.faultSeed);
  const timers = new Set<NodeJS.Timeout>();

  function send(
    res: ServerResponse,
    response: EmulatorResponse,
    fault?: BodyFault,
    dripRate = 1024,
    applied?: () => void,
  ): number {
    const serialised = serialise(response);
    const headers = serialised.headers;
    let body = serialised.body;
    if (res.destroyed || res.writableEnded) return body.length;
    if (fault === 'malformed') {
      const page = malformedPage(response.status, body);
      if (page) {
        body = page;
        applied?.();
      }
    }
    if (fault === 'truncate' && body.length > 1) {
      // A complete HTTP message whose JSON is cut: Content-Length matches the bytes sent.
      const cut = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
      res.writeHead(response.status, { ...headers, 'content-length': String(cut.length) });
      res.end(cut);
      return cut.length;
    }
    res.writeHead(response.status, { ...headers, 'content-length': String(body.length) });
    if (fault === 'reset') {
      // Headers promise the full length; the socket dies halfway through the body.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return body.length;
    }
    if (fault === 'drip' && body.length > 0) {
      drip(res, body, dripRate);
      return body.length;
    }
    res.end(body);
    return body.length;
  }

  function drip(res: ServerResponse, body: Buffer, bytesPerSecond: number): void {
    const tickMs = 100;
    const chunk = Math.max(1, Math.ceil((bytesPerSecond * tickMs) / 1000));
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed || res.writableEnded) {
        clearInterval(timer);
        timers.delete(timer);
        return;
      }
      const next = body.subarray(offset, offset + chunk);
      offset += next.length;
      if (offset >= body.length) {
        clearInterval(timer);
        timers.delete(timer);
        res.end(next);
      } else {
        res.write(next);
      }
    }, tickMs);
    timers.add(timer);
  }

  /** Requests answered by the fault layer never reach Graph, which logs its own; this logs them. */
  function logReplacement(request: EmulatorRequest, response: EmulatorResponse, bytes: number): void {
    const caller = ctx.authenticate(request);
    const identity = 'appId' in caller ? caller : undefined;
    const record: RequestRecord = {
      time: ctx.clock.now(),
      method: request.method,
      path: request.url.pathname + request.url.search,
      status: response.status,
      appId: identity?.appId ?? null,
      tenantId: identity?.tenantId ?? null,
      resourceUnits: 0,
      throttled: response.status === 429,
      objects: 0,
      bytes,
    };
    ctx.requests.push(record);
  }

  async function handleApi(request: EmulatorRequest, res: ServerResponse): Promise<void> {
    const decision = faults.decide(request);
    if (decision.latencyMs > 0) await delay(decision.latencyMs);
    if (decision.replacement) {
      const bytes = send(res, decision.replacement);
      logReplacement(request, decision.replacement, bytes);
      return;
    }
    let response: EmulatorResponse | undefined;
    for (const handler of options.api) {
      response = await handler(request);
      if (response) break;
    }
    if (!response) {
      response = unknownPath(request, ctx.clock.now());
      logReplacement(request, response, send(res, response, decision.bodyFault, decision.dripBytesPerSecond));
      return;
    }
    if (decision.latencyPerKbMs > 0) await delay((decision.latencyPerKbMs * bodyBytes(response)) / 1024);
    send(res, response, decision.bodyFault, decision.dripBytesPerSecond, decision.applied);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => {});
    const body = await readBody(req);
    if (body === undefined) {
      if (!req.complete) return;
      res.writeHead(413).end();
      return;
    }
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', `https://${req.headers.host ?? `${host}:${port}`}`),
      headers: headerMap(req),
      body,
      ip: req.socket.remoteAddress ?? '',
    };
    try {
      const login = await options.login(request);
      if (login) {
        send(res, login);
        return;
      }
      if (request.url.pathname.startsWith(CONTROL_PREFIX)) {
        const control = await options.control(request);
        send(
          res,
          control ?? odataError(404, 'NotFound', `No emulator endpoint ${request.url.pathname}`, { request }),
        );
        return;
      }
      await handleApi(request, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      send(
        res,
        odataError(500, 'InternalServerError', `Emulator error: ${(error as Error).message}`, { request }),
      );
    }
  }

  const server = https.createServer({
    cert: options.tls.certPem,
    key: options.tls.keyPem,
    keepAlive: true,
    // Clients pool keep-alive connections; a long idle timeout avoids racing their reuse.
    keepAliveTimeout: 65_000,
    headersTimeout: 70_000,
    // Slow-drip replies may legitimately take long.
    requestTimeout: 0,
  });
  server.on('request', (req, res) => {
    onRequest(req, res).catch(() => res.destroy());
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    origin,
    port,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The size of a reply's body as sent (Graph's handlers answer with serialised Buffers already). */
function bodyBytes(response: EmulatorResponse): number {
  const { body } = response;
  if (body === undefined) return 0;
  if (Buffer.isBuffer(body)) return body.length;
  return Buffer.byteLength(typeof body === 'string' ? body : JSON.stringify(body));
}
