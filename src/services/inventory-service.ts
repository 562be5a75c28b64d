// Inventory listings for the CLI and the API: integration names resolved, filters and paging in the store,
// rows streamed page by page so no caller holds a whole tenant. Errors name the field at fault.
import type { AsOf } from '../core/as-of.ts';
import { NotFound } from '../core/errors.ts';
import type { InventoryFilter } from '../core/inventory-query.ts';
import type { InventoryPage, InventoryRow, Store } from '../store/index.ts';
import { integrationNamed } from './integration-service.ts';

export interface InventoryRequest {
  /** An integration's name; absent: every integration. */
  integration?: string;
  /** A tenant id: the integrations that read it (one tenant may be read by several apps). */
  tenant?: string;
  asOf?: AsOf;
  filter?: InventoryFilter;
}

export interface InventoryServiceDeps {
  store: Pick<Store, 'integrations' | 'scans' | 'inventory'>;
  now: () => number;
}

/** Rows a streamed listing fetches at a time: the first arrive at once, memory stays flat. */
const STREAM_PAGE = 500;

export function createInventoryService({ store, now }: InventoryServiceDeps) {
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

  return {
    /** One page; `after` is the previous page's `next`. */
    async page(request: InventoryRequest & { after?: string; limit: number }): Promise<InventoryPage> {
      return pageOf(await scope(request), request, {
        now: now(),
        limit: request.limit,
        after: request.after,
      });
    },

    /** Every row, fetched page by page as the consumer reads; stop reading to stop fetching. */
    async *rows(request: InventoryRequest): AsyncGenerator<InventoryRow> {
      const scoped = await scope(request);
      // One clock for the whole listing, so a credential cannot change sides between two pages.
      const at = now();
      let after: string | undefined;
      do {
        const page = await pageOf(scoped, request, { now: at, limit: STREAM_PAGE, after });
        yield* page.rows;
        after = page.next;
      } while (after);
    },
  };
}
