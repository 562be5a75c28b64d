// The local mirror of Graph's per app+tenant throttling: a resource-unit bucket refilled over Graph's window,
// the 150/min limiter for `$select=keyCredentials`, and a shared pause that honours Retry-After.
import type { RequestCost } from './cost.ts';
import { createTokenBucket, systemTimer, type Timer } from './token-bucket.ts';

export interface BudgetOptions {
  /** Graph's RU quota per window for this app+tenant: 3,500 / 5,000 / 8,000 for S / M / L tenants. */
  resourceUnitsPerWindow: number;
  /** Graph's window: 10 s. */
  windowMs: number;
  /** Requests per minute that may `$select` keyCredentials (Graph: 150 per tenant). */
  keyCredentialsPerMinute?: number;
  /**
   * Share of each limit left unused (default 0.1), for clock and arrival jitter and for other clients of
   * the same app in the tenant, which share the quota.
   */
  headroom?: number;
  timer?: Timer;
}

/** Which of Graph's limits a 429 was for (x-ms-throttle-scope's first part, facts §1.2). */
export type ThrottleScope = 'tenant' | 'application';

/** `Tenant_Application/ReadWrite/…`, `Tenant/…`, `Application/…` → the limit to wait on. */
export function throttleScope(header: string | undefined): ThrottleScope {
  return /^application\//i.test(header ?? '') ? 'application' : 'tenant';
}

export interface ServerAccounting {
  /** `x-ms-resource-unit`: what Graph actually charged. */
  resourceUnits: number | null;
  /** `x-ms-throttle-limit-percentage`: sent above 0.8 of the limit; 1.0 means throttling starts. */
  limitPercentage: number | null;
}

/** A spent cost whose request is on its way; release it once the reply is in or the request failed. */
export interface BudgetLease {
  release(): void;
}

export interface GraphBudget {
  /**
   * Waits until the request can be sent without exceeding either limit, and spends its cost. A `background`
   * request waits for resource units behind every other (see RequestOptions.background).
   */
  acquire(cost: RequestCost, signal?: AbortSignal, background?: boolean): Promise<BudgetLease>;
  /** Corrects the local account with what Graph reported for a request charged at `estimated`. */
  learn(estimated: RequestCost, server: ServerAccounting): void;
  /**
   * Holds every request until `ms` from now (a 429's Retry-After applies to the whole app+tenant, or to the
   * application in every tenant when Graph's x-ms-throttle-scope says `Application`).
   */
  pause(ms: number, scope?: ThrottleScope): void;
  /** Resource units that could be spent right now. */
  available(): number;
  /** The most resource units one request may cost and still be paid at once: a full bucket. */
  readonly capacity: number;
  /** Resource units it refills a second: the pace it can keep once the first full bucket is spent. */
  readonly unitsPerSecond: number;
}

export function createGraphBudget(options: BudgetOptions): GraphBudget {
  const timer = options.timer ?? systemTimer;
  const spendable = 1 - (options.headroom ?? 0.1);
  const quota = options.resourceUnitsPerWindow;
  let pausedUntil = 0;
  const units = createTokenBucket({
    capacity: quota * spendable,
    refillMs: options.windowMs,
    timer,
    blockedUntil: () => pausedUntil,
  });
  const keyCredentials = createTokenBucket({
    capacity: Math.max(1, Math.floor((options.keyCredentialsPerMinute ?? 150) * spendable)),
    refillMs: 60_000,
    timer,
    blockedUntil: () => pausedUntil,
  });

  return {
    capacity: quota * spendable,
    unitsPerSecond: (quota * spendable * 1000) / options.windowMs,
    async acquire(cost, signal, background) {
      // The scarcer per-minute limiter first, so a request never holds resource units while it waits for it.
      if (cost.keyCredentials) await keyCredentials.take(1, signal);
      try {
        await units.take(cost.resourceUnits, signal, background);
      } catch (error) {
        if (cost.keyCredentials) keyCredentials.settle(1);
        throw error;
      }
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          units.settle(cost.resourceUnits);
          if (cost.keyCredentials) keyCredentials.settle(1);
        },
      };
    },
    learn(estimated, server) {
      if (server.resourceUnits !== null && server.resourceUnits !== estimated.resourceUnits) {
        units.adjust(estimated.resourceUnits - server.resourceUnits);
      }
      if (server.limitPercentage !== null) {
        units.cap(quota * (1 - server.limitPercentage) - quota * (1 - spendable));
      }
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, timer.now() + ms);
      units.wake();
      keyCredentials.wake();
    },
    available: () => units.level(),
  };
}
