// Child process entry of one contender (or the bare crawl): runs it once and prints one JSON line with its
// result, its wall time and this process's peak RSS (so each contender's memory is its own).
//   node --import tsx bench/scan/contender.ts '{"mode":"naive","host":{...}}'
import type { BareCrawlResult } from './bare-crawl.ts';
import { exitWithParent, report } from './children.ts';
import type { HostReady } from './emulator-host.ts';
import type { LanyardResult } from './lanyard.ts';
import type { NaiveResult } from './naive.ts';

export type ContenderInput =
  | { mode: 'naive'; host: HostReady }
  | { mode: 'lanyard-setup'; host: HostReady; dataDir: string }
  | { mode: 'lanyard'; dataDir: string; withAccess?: boolean }
  | { mode: 'bare'; host: HostReady; paths: string[] };

export interface ContenderReport<T> {
  mode: ContenderInput['mode'];
  wallMs: number;
  /** process.resourceUsage().maxRSS of this process, in MB (10^6 bytes). */
  peakRssMB: number;
  /** Loading the contender's modules, before the clock starts (not in wallMs). */
  loadMs: number;
  startedAt: number;
  finishedAt: number;
  result: T;
}

export type NaiveReport = ContenderReport<NaiveResult>;
export type LanyardReport = ContenderReport<LanyardResult>;
export type BareReport = ContenderReport<BareCrawlResult>;

/** Loads only the modules of this mode (a naive script never loads PGlite), then returns its runner. */
async function load(input: ContenderInput): Promise<() => Promise<unknown>> {
  switch (input.mode) {
    case 'naive': {
      const { runNaive } = await import('./naive.ts');
      return () => runNaive(input.host);
    }
    case 'lanyard-setup': {
      const { createIntegration } = await import('./lanyard.ts');
      return async () => ({ setupMs: await createIntegration(input.host, input.dataDir) });
    }
    case 'lanyard': {
      const { runLanyard } = await import('./lanyard.ts');
      return () => runLanyard(input.dataDir, { access: input.withAccess ?? false });
    }
    case 'bare': {
      const { runBareCrawl } = await import('./bare-crawl.ts');
      return () => runBareCrawl(input.host, input.paths);
    }
  }
}

const input = JSON.parse(process.argv[2] ?? '{}') as ContenderInput;
exitWithParent();
try {
  const loading = performance.now();
  const run = await load(input);
  const loadMs = performance.now() - loading;
  const startedAt = Date.now();
  const t0 = performance.now();
  const result = await run();
  const wallMs = performance.now() - t0;
  report({
    mode: input.mode,
    wallMs,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / 1e6,
    loadMs,
    startedAt,
    finishedAt: Date.now(),
    result,
  } satisfies ContenderReport<unknown>);
  process.exit(0);
} catch (error) {
  process.stderr.write(`${input.mode}: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
