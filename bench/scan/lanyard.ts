// `lanyard scan` as the CLI wires it: the real scan service over PGlite with Graph as the source. The
// integration is created first (as `lanyard integration create azure --auth certificate --cloud custom
// --ca-file <emulator CA bundle>` would), then the timed part opens the store, scans and closes it.
import { validateIntegrationInput } from '../../src/core/integration-config.ts';
import { createGraphCollect, DEFAULT_GRAPH_SETTINGS } from '../../src/services/graph-collect.ts';
import { createScanService, type ScanSummary } from '../../src/services/scan-service.ts';
import { openStore } from '../../src/store/index.ts';
import type { HostReady } from './emulator-host.ts';

export interface LanyardResult {
  summary: ScanSummary;
  error?: string;
  /** Epoch ms, comparable with the emulator's request log (same machine, wall clock). */
  scanStartedAt: number;
  scanFinishedAt: number;
  openMs: number;
  scanMs: number;
  closeMs: number;
  /** Peak RSS (MB) reached by the end of each step: where the memory went. */
  peakRssByStep: Record<Step, number>;
  /** Client clock, ms after the timed part started: first and last page handed to the store. */
  firstPageMs: number | null;
  lastPageMs: number | null;
}

type Step = 'imported' | 'opened' | 'firstPage' | 'lastPage' | 'scanned' | 'closed';

const peakRssMB = () => (process.resourceUsage().maxRSS * 1024) / 1e6;

const NAME = 'bench';

/** Untimed: what `lanyard integration create` leaves behind in a fresh data dir. */
export async function createIntegration(host: HostReady, dataDir: string): Promise<number> {
  const started = performance.now();
  const store = await openStore({ dataDir });
  try {
    const input = validateIntegrationInput({
      name: NAME,
      tenant: host.tenantId,
      clientId: host.clientId,
      auth: 'certificate',
      certificate: host.certificatePath,
      cloud: 'custom',
      loginUrl: host.origin,
      graphUrl: host.origin,
      armUrl: host.origin,
      caFile: host.caBundlePath,
    });
    await store.integrations.create({ provider: 'azure', ...input });
  } finally {
    await store.close();
  }
  return performance.now() - started;
}

/** Timed: `lanyard scan --integration bench`. */
export async function runLanyard(dataDir: string, settings: { access: boolean }): Promise<LanyardResult> {
  const peaks: Partial<Record<Step, number>> = { imported: peakRssMB() };
  const t0 = performance.now();
  const store = await openStore({ dataDir });
  peaks.opened = peakRssMB();
  const t1 = performance.now();
  const scanStartedAt = Date.now();
  let firstPageMs: number | null = null;
  let lastPageMs: number | null = null;
  let outcome: { summary: ScanSummary; error?: unknown };
  try {
    const service = createScanService({
      store,
      collect: createGraphCollect({ ...DEFAULT_GRAPH_SETTINGS, access: settings.access }),
      now: () => new Date(),
    });
    outcome = await service.run(NAME, {
      onProgress: () => {
        lastPageMs = performance.now() - t0;
        if (firstPageMs === null) {
          firstPageMs = lastPageMs;
          peaks.firstPage = peakRssMB();
        }
        peaks.lastPage = peakRssMB();
      },
    });
    peaks.scanned = peakRssMB();
  } catch (error) {
    await store.close();
    throw error;
  }
  const scanFinishedAt = Date.now();
  const t2 = performance.now();
  await store.close();
  const t3 = performance.now();
  peaks.closed = peakRssMB();
  return {
    peakRssByStep: peaks as Record<Step, number>,
    firstPageMs,
    lastPageMs,
    summary: outcome.summary,
    ...(outcome.error ? { error: String((outcome.error as Error).message ?? outcome.error) } : {}),
    scanStartedAt,
    scanFinishedAt,
    openMs: t1 - t0,
    scanMs: t2 - t1,
    closeMs: t3 - t2,
  };
}
