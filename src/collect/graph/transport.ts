// Lanyard's Graph client: signs requests, paces them with a budget that mirrors Graph's throttling, keeps
// many in flight over keep-alive connections, retries what is transient, pages and batches, and turns every
// failure into a named error. Tokens never leave this module except in the Authorization header.
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import { bulkhead } from 'cockatiel';
import type { Dispatcher } from 'undici';
import { AuthFailed, UpstreamFailed } from '../../core/errors.ts';
import { type BatchRequest, runBatch } from './batch.ts';
import { throttleScope } from './budget.ts';
import { estimateCost } from './cost.ts';
import { judgeResponse, normaliseGraphError } from './graph-errors.ts';
import { createGraphAgent, type Exchange, exchange } from './http-exchange.ts';
import { createLimiters, requestClass } from './limiters.ts';
import {
  backoffDelay,
  createRetryPolicy,
  RetryableFailure,
  type RetrySettings,
  resolveRetrySettings,
  withRetries,
} from './retry.ts';
import { systemTimer, type Timer } from './token-bucket.ts';
import { createTokenSource } from './token-source.ts';
import type {
  GraphTransport,
  RequestOptions,
  SendRequest,
  TransportEvent,
  TransportStats,
} from './transport-types.ts';

export type {
  BatchRequest,
  BatchResponse,
  GraphTransport,
  RequestOptions,
  TransportEvent,
  TransportStats,
} from './transport-types.ts';

export interface GraphTransportOptions {
  /** Graph's origin for the cloud, e.g. https://graph.microsoft.com (a path prefix is kept). */
  graphUrl: string;
  credential: TokenCredential;
  scope: string;
  /** Extra CA certificates (PEM) to trust besides Node's defaults. */
  caPem?: string;
  /** Named in the fix when a certificate is not trusted. */
  caFile?: string;
  /**
   * Graph's RU quota per app+tenant: 3,500 / 5,000 / 8,000 per 10 s for S / M / L tenants. With a `key`
   * (`tenant/app`), every transport of this process naming the same key shares the budget, as Graph does.
   */
  budget: { resourceUnitsPerWindow: number; windowMs: number; headroom?: number; key?: string };
  keyCredentialsPerMinute?: number;
  /** Requests in flight at once (default 16); also the number of keep-alive connections. */
  maxInFlight?: number;
  retry?: RetrySettings;
  /** Per attempt, headers and body together (default 60 s). */
  requestTimeoutMs?: number;
  /** API version for paths that do not name one (default v1.0). */
  version?: 'v1.0' | 'beta';
  /**
   * Which API the origin serves (default graph). `arm`: Azure Resource Manager: paths as given (each names its
   * own api-version), pages linked by `nextLink`, every request on ARM's read limit, not Graph's units.
   */
  api?: 'graph' | 'arm';
  onEvent?: (event: TransportEvent) => void;
  timer?: Timer;
  /** Replaces the transport's own undici Agent (tests). */
  dispatcher?: Dispatcher;
}

