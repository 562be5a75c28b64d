// The retry policy of Graph requests (cockatiel): bounded attempts, exponential backoff with full jitter for
// transient failures, and no extra wait after a 429 because the shared budget already holds its Retry-After.
import { DelegateBackoff, handleType, type IRetryBackoffContext, type RetryPolicy, retry } from 'cockatiel';
import type { LanyardError } from '../../core/errors.ts';

export interface RetrySettings {
  /** Attempts per request, the first included (default 8). */
  maxAttempts?: number;
  /** First backoff step (default 500 ms); it doubles per attempt. */
  baseDelayMs?: number;
  /** Longest wait between attempts, also the cap on a 5xx's Retry-After (default 30 s). */
  maxDelayMs?: number;
}

/** A failure worth another attempt; `exhausted` is what to throw when attempts run out. */
export class RetryableFailure extends Error {
  constructor(
    readonly kind: 'transient' | 'throttled' | 'reauthenticated',
    readonly exhausted: LanyardError,
    /** The server's Retry-After for a transient failure (a 503 may send one). */
    readonly retryAfterMs: number | null = null,
  ) {
    super(exhausted.message, { cause: exhausted });
    this.name = 'RetryableFailure';
  }
}

/** Full jitter: uniformly random in [0, min(max, base·2^(attempt−1))] (AWS architecture blog's variant). */
export function backoffDelay(
  attempt: number,
  settings: Required<RetrySettings>,
  failure: RetryableFailure | null,
  random = Math.random,
): number {
  if (failure?.kind === 'throttled' || failure?.kind === 'reauthenticated') return 0;
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = random() * ceiling;
  const asked = failure?.retryAfterMs ? Math.min(failure.retryAfterMs, settings.maxDelayMs) : 0;
  return Math.max(jittered, asked);
}

export function resolveRetrySettings(settings: RetrySettings = {}): Required<RetrySettings> {
  return {
    maxAttempts: settings.maxAttempts ?? 8,
    baseDelayMs: settings.baseDelayMs ?? 500,
    maxDelayMs: settings.maxDelayMs ?? 30_000,
  };
}

export function createRetryPolicy(settings: Required<RetrySettings>): RetryPolicy {
  return retry(handleType(RetryableFailure), {
    // cockatiel counts retries, not attempts.
    maxAttempts: settings.maxAttempts - 1,
    backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
      const error = 'error' in context.result ? context.result.error : null;
      return backoffDelay(context.attempt, settings, error instanceof RetryableFailure ? error : null);
    }),
  });
}

/** Runs `fn` under the policy; when attempts run out, throws the named error of the last failure. */
export async function withRetries<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await policy.execute(({ attempt }) => fn(attempt), signal);
  } catch (error) {
    if (error instanceof RetryableFailure) throw error.exhausted;
    throw error;
  }
}
