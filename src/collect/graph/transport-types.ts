// The public shapes of the Graph transport: what callers pass, what it reports, what it returns.
import type { BatchRequest, BatchResponse } from './batch.ts';
import type { RequestCost } from './cost.ts';

export type { BatchRequest, BatchResponse };

export type TransportEvent =
  | { type: 'response'; method: string; path: string; status: number; resourceUnits: number; ms: number }
  | { type: 'retry'; method: string; path: string; reason: string; attempt: number }
  | { type: 'throttled'; method: string; path: string; retryAfterMs: number }
  | { type: 'token'; reason: 'challenge' };

export interface RequestOptions {
  signal?: AbortSignal;
  /** The permission the calling resource declaration needs, named if Graph denies the request. */
  permission?: string;
  /** Extra request headers, e.g. `ConsistencyLevel: eventual` for `$count`. */
  headers?: Record<string, string>;
  /**
   * Waits for resource units behind every request without it: reads that spend more budget per object than
   * the chains of pages beside them (the far end), so the budget goes first where it reads most.
   */
  background?: boolean;
  /** `pages` of a delta function: told the `@odata.deltaLink` its last page ends with. */
  onDeltaLink?: (url: string) => void;
}

export interface TransportStats {
  /** HTTP requests sent, retries included; a $batch counts once. */
  requests: number;
  /** Requests carried inside $batch calls (each counts against Graph's limits). */
  batchedRequests: number;
  /** Resource units Graph charged (x-ms-resource-unit, else our estimate). */
  resourceUnits: number;
  throttled: number;
  retries: number;
  bytes: number;
}

export interface GraphTransport {
  get<T>(pathOrUrl: string, options?: RequestOptions): Promise<T>;
  /** Follows @odata.nextLink; yields each page's `value`. */
  pages<T>(pathOrUrl: string, options?: RequestOptions): AsyncIterable<T[]>;
  /** Runs GETs through $batch, 20 per call; throttled and failed items are retried; answers in input order. */
  batch<T = unknown>(requests: BatchRequest[], options?: RequestOptions): Promise<BatchResponse<T>[]>;
  /** The tenant id the access token was issued for. */
  tokenTenantId(): Promise<string | null>;
  /** Resource units a second the directory budget refills (shared with this app's other transports). */
  resourceUnitsPerSecond(): number;
  stats(): TransportStats;
  close(): Promise<void>;
}

export interface SendRequest {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  cost: RequestCost;
  /** False for $batch calls, whose items are counted one by one. */
  countUnits?: boolean;
  /** A list page: a body without a `value` array is a malformed answer, retried and then a failure. */
  collection?: boolean;
  options: RequestOptions;
}
