// A token bucket with a queue of waiters and an injectable timer, so pacing is testable with a fake clock.
// Waiters are served in arrival order, background ones only when no foreground one waits.

/** Time source and one-shot timers; the real one is `systemTimer`, tests pass a fake. */
export interface Timer {
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemTimer: Timer = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

export interface TokenBucketOptions {
  /** Tokens the bucket holds when full (the spendable part of the server's limit). */
  capacity: number;
  /** Time to refill from empty to full. */
  refillMs: number;
  timer: Timer;
  /** Until when nothing may be taken (e.g. a server's Retry-After); checked on every wake. */
  blockedUntil?: () => number;
}

export interface TokenBucket {
  /**
   * Resolves once `n` tokens are taken; waiters are served in arrival order, a `background` one only once no
   * other waits. The tokens stay outstanding until `settle(n)`: the server has not counted them yet, so they
   * cannot be refilled either.
   */
  take(n: number, signal?: AbortSignal, background?: boolean): Promise<void>;
  /** The `n` tokens of a take have reached the server (its reply is in, or it failed). */
  settle(n: number): void;
  /** Adds (positive) or removes (negative) tokens, e.g. when the server charged more than estimated. */
  adjust(delta: number): void;
  /** Lowers the level to at most `level` (the server says it has less left than we thought). */
  cap(level: number): void;
  level(): number;
  /** Re-evaluates waiters, e.g. after the block was extended. */
  wake(): void;
}

interface Waiter {
  n: number;
  background: boolean;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export function createTokenBucket({
  capacity,
  refillMs,
  timer,
  blockedUntil,
}: TokenBucketOptions): TokenBucket {
  const rate = capacity / refillMs;
  let tokens = capacity;
  // Taken tokens whose request the server may not have counted yet. While they are in flight the server's
  // bucket holds them, so it reaches its cap that much sooner: our refill stops at capacity − outstanding,
  // or a burst sent after an idle spell would count refill the server never had.
  let outstanding = 0;
  let refilledAt = timer.now();
  const queue: Waiter[] = [];
  let cancelTimer: (() => void) | null = null;

  function refill(): void {
    const now = timer.now();
    const ceiling = Math.max(0, capacity - outstanding);
    if (tokens < ceiling) tokens = Math.min(ceiling, tokens + (now - refilledAt) * rate);
    refilledAt = now;
  }

  function schedule(ms: number): void {
    cancelTimer?.();
    cancelTimer = timer.setTimeout(
      () => {
        cancelTimer = null;
        pump();
      },
      Math.max(1, Math.ceil(ms)),
    );
  }

  function pump(): void {
    refill();
    while (queue.length > 0) {
      const foreground = queue.findIndex((w) => !w.background);
      const at = foreground >= 0 ? foreground : 0;
      const head = queue[at]!;
      const blocked = (blockedUntil?.() ?? 0) - timer.now();
      if (blocked > 0) {
        schedule(blocked);
        return;
      }
      // A request dearer than the whole bucket goes when the bucket is full, leaving it in debt.
      const needed = Math.min(head.n, capacity);
      if (tokens < needed) {
        // Beyond what refill can reach while requests are in flight: their settle() wakes us instead.
        if (needed > capacity - outstanding + 1e-9) {
          cancelTimer?.();
          cancelTimer = null;
        } else schedule((needed - tokens) / rate);
        return;
      }
      tokens -= head.n;
      outstanding += head.n;
      queue.splice(at, 1);
      head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve();
    }
    cancelTimer?.();
    cancelTimer = null;
  }

  return {
    take(n, signal, background = false) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          n,
          background,
          resolve,
          reject,
          signal,
          onAbort: () => {
            const at = queue.indexOf(waiter);
            if (at >= 0) queue.splice(at, 1);
            reject(signal?.reason);
            pump();
          },
        };
        signal?.addEventListener('abort', waiter.onAbort, { once: true });
        queue.push(waiter);
        pump();
      });
    },
    settle(n) {
      refill();
      outstanding = Math.max(0, outstanding - n);
      pump();
    },
    adjust(delta) {
      refill();
      tokens = Math.min(capacity, tokens + delta);
      pump();
    },
    cap(level) {
      refill();
      tokens = Math.min(tokens, level);
    },
    level() {
      refill();
      return tokens;
    },
    wake: pump,
  };
}
