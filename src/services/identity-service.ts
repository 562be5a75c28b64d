// Finds one identity the way people name it: object id, app id or exact display name, else part of a name;
// with its history. Several matches come back as candidates for the caller to choose from.
import type { HistoryEntry, InventoryMatch, Store } from '../store/index.ts';

export interface IdentityMatch extends InventoryMatch {
  integration: { id: string; name: string; tenantId: string };
}

export type IdentityLookup =
  /** Matched by id, app id or exact name: every match, each with its history. */
  | { kind: 'found'; matches: Array<IdentityMatch & { history: HistoryEntry[] }> }
  /** Only part of a name matched, more than one identity: pick one by its object id. */
  | { kind: 'candidates'; candidates: IdentityMatch[]; more: boolean }
  | { kind: 'none' };

/** Candidates listed for a partial name; more than this asks for a longer name. */
const MAX_CANDIDATES = 20;

export function createIdentityService({ store }: { store: Pick<Store, 'integrations' | 'inventory'> }) {
  return {
    async lookup(text: string): Promise<IdentityLookup> {
      const integrations = new Map((await store.integrations.list()).map((i) => [i.id, i]));
      const named = (match: InventoryMatch): IdentityMatch => {
        const integration = integrations.get(match.integrationId);
        return {
          ...match,
          integration: {
            id: match.integrationId,
            name: integration?.name ?? match.integrationId,
            tenantId: integration?.tenantId ?? '',
          },
        };
      };
      let exact = await store.inventory.find(text);
      if (exact.length === 0) {
        const partial = await store.inventory.search(text, MAX_CANDIDATES + 1);
        if (partial.length === 0) return { kind: 'none' };
        if (partial.length > 1) {
          return {
            kind: 'candidates',
            candidates: partial.slice(0, MAX_CANDIDATES).map(named),
            more: partial.length > MAX_CANDIDATES,
          };
        }
        exact = partial;
      }
      const matches = await Promise.all(
        exact.map(async (match) => ({
          ...named(match),
          history: await store.inventory.history(match.integrationId, match.identity.objectId),
        })),
      );
      return { kind: 'found', matches };
    },
  };
}
