// Builds the scan service the CLI commands use: the store given, Graph as the source, the wall clock.
import { createGraphCollect } from '../services/graph-collect.ts';
import { createScanService } from '../services/scan-service.ts';
import type { Store } from '../store/index.ts';

export function createCliScanService(store: Store) {
  return createScanService({ store, collect: createGraphCollect(), now: () => new Date() });
}
