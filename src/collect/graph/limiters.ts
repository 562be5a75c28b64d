// Graph's limits as named limiters, one per class of request, chosen per request: directory reads draw on the
// resource-unit budget (and the keyCredentials limiter), the identity and access reports on their own 5
// requests per 10 s (facts §1.2, §1.3). A limiter belongs to what Graph counts it against, the app in the
// tenant, not to one transport: transports of one process that name the same (tenant, app) share theirs.
import { type BudgetOptions, createGraphBudget, type GraphBudget } from './budget.ts';
import type { RequestCost } from './cost.ts';
import type { Timer } from './token-bucket.ts';

export type RequestClass = 'directory' | 'reports';

/** Graph's identity and access reports limit: 5 requests per 10 s per app per tenant (facts §1.3). */
export const REPORTS_LIMIT = { requestsPerWindow: 5, windowMs: 10_000 } as const;

/** Reports and sign-in logs are limited apart from the directory's resource units. */
export function requestClass(url: string): RequestClass {
  const path = new URL(url, 'https://graph.invalid').pathname.toLowerCase();
  return /^\/(v1\.0|beta)\/(reports|auditlogs)(\/|$)/.test(path) ? 'reports' : 'directory';
}

export interface Limiters {
  /** The limiter a request of this class waits on, and the cost it takes from it. */
  for(cls: RequestClass, cost: RequestCost): { budget: GraphBudget; cost: RequestCost };
  /** The directory budget (batches size themselves on it). */
  readonly directory: GraphBudget;
  /** Lets go of shared limiters this transport holds. */
  release(): void;
}

export interface LimiterOptions extends Omit<BudgetOptions, 'timer'> {
  /** `tenant/app`: limiters are shared with every transport of this process that names the same key. */
  key?: string;
  timer: Timer;
}

interface SharedEntry {
  directory: GraphBudget;
  reports: GraphBudget;
  users: number;
}
const shared = new Map<string, SharedEntry>();

function createEntry(options: LimiterOptions): SharedEntry {
  const reports = createGraphBudget({
    resourceUnitsPerWindow: REPORTS_LIMIT.requestsPerWindow,
    windowMs: REPORTS_LIMIT.windowMs,
    // At 5 requests a window, a 10 % reserve would round a whole request away; keep them all.
    headroom: 0,
    timer: options.timer,
  });
  return { directory: createGraphBudget(options), reports, users: 0 };
}

export function createLimiters(options: LimiterOptions): Limiters {
  const key = options.key?.toLowerCase();
  let entry = key ? shared.get(key) : undefined;
  if (!entry) {
    entry = createEntry(options);
    if (key) shared.set(key, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    directory: held.directory,
    for(cls, cost) {
      return cls === 'reports'
        ? { budget: held.reports, cost: { resourceUnits: 1, keyCredentials: false } }
        : { budget: held.directory, cost };
    },
    release() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (key && held.users === 0 && shared.get(key) === held) shared.delete(key);
    },
  };
}
