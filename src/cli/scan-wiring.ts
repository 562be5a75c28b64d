// Builds the scan service the CLI commands use: the store given, Graph as the source, the wall clock.
import type { Collect } from '../services/scan-service.ts';
import { createScanService } from '../services/scan-service.ts';
import type { Store } from '../store/index.ts';

// The Graph client (@azure/identity, undici) loads only when a scan runs, so other commands start fast.
const collectFromGraph: Collect = async (integration, options) => {
  const { createGraphCollect } = await import('../services/graph-collect.ts');
  return createGraphCollect()(integration, options);
};

export function createCliScanService(store: Store) {
  return createScanService({ store, collect: collectFromGraph, now: () => new Date() });
}
