// Integrations for the CLI and the API: create from raw input (validated, references only, never secret
// values), list, show with the latest scans, delete. Errors name the field at fault.
import { InvalidInput, NotFound } from '../core/errors.ts';
import {
  type RawIntegrationInput,
  subscriptionIds,
  validateIntegrationInput,
} from '../core/integration-config.ts';
import type { AzureSubscriptions, Integration, ScanRecord, Store } from '../store/index.ts';

/** Scans `show` returns by default: the latest, newest last. */
const LATEST_SCANS = 10;

export interface IntegrationDetail {
  integration: Integration;
  /** The latest scans, oldest first. */
  scans: ScanRecord[];
  /** All scans of the integration. */
  scanCount: number;
}

/** The integration of that name, or NotFound naming `field`: how every service resolves a name it was given. */
export async function integrationNamed(
  integrations: Pick<Store['integrations'], 'get'>,
  name: string,
  field: string,
): Promise<Integration> {
  const found = await integrations.get(name);
  if (!found) {
    throw new NotFound(`no integration named "${name}"`, { field, fix: 'see `lanyard integration list`' });
  }
  return found;
}

export function createIntegrationService({ store }: { store: Pick<Store, 'integrations' | 'scans'> }) {
  const named = (name: string) => integrationNamed(store.integrations, name, 'name');

  return {
    /** Conflict when the name is taken; InvalidInput naming the flag when the input is wrong. */
    async create(raw: RawIntegrationInput): Promise<Integration> {
      return store.integrations.create({ provider: 'azure', ...validateIntegrationInput(raw) });
    },

    list: () => store.integrations.list(),

    async show(name: string, latest = LATEST_SCANS): Promise<IntegrationDetail> {
      const integration = await named(name);
      const scans = await store.scans.list(integration.id);
      return { integration, scans: scans.slice(-latest), scanCount: scans.length };
    },

    /**
     * Which Azure subscriptions it reads: `pin` replaces the pinned list, `all` reads every visible one again,
     * `forget` drops ones an earlier scan saw (cancelled or moved), so their absence no longer counts as unknown.
     */
    async subscriptions(
      name: string,
      change: { pin?: readonly string[]; all?: boolean; forget?: readonly string[] } = {},
    ): Promise<AzureSubscriptions> {
      if (change.pin?.length && change.all) {
        throw new InvalidInput('pin subscriptions or read all of them, not both', {
          field: 'pin',
          fix: 'give --pin <ids...> to read only those, or --all to read every visible subscription',
        });
      }
      const pin = change.pin?.length ? subscriptionIds(change.pin, 'pin') : undefined;
      const forget = new Set(change.forget?.length ? subscriptionIds(change.forget, 'forget') : []);
      const integration = await named(name);
      const current = integration.azureSubscriptions ?? { pinned: null, seen: [] };
      const next: AzureSubscriptions = {
        pinned: change.all ? null : (pin ?? current.pinned),
        seen: current.seen.filter((id) => !forget.has(id)),
      };
      if (change.pin?.length || change.all || forget.size > 0)
        await store.integrations.setSubscriptions(integration.id, next);
      return next;
    },

    async delete(name: string): Promise<void> {
      if (!(await store.integrations.delete(name))) await named(name);
    },
  };
}
