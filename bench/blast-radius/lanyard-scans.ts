// Lanyard's scan three times on one fresh store, as `lanyard scan` wires it (scan service, Graph collect over
// the emulator's CA, certificate sign-in): the inventory alone, then with blast radius and last use (the first
// sign-in reading pages the activity reports), then the same again (the sign-in log since the last reading).
// Each scan's share of the emulator's log is split by part (request-split.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createScanService } from '../../src/services/scan-service.ts';
import { openStore } from '../../src/store/index.ts';
import { trackTempDir } from '../scan/children.ts';
import type { EmulatorControlClient } from '../scan/emulator-control.ts';
import { benchIntegration } from '../scan/integration.ts';
import type { BlastRadiusHostReady } from './emulator-host.ts';
import { familiesOf, PARTS, type Part, type PartStats, splitLog } from './request-split.ts';

export type ScanKind = 'inventory' | 'first' | 'rescan';

export const SCANS: ReadonlyArray<{ kind: ScanKind; title: string; access: boolean; signIns: boolean }> = [
  { kind: 'inventory', title: 'inventory only', access: false, signIns: false },
  {
    kind: 'first',
    title: '+ blast radius + last use, first (full sign-in reading)',
    access: true,
    signIns: true,
  },
  {
    kind: 'rescan',
    title: '+ blast radius + last use, rescan (sign-in log since)',
    access: true,
    signIns: true,
  },
];

export interface ScanFigures {
  kind: ScanKind;
  status: string;
  reason: string | null;
  incompleteParts: string[];
  warnings: string[];
  wallMs: number;
  /** The scan's own count of Graph requests and RU (its transport; ARM not included). */
  clientRequests: number;
  clientResourceUnits: number;
  log: Record<Part | 'total', PartStats>;
  /** Requests per part and path family (ids and query left out; `$batch` items and envelopes both counted). */
  families: Record<Part, Record<string, number>>;
  /** Seconds from the scan's start to each part's last request (emulator log, same machine's clock). */
  partEndsSeconds: Partial<Record<Part, number>>;
}

/** The medium tenant's budget, which the emulator host pins. */
const RESOURCE_UNITS_PER_10S = 5000;
/** Long enough for Graph's RU bucket, the reports limit (10 s windows) and ARM's read buckets to refill. */
export const REFILL_MS = 10_000;

export async function runLanyardScans(
  host: BlastRadiusHostReady,
  control: EmulatorControlClient,
  log: (line: string) => void,
): Promise<ScanFigures[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lanyard-bench-blast-radius-'));
  const untrack = trackTempDir(dataDir);
  const store = await openStore({ dataDir });
  const figures: ScanFigures[] = [];
  try {
    await store.integrations.create(benchIntegration(host));
    const offsetMs = await control.clockOffsetMs();
    let seen = (await control.requests()).length;
    for (const [i, scan] of SCANS.entries()) {
      if (i > 0) await sleep(REFILL_MS);
      log(`  lanyard scan, ${scan.title}…`);
      const service = createScanService({
        store,
        collect: createGraphCollect({
          resourceUnitsPer10s: RESOURCE_UNITS_PER_10S,
          access: scan.access,
          signIns: scan.signIns,
        }),
        now: () => new Date(),
      });
      const startedAt = Date.now() + offsetMs;
      const t0 = performance.now();
      const { summary } = await service.run('bench');
      const wallMs = performance.now() - t0;
      const all = await control.requests();
      const mine = all.slice(seen).filter((r) => r.appId === host.clientId);
      seen = all.length;
      const split = splitLog(mine);
      const partEndsSeconds: ScanFigures['partEndsSeconds'] = {};
      for (const part of PARTS) {
        const lastAt = split[part].lastAt;
        if (lastAt !== null) partEndsSeconds[part] = (lastAt - startedAt) / 1000;
      }
      const figure: ScanFigures = {
        kind: scan.kind,
        status: summary.status,
        reason: summary.reason,
        incompleteParts: summary.incompleteParts.map((p) => p.name),
        warnings: summary.warnings,
        wallMs,
        clientRequests: summary.requests,
        clientResourceUnits: summary.resourceUnits,
        log: split,
        families: familiesOf(mine),
        partEndsSeconds,
      };
      figures.push(figure);
      log(
        `    ${summary.status} in ${(wallMs / 1000).toFixed(1)} s: ${split.total.httpRequests} HTTP requests, ` +
          `${split.total.resourceUnits} RU, ${split.total.throttled} 429s` +
          (summary.reason ? ` (${summary.reason})` : ''),
      );
    }
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
    untrack();
  }
  return figures;
}
