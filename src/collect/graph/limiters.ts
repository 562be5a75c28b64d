// Graph's limits as named limiters, one per class of request, chosen per request: directory reads draw on the
// resource-unit budget (and the keyCredentials limiter), the identity and access reports on their own 5
// requests per 10 s (facts §1.2, §1.3). A limiter belongs to what Graph counts it against, the app in the
// tenant, not to one transport: transports of one process that name the same (tenant, app) share theirs.
import { type BudgetOptions, createGraphBudget, type GraphBudget } from './budget.ts';
import type { RequestCost } from './cost.ts';
import type { Timer } from './token-bucket.ts';

export type RequestClass = 'directory' | 'reports' | 'arm';

/** Graph's identity and access reports limit: 5 requests per 10 s per app per tenant (facts §1.3). */
export const REPORTS_LIMIT = { requestsPerWindow: 5, windowMs: 10_000 } as const;
/**
 * ARM's reads per principal: a bucket of 250 refilled at 25 a second for each subscription, and one for the
 * tenant's own reads (listing subscriptions, management groups) (facts §9, the 2024 model). A read counts against
 * the bucket of the scope its path names, so twenty subscriptions read at twenty times one's pace.
 */
export const ARM_READ_LIMIT = { requestsPerWindow: 250, windowMs: 10_000 } as const;
/** Graph's limit on one application across all tenants: 150,000 RU per 20 s (facts §1.2). */
export const APPLICATION_LIMIT = { resourceUnitsPerWindow: 150_000, windowMs: 20_000 } as const;

/** Reports and sign-in logs are limited apart from the directory's resource units. */
export function requestClass(url: string): RequestClass {
  const path = new URL(url, 'https://graph.invalid').pathname.toLowerCase();
  return /^\/(v1\.0|beta)\/(reports|auditlogs)(\/|$)/.test(path) ? 'reports' : 'directory';
}

export interface Limiters {
  /** The limiter a request of this class waits on (ARM: by the scope `url` names), and the cost it takes. */
  for(cls: RequestClass, cost: RequestCost, url?: string): { budget: GraphBudget; cost: RequestCost };
  /** The directory budget (batches size themselves on it). */
  readonly directory: GraphBudget;
  /** Lets go of shared limiters this transport holds. */
  release(): void;
}

export interface LimiterOptions extends Omit<BudgetOptions, 'timer'> {
  /**
   * `tenant/app`: limiters are shared with every transport of this process that names the same key, and the
   * application's limit across tenants with every transport that names the same app.
   */
  key?: string;
  timer: Timer;
  /** The application's limit across tenants (default APPLICATION_LIMIT; tests pass a small one). */
  application?: { resourceUnitsPerWindow: number; windowMs: number };
}

interface SharedEntry {
  directory: GraphBudget;
  reports: GraphBudget;
  /** ARM read buckets by scope: `tenant`, or a subscription id. */
  arm: Map<string, GraphBudget>;
  armBudget: () => GraphBudget;
  users: number;
}

/** The ARM throttling scope of a request: the subscription its path names, else the tenant. */
export function armScope(url: string): string {
  const path = new URL(url, 'https://arm.invalid').pathname;
  return /^\/subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase() ?? 'tenant';
}
const shared = new Map<string, SharedEntry>();
const applications = new Map<string, { budget: GraphBudget; users: number }>();

/**
 * Both limits a directory request counts against: its tenant's budget, then its application's across all
 * tenants (several tenants read by one reader app share it). A 429 pauses the one Graph names in
 * x-ms-throttle-scope.
 */
function tenantAndApplication(tenant: GraphBudget, application: GraphBudget): GraphBudget {
  return {
    capacity: Math.min(tenant.capacity, application.capacity),
    unitsPerSecond: Math.min(tenant.unitsPerSecond, application.unitsPerSecond),
    async acquire(cost, signal, background) {
      const first = await tenant.acquire(cost, signal, background);
      try {
        const second = await application.acquire(
          { resourceUnits: cost.resourceUnits, keyCredentials: false },
          signal,
          background,
        );
        return {
          release() {
            first.release();
            second.release();
          },
        };
      } catch (error) {
        first.release();
        throw error;
      }
    },
    learn(estimated, server) {
      tenant.learn(estimated, server);
      // The limit percentage Graph reports is the tenant's; the units it charged count against both.
      application.learn(estimated, { resourceUnits: server.resourceUnits, limitPercentage: null });
    },
    pause(ms, scope) {
      if (scope === 'application') application.pause(ms);
      else tenant.pause(ms);
    },
    available: () => Math.min(tenant.available(), application.available()),
  };
}

function applicationBudget(appId: string, options: LimiterOptions): GraphBudget {
  let entry = applications.get(appId);
  if (!entry) {
    const limit = options.application ?? APPLICATION_LIMIT;
    entry = {
      budget: createGraphBudget({ ...limit, headroom: options.headroom, timer: options.timer }),
      users: 0,
    };
    applications.set(appId, entry);
  }
  entry.users += 1;
  return entry.budget;
}

function releaseApplication(appId: string): void {
  const entry = applications.get(appId);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users === 0) applications.delete(appId);
}

function createEntry(options: LimiterOptions, appId: string | undefined): SharedEntry {
  const reports = createGraphBudget({
    resourceUnitsPerWindow: REPORTS_LIMIT.requestsPerWindow,
    windowMs: REPORTS_LIMIT.windowMs,
    // At 5 requests a window, a 10 % reserve would round a whole request away; keep them all.
    headroom: 0,
    timer: options.timer,
  });
  const armBudget = () =>
    createGraphBudget({
      resourceUnitsPerWindow: ARM_READ_LIMIT.requestsPerWindow,
      windowMs: ARM_READ_LIMIT.windowMs,
      headroom: options.headroom,
      timer: options.timer,
    });
  const tenant = createGraphBudget(options);
  const directory = appId ? tenantAndApplication(tenant, applicationBudget(appId, options)) : tenant;
  return { directory, reports, arm: new Map(), armBudget, users: 0 };
}

export function createLimiters(options: LimiterOptions): Limiters {
  const key = options.key?.toLowerCase();
  const appId = key?.split('/')[1] || undefined;
  let entry = key ? shared.get(key) : undefined;
  if (!entry) {
    entry = createEntry(options, appId);
    if (key) shared.set(key, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    directory: held.directory,
    for(cls, cost, url) {
      if (cls === 'directory') return { budget: held.directory, cost };
      const one = { resourceUnits: 1, keyCredentials: false };
      if (cls === 'reports') return { budget: held.reports, cost: one };
      const scope = armScope(url ?? '/');
      let budget = held.arm.get(scope);
      if (!budget) {
        budget = held.armBudget();
        held.arm.set(scope, budget);
      }
      return { budget, cost: one };
    },
    release() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (key && held.users === 0 && shared.get(key) === held) {
        shared.delete(key);
        if (appId) releaseApplication(appId);
      }
    },
  };
}