export function createGraphTransport(options: GraphTransportOptions): GraphTransport {
  const base = new URL(options.graphUrl.replace(/\/+$/, '')).href.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  // First, so a scope whose audience names another host fails before anything is opened or signed in.
  const tokens = createTokenSource(options.credential, options.scope, origin);
  const version = options.version ?? 'v1.0';
  const api = options.api ?? 'graph';
  const timer = options.timer ?? systemTimer;
  const maxInFlight = options.maxInFlight ?? 16;
  const ownAgent = options.dispatcher ? null : createGraphAgent(maxInFlight, options.caPem);
  const dispatcher = options.dispatcher ?? ownAgent!;
  const limiters = createLimiters({
    ...options.budget,
    keyCredentialsPerMinute: options.keyCredentialsPerMinute,
    timer,
  });
  const budget = limiters.directory;
  const retrySettings = resolveRetrySettings(options.retry);
  const policy = createRetryPolicy(retrySettings);
  const batchPolicy = createRetryPolicy(retrySettings);
  const slots = bulkhead(maxInFlight, Number.POSITIVE_INFINITY);
  const emit = options.onEvent ?? (() => {});
  const counters: TransportStats = {
    requests: 0,
    batchedRequests: 0,
    resourceUnits: 0,
    throttled: 0,
    retries: 0,
    bytes: 0,
  };
  policy.onRetry(() => {
    counters.retries += 1;
  });

  /** Absolute URL of a path (`/applications?...`, `/beta/...`) or a nextLink, refusing other hosts. */
  function resolve(pathOrUrl: string): string {
    if (/^https?:/i.test(pathOrUrl)) {
      // A nextLink must stay on Graph's host: the bearer token must never be sent anywhere else.
      if (new URL(pathOrUrl).origin !== origin) {
        throw new UpstreamFailed(`Graph returned a link to another host (${new URL(pathOrUrl).origin})`);
      }
      return pathOrUrl;
    }
    const path = pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`;
    if (api === 'arm' || /^\/(v1\.0|beta)\//.test(path)) return `${base}${path}`;
    return `${base}/${version}${path}`;
  }

  async function attempt(
    req: SendRequest,
    state: { reauthenticated: boolean },
    attemptNo: number,
  ): Promise<Exchange> {
    const path = new URL(req.url).pathname;
    const { signal } = req.options;
    const limiter = limiters.for(api === 'arm' ? 'arm' : requestClass(req.url), req.cost, req.url);
    // The budget before a connection slot: a request waiting for resource units must not hold a slot that a
    // request first in line for them (a chain page ahead of the far end's reads) then waits for.
    const lease = await limiter.budget.acquire(limiter.cost, signal, req.options.background);
    return (
      slots
        .execute(async () => {
          const token = await tokens.current();
          const started = timer.now();
          counters.requests += 1;
          let response: Exchange;
          try {
            response = await exchange(dispatcher, {
              method: req.method,
              url: req.url,
              headers: {
                authorization: `Bearer ${token.value}`,
                accept: 'application/json',
                'client-request-id': randomUUID(),
                ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
                ...req.options.headers,
              },
              body: req.body === undefined ? undefined : JSON.stringify(req.body),
              signal,
              timeoutMs: options.requestTimeoutMs ?? 60_000,
              caFile: options.caFile,
            });
          } finally {
            // Graph has counted the request by now (or never will): its units may refill again.
            lease.release();
          }
          counters.bytes += response.bytes;
          const header = Number(response.headers['x-ms-resource-unit']);
          const charged = Number.isFinite(header) && header > 0 && req.countUnits !== false ? header : null;
          const percentage = Number(response.headers['x-ms-throttle-limit-percentage']);
          // Graph's RU headers describe the directory budget; a reports request only counts as one request.
          if (limiter.budget === limiters.directory) {
            limiter.budget.learn(limiter.cost, {
              resourceUnits: charged,
              limitPercentage: Number.isFinite(percentage) && percentage > 0 ? percentage : null,
            });
          }
          const units = charged ?? req.cost.resourceUnits;
          if (req.countUnits !== false) counters.resourceUnits += units;
          emit({
            type: 'response',
            method: req.method,
            path,
            status: response.status,
            resourceUnits: units,
            ms: timer.now() - started,
          });
          const context = {
            method: req.method,
            path,
            permission: req.options.permission,
            service: api === 'arm' ? ('ARM' as const) : ('Graph' as const),
          };
          const verdict = judgeResponse(response.status, response.headers);
          switch (verdict.kind) {
            case 'ok':
              return response;
            case 'throttled': {
              counters.throttled += 1;
              const wait =
                verdict.retryAfterMs ??
                Math.max(
                  1000,
                  backoffDelay(attemptNo + 1, retrySettings, null, () => 1),
                );
              limiter.budget.pause(wait, throttleScope(response.headers['x-ms-throttle-scope']));
              emit({ type: 'throttled', method: req.method, path, retryAfterMs: wait });
              throw new RetryableFailure('throttled', normaliseGraphError(429, response.text, context));
            }
            case 'transient':
              throw new RetryableFailure(
                'transient',
                normaliseGraphError(response.status, response.text, context),
                parseRetry(response),
              );
            case 'reauthenticate':
              if (state.reauthenticated) throw normaliseGraphError(401, response.text, context);
              state.reauthenticated = true;
              emit({ type: 'token', reason: 'challenge' });
              await tokens.refresh(token.generation, verdict.claims);
              throw new RetryableFailure(
                'reauthenticated',
                new AuthFailed('Graph rejected the refreshed token'),
              );
            default:
              throw normaliseGraphError(response.status, response.text, context);
          }
        }, req.options.signal)
        // Also when no request went out (aborted in the queue, no token): units never sent must refill.
        .finally(() => lease.release())
    );
  }

  function parseRetry(response: Exchange): number | null {
    const seconds = Number(response.headers['retry-after']);
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
  }

  /** Sends with retries and returns the parsed JSON body; a cut-off or garbled body is retried too. */
  async function send<T>(req: SendRequest): Promise<T> {
    const state = { reauthenticated: false };
    const path = new URL(req.url).pathname;
    return withRetries(
      policy,
      async (attemptNo) => {
        try {
          const response = await attempt(req, state, attemptNo);
          let body: unknown;
          try {
            body = JSON.parse(response.text);
          } catch (error) {
            throw new RetryableFailure(
              'transient',
              new UpstreamFailed(`Graph sent an incomplete or invalid JSON body for ${req.method} ${path}`, {
                cause: error,
              }),
            );
          }
          // A list page without its `value` array is not an empty page: read as one, it would end the list
          // early and a complete-looking scan would mark every unseen identity removed.
          if (req.collection && !Array.isArray((body as { value?: unknown } | null)?.value)) {
            throw new RetryableFailure(
              'transient',
              new UpstreamFailed(
                `Graph answered ${req.method} ${path} with a body that is not a collection page`,
                {
                  fix: "this is a fault on Graph's side or of a proxy between; run the scan again later",
                },
              ),
            );
          }
          return body as T;
        } catch (error) {
          if (error instanceof RetryableFailure) {
            emit({ type: 'retry', method: req.method, path, reason: error.kind, attempt: attemptNo + 1 });
          }
          throw error;
        }
      },
      req.options.signal,
    );
  }

  /** A GET of a path or nextLink, priced by Graph's cost rules; `collection`: the body must be a list page. */
  function read<T>(pathOrUrl: string, requestOptions: RequestOptions, collection: boolean): Promise<T> {
    const url = resolve(pathOrUrl);
    return send<T>({
      method: 'GET',
      url,
      cost: estimateCost('GET', url),
      options: requestOptions,
      collection,
    });
  }

  const transport: GraphTransport = {
    get<T>(pathOrUrl: string, requestOptions: RequestOptions = {}) {
      return read<T>(pathOrUrl, requestOptions, false);
    },
    async *pages<T>(pathOrUrl: string, requestOptions: RequestOptions = {}) {
      type Page = { value: T[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string; nextLink?: string };
      const page = (pageUrl: string) => read<Page>(pageUrl, requestOptions, true);
      let pending: Promise<Page> | undefined = page(pathOrUrl);
      while (pending) {
        const current: Page = await pending;
        const next = api === 'arm' ? current.nextLink : current['@odata.nextLink'];
        // Ask for the next page before handing this one over, so Graph's latency overlaps the consumer's
        // work (the store write); at most one page is held ahead.
        pending = next ? page(next) : undefined;
        // Awaited on the next turn; this only keeps a consumer that stops early from leaving it unhandled.
        pending?.catch(() => {});
        const deltaLink = current['@odata.deltaLink'];
        if (!next && typeof deltaLink === 'string') requestOptions.onDeltaLink?.(deltaLink);
        yield current.value;
      }
    },
    resourceUnitsPerSecond: () => budget.unitsPerSecond,
    batch<T>(requests: BatchRequest[], requestOptions: RequestOptions = {}) {
      return runBatch<T>(requests, {
        url: resolve('/$batch'),
        options: requestOptions,
        // A policy of the same settings, without the per-request retry counter: batches count items.
        policy: batchPolicy,
        post: (body, cost) =>
          send({
            method: 'POST',
            url: resolve('/$batch'),
            body,
            cost,
            countUnits: false,
            options: requestOptions,
          }),
        budget,
        tokens,
        counters,
        emit,
      });
    },
    tokenTenantId: () => tokens.tenantId(),
    stats: () => ({ ...counters }),
    async close() {
      limiters.release();
      await ownAgent?.close();
    },
  };
  return transport;
}
