// Inventory listings for the CLI and the API: integration names resolved, filters and paging in the store,
// rows streamed page by page so no caller holds a whole tenant. Filters on risk, tier and last use need
// scores the store does not hold: they apply to each page after the store's filters. Errors name the field
// at fault.
import type { AsOf } from '../core/as-of.ts';
import { NotFound } from '../core/errors.ts';
import {
  type InventoryFilter,
  matchesRiskFilter,
  needsRiskFacts,
  type RiskFilter,
} from '../core/inventory-query.ts';
import type { LastUseSource } from '../core/last-use.ts';
import type { RiskConfig } from '../core/risk/config.ts';
import type { TierOverrides } from '../core/tiers/tier-table.ts';
import type { InventoryPage, InventoryRow, Store } from '../store/index.ts';
import { integrationNamed } from './integration-service.ts';
import { createWorkloadRisk } from './workload-risk.ts';

export interface InventoryRequest {
  /** An integration's name; absent: every integration. */
  integration?: string;
  /** A tenant id: the integrations that read it (one tenant may be read by several apps). */
  tenant?: string;
  asOf?: AsOf;
  filter?: InventoryFilter;
  /** Applied after the store's page: needs `lastUse` in the service's dependencies. */
  risk?: RiskFilter;
}

export interface InventoryServiceDeps {
  store: Pick<Store, 'integrations' | 'scans' | 'inventory'>;
  now: () => number;
  /** Where last use is read from; needed by the risk filters only. */
  lastUse?: LastUseSource;
  config?: RiskConfig;
  tiers?: TierOverrides;
}

/** Rows a streamed listing fetches at a time: the first arrive at once, memory stays flat. */
const STREAM_PAGE = 500;

export function createInventoryService({ store, now, lastUse, config, tiers }: InventoryServiceDeps) {
  /** One scorer per listing: it reads each integration's sign-in watch once, as of the listing's start. */
  function scorerFor(request: InventoryRequest) {
    if (!needsRiskFacts(request.risk)) return undefined;
    if (!lastUse) throw new Error('the inventory service needs a last-use source for risk filters');
    return createWorkloadRisk({
      inventory: store.inventory,
      lastUse,
      ...(config ? { config } : {}),
      ...(tiers ? { tiers } : {}),
    });
  }

  /** The page's rows that pass the risk filters, in order (the page as is when there are none). */
  async function riskFiltered(
    page: InventoryPage,
    request: InventoryRequest,
    at: number,
    workloads: ReturnType<typeof scorerFor>,
  ): Promise<InventoryPage> {
    const filter = request.risk;
    if (!filter || !workloads || page.rows.length === 0) return page;
    const clock = new Date(at);
    const assessed = await workloads.assess(page.rows, clock, request.asOf);
    const rows = assessed
      .filter((entry) =>
        matchesRiskFilter(
          {
            level: entry.risk.level,
            reach: entry.reach,
            identityLastUse: entry.identityLastUse,
            credentialLastUses: entry.credentials.map(entry.lastUseOf),
          },
          filter,
          clock,
        ),
      )
      .map((entry) => entry.row);
    return page.next ? { rows, next: page.next } : { rows };
  }

  async function scope(request: InventoryRequest) {
    const integrationId =
      request.integration === undefined
        ? undefined
        : (await integrationNamed(store.integrations, request.integration, 'integration')).id;
    const integrationIds = request.tenant === undefined ? undefined : await ofTenant(request.tenant);
    const { asOf } = request;
    if (asOf && 'scanId' in asOf && !(await store.scans.get(asOf.scanId))) {
      throw new NotFound(`no scan ${asOf.scanId}`, {
        field: 'asOf',
        fix: 'see the scan ids in `lanyard integration show <name>`',
      });
    }
    return {
      ...(integrationId ? { integrationId } : {}),
      ...(integrationIds ? { integrationIds } : {}),
      ...(asOf ? { asOf } : {}),
    };
  }

  async function ofTenant(tenant: string): Promise<string[]> {
    const wanted = tenant.trim().toLowerCase();
    const ids = (await store.integrations.list())
      .filter((integration) => integration.tenantId.toLowerCase() === wanted)
      .map((integration) => integration.id);
    if (ids.length === 0) {
      throw new NotFound(`no integration reads tenant "${tenant}"`, {
        field: 'tenant',
        fix: 'see the tenant ids in `lanyard integration list`',
      });
    }
    return ids;
  }

  const pageOf = (
    scoped: Awaited<ReturnType<typeof scope>>,
    request: InventoryRequest,
    at: { now: number; limit: number; after: string | undefined },
  ): Promise<InventoryPage> =>
    store.inventory.page({
      ...scoped,
      filter: request.filter ?? {},
      now: at.now,
      limit: at.limit,
      ...(at.after ? { after: at.after } : {}),
    });

  /** Every page, fetched as the consumer reads; stop reading to stop fetching. */
  async function* pages(request: InventoryRequest): AsyncGenerator<InventoryPage> {
    const workloads = scorerFor(request);
    const scoped = await scope(request);
    // One clock for the whole listing, so a credential cannot change sides between two pages.
    const at = now();
    let after: string | undefined;
    do {
      const page = await pageOf(scoped, request, { now: at, limit: STREAM_PAGE, after });
      yield await riskFiltered(page, request, at, workloads);
      after = page.next;
    } while (after);
  }

  return {
    /**
     * One page; `after` is the previous page's `next`. With risk filters a page may hold fewer rows than `limit`,
     * even none, and still have a `next`.
     */
    async page(request: InventoryRequest & { after?: string; limit: number }): Promise<InventoryPage> {
      const workloads = scorerFor(request);
      const at = now();
      const page = await pageOf(await scope(request), request, {
        now: at,
        limit: request.limit,
        after: request.after,
      });
      return riskFiltered(page, request, at, workloads);
    },

    pages,

    /** Every row, fetched page by page as the consumer reads; stop reading to stop fetching. */
    async *rows(request: InventoryRequest): AsyncGenerator<InventoryRow> {
      for await (const page of pages(request)) yield* page.rows;
    },
  };
}
