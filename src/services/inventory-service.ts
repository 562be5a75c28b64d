// Inventory listings for the CLI and the API: integration names resolved, filters and paging in the store,
// rows streamed page by page so no caller holds a whole tenant. Errors name the field at fault.
import type { AsOf } from '../core/as-of.ts';
import { NotFound } from '../core/errors.ts';
import type { InventoryFilter } from '../core/inventory-query.ts';
import type { InventoryPage, InventoryRow, Store } from '../store/index.ts';

export interface InventoryRequest {
  /** An integration's name; absent: every integration. */
  integration?: string;
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
    let integrationId: string | undefined;
    if (request.integration !== undefined) {
      const integration = await store.integrations.get(request.integration);
      if (!integration) {
        throw new NotFound(`no integration named "${request.integration}"`, {
          field: 'integration',
          fix: 'see `lanyard integration list`',
        });
      }
      integrationId = integration.id;
    }
    const { asOf } = request;
    if (asOf && 'scanId' in asOf && !(await store.scans.get(asOf.scanId))) {
      throw new NotFound(`no scan ${asOf.scanId}`, {
        field: 'asOf',
        fix: 'see the scan ids in `lanyard integration show <name>`',
      });
    }
    return { ...(integrationId ? { integrationId } : {}), ...(asOf ? { asOf } : {}) };
  }

  return {
    /** One page; `after` is the previous page's `next`. */
    async page(request: InventoryRequest & { after?: string; limit: number }): Promise<InventoryPage> {
      return store.inventory.page({
        ...(await scope(request)),
        filter: request.filter ?? {},
        now: now(),
        limit: request.limit,
        ...(request.after ? { after: request.after } : {}),
      });
    },

    /** Every row, fetched page by page as the consumer reads; stop reading to stop fetching. */
    async *rows(request: InventoryRequest): AsyncGenerator<InventoryRow> {
      const scoped = await scope(request);
      const at = now();
      let after: string | undefined;
      do {
        const page = await store.inventory.page({
          ...scoped,
          filter: request.filter ?? {},
          now: at,
          limit: STREAM_PAGE,
          ...(after ? { after } : {}),
        });
        yield* page.rows;
        after = page.next;
      } while (after);
    },
  };
}
