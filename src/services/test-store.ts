// An in-memory store and last-use source for the services' tests (test support only: nothing imports it outside
// *.test.ts files). Pages run in name order with a cursor, like the real store's; calls are counted so tests can
// check that listings stream and look partners up once per page.
import type { Identity } from '../core/inventory.ts';
import { matchesFilter } from '../core/inventory-query.ts';
import type { LastUseRecord, LastUseSource, LastUseWatch } from '../core/last-use.ts';
import type { Integration, InventoryPage, InventoryPageQuery, InventoryRow, Store } from '../store/index.ts';

export interface FakeIntegration {
  id: string;
  name: string;
  tenantId: string;
  identities: Identity[];
}

export function fakeStore(integrations: FakeIntegration[]) {
  const calls = { page: 0, byAppIds: 0, byAppIdsAsked: 0 };
  const rows: InventoryRow[] = integrations
    .flatMap(({ identities, ...integration }) => identities.map((identity) => ({ integration, identity })))
    .sort(
      (a, b) =>
        a.identity.displayName.localeCompare(b.identity.displayName, 'en') ||
        a.identity.objectId.localeCompare(b.identity.objectId, 'en') ||
        a.integration.id.localeCompare(b.integration.id, 'en'),
    );
  const store = {
    integrations: {
      list: async () => integrations.map(({ identities: _, ...rest }) => rest as unknown as Integration),
      get: async (name: string) => {
        const found = integrations.find((integration) => integration.name === name);
        return found
          ? ({ id: found.id, name: found.name, tenantId: found.tenantId } as Integration)
          : undefined;
      },
    },
    scans: { get: async () => undefined },
    inventory: {
      async page(query: InventoryPageQuery): Promise<InventoryPage> {
        calls.page++;
        const start = query.after ? Number(query.after) : 0;
        const visible = rows.filter(
          (row) =>
            (!query.integrationId || row.integration.id === query.integrationId) &&
            (!query.integrationIds || query.integrationIds.includes(row.integration.id)) &&
            matchesFilter(row.identity, query.filter ?? {}, query.now),
        );
        const page = visible.slice(start, start + query.limit);
        const end = start + page.length;
        return end < visible.length ? { rows: page, next: String(end) } : { rows: page };
      },
      async byAppIds(integrationId: string, appIds: readonly string[]): Promise<Identity[]> {
        calls.byAppIds++;
        calls.byAppIdsAsked += appIds.length;
        const wanted = new Set(appIds.map((id) => id.toLowerCase()));
        return rows
          .filter(
            (row) => row.integration.id === integrationId && wanted.has(row.identity.appId.toLowerCase()),
          )
          .map((row) => row.identity);
      },
    },
  } as unknown as Pick<Store, 'integrations' | 'scans' | 'inventory'>;
  return { store, calls };
}

/** Last use held in memory: per integration a watch and per appId (lower case) a record. */
export function fakeLastUse(
  watches: Record<string, LastUseWatch>,
  records: Record<string, Record<string, { identityAt?: string; credentials?: Record<string, string> }>> = {},
): LastUseSource & { calls: { forApps: number } } {
  const calls = { forApps: 0 };
  return {
    calls,
    watch: async (integrationId) =>
      watches[integrationId] ?? { monitoredSince: null, unknownReason: 'not watched', readThrough: null },
    async forApps(integrationId, appIds) {
      calls.forApps++;
      const found = new Map<string, LastUseRecord>();
      for (const appId of appIds) {
        const record = records[integrationId]?.[appId.toLowerCase()];
        if (record) {
          found.set(appId.toLowerCase(), {
            identityAt: record.identityAt ?? null,
            credentials: new Map(Object.entries(record.credentials ?? {})),
          });
        }
      }
      return found;
    },
  };
}
