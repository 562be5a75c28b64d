// Builds the scan service the CLI commands use: the store given, Graph as the source, the wall clock.
import type { Collect } from '../services/scan-service.ts';
import { createScanService } from '../services/scan-service.ts';
import type { Store } from '../store/index.ts';

// The Graph client (@azure/identity, undici) loads only when a scan runs, so other commands start fast.
const collectFromGraph =
  (access: boolean): Collect =>
  async (integration, options) => {
    const { createGraphCollect, DEFAULT_GRAPH_SETTINGS } = await import('../services/graph-collect.ts');
    return createGraphCollect({ ...DEFAULT_GRAPH_SETTINGS, access })(integration, options);
  };

/** `access`: also read what each service principal holds (the blast-radius part; opt-in, see README). */
export function createCliScanService(store: Store, settings: { access?: boolean } = {}) {
  return createScanService({
    store,
    collect: collectFromGraph(settings.access ?? false),
    now: () => new Date(),
  });
}
