// What the relay hands events to: a sink delivers a batch or throws DeliveryFailed saying whether trying again
// can help. Delivery is at least once (the relay resends a batch it is not sure arrived), so every wire format
// carries the event's stable id for receivers to drop copies by.

import { type ErrorCode, LanyardError } from '../core/errors.ts';
import type { LanyardEvent } from '../core/events.ts';

export interface EventSink {
  /** The sink's configured name: the key the relay keeps each sink's pending events under. */
  readonly name: string;
  /** Resolves once the receiver has accepted every event of the batch (as far as its protocol can say). */
  deliver(events: readonly LanyardEvent[]): Promise<void>;
  /** Releases connections and files; deliver() must not be called after. */
  close?(): Promise<void>;
}

export interface DeliveryFailedOptions {
  /** True when the same batch may succeed later unchanged (network, throttling, a receiver's 5xx). */
  retryable: boolean;
  /** The receiver's Retry-After (429/503), in ms: wait at least this long before the next attempt. */
  retryAfterMs?: number;
  /** The HTTP status that failed it, if any. */
  status?: number;
  /**
   * Ids of events of the batch the receiver accepted before the failure (a batch split into several
   * requests): the relay may mark them done, or resend them, which receivers tolerate.
   */
  delivered?: readonly string[];
  code?: ErrorCode;
  fix?: string;
  cause?: unknown;
}

/**
 * A batch was not (entirely) delivered. The message says what the receiver answered, never a token, secret or
 * URL path (a webhook path may itself be a secret); it is stored as the pending rows' last error.
 */
export class DeliveryFailed extends LanyardError {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly delivered: readonly string[];

  constructor(message: string, options: DeliveryFailedOptions) {
    super(options.code ?? (options.retryable ? 'LANYARD_UNREACHABLE' : 'LANYARD_UPSTREAM_FAILED'), message, {
      ...(options.fix !== undefined ? { fix: options.fix } : {}),
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
    });
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.delivered = options.delivered ?? [];
  }
}

export interface BackoffOptions {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** The largest ceiling, however many attempts failed. */
  maxMs: number;
}

/**
 * "Full jitter" exponential backoff: a delay drawn uniformly from [0, min(maxMs, baseMs * 2^(attempt-1))),
 * so that many relays retrying one receiver spread out instead of arriving together. `attempt` counts from 1
 * (the first retry); `random` returns a number in [0, 1) like Math.random, injected so tests are exact.
 */
export function backoff(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { baseMs, maxMs } = options;
  if (!(baseMs >= 0) || !(maxMs >= 0)) throw new RangeError('backoff: baseMs and maxMs must be >= 0');
  const n = Number.isFinite(attempt) ? Math.max(1, Math.floor(attempt)) : 1;
  // 2^(n-1) overflows to Infinity long after it passes any sane maxMs; the min() below absorbs that.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 1024));
  const r = random();
  const unit = r >= 0 && r < 1 ? r : 0;
  return Math.floor(unit * ceiling);
}

/**
 * The wait before the next attempt after `error`: the jittered backoff, but never less than a Retry-After the
 * receiver asked for.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const jittered = backoff(attempt, options, random);
  const asked = error instanceof DeliveryFailed ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(jittered, asked);
}

/** The longest Retry-After honoured: a receiver asking for more is waited on for a day, then tried again. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * An HTTP Retry-After (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in ms from `nowMs`; undefined when
 * absent or unparseable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // An HTTP-date names its day and month ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse alone takes "-5" too.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}
