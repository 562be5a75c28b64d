// Integrations for the CLI and the API: create from raw input (validated, references only, never secret
// values), list, show with the latest scans, delete. Errors name the field at fault.
import { NotFound } from '../core/errors.ts';
import { type RawIntegrationInput, validateIntegrationInput } from '../core/integration-config.ts';
import type { Integration, ScanRecord, Store } from '../store/index.ts';

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

    async delete(name: string): Promise<void> {
      if (!(await store.integrations.delete(name))) await named(name);
    },
  };
}
