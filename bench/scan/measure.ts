// One size of the scan benchmark: a throttled emulator (own process) serves the tenant; the naive script
// and `lanyard scan` run one after the other in their own processes with the log reset in between; then a
// second, unthrottled emulator of the same tenant serves the bare crawl that measures the download time.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BareCrawlResult } from './bare-crawl.ts';
import { type Bound, computeBound, naiveRequestsFor } from './bound.ts';
import { spawnChild, trackTempDir } from './children.ts';
import type { BareReport, ContenderInput, LanyardReport, NaiveReport } from './contender.ts';
import { connectControl, type EmulatorControlClient } from './emulator-control.ts';
import type { HostInput, HostReady } from './emulator-host.ts';
import type { LanyardResult } from './lanyard.ts';
import { analyseLog, type LogStats } from './request-log.ts';

const HOST = new URL('./emulator-host.ts', import.meta.url);
const CONTENDER = new URL('./contender.ts', import.meta.url);

export interface MeasureOptions {
  apps: number;
  seed: number;
  latencyMs: number;
  /** Further latency per KiB of each Graph reply. */
  latencyPerKbMs?: number;
  naive: boolean;
  log: (line: string) => void;
  /** Directory to write Lanyard's request log and report to, for a closer look. */
  dumpDir?: string;
  /** Node/V8 flags for the Lanyard process only (experiments, e.g. --liftoff-only); recorded in the result. */
  lanyardNodeFlags?: string[];
  /** Lanyard scans with its blast-radius part (`lanyard scan --access`): never recorded. */
  withAccess?: boolean;
}

export interface NaiveFigures {
  measured: boolean;
  /** HTTP requests (server log when measured, else computed from the tenant's object counts). */
  requests: number;
  resourceUnits: number | null;
  throttled: number | null;
  wallMs: number | null;
  /** Computed when not measured: requests × the time per request measured at another size. */
  estimatedWallMs: number | null;
  peakRssMB: number | null;
  signInMs: number | null;
  objects: {
    applications: number;
    servicePrincipals: number;
    owners: number;
    federatedCredentials: number;
  } | null;
}

export interface LanyardFigures {
  status: string;
  reason: string | null;
  /** Flags the Lanyard process ran with, when not the defaults. */
  nodeFlags?: string[];
  log: Omit<LogStats, 'chains'> & { chains: Array<LogStats['chains'][number] & { seconds: number }> };
  /** The scan's own count (HTTP requests sent, retries included). */
  clientRequests: number;
  wallMs: number;
  peakRssMB: number;
  openMs: number;
  scanMs: number;
  closeMs: number;
  counts: Record<string, number>;
  peakRssByStep: LanyardResult['peakRssByStep'];
  /** Client clock from the timed start: first and last page handed to the store. */
  firstPageMs: number | null;
  lastPageMs: number | null;
  /** Where the wall time went, from the client's clock and the emulator's log (same machine). */
  phases: {
    toFirstRequestMs: number;
    signInAtMs: number | null;
    graphMs: number;
    afterLastRequestMs: number;
  };
}

export interface SizeResult {
  /** YYYY-MM-DD of the run. */
  date: string;
  /** 1-minute load average before and after (other jobs on the machine slow everything down). */
  loadAverage: [number, number];
  apps: number;
  seed: number;
  latencyMs: number;
  latencyPerKbMs?: number;
  /** The code measured: HEAD and the files under src/ that differed from it (others' work in progress). */
  code?: { commit: string; uncommittedSrc: string[] };
  tenant: { applications: number; servicePrincipals: number; users: number };
  emulatorStartSeconds: number;
  naive: NaiveFigures;
  lanyard: LanyardFigures;
  bare: { ms: number; pages: number; chains: Array<{ first: string; pages: number; seconds: number }> };
  bound: Bound;
}

async function startHost(input: HostInput) {
  const child = spawnChild<HostReady>(HOST, input);
  try {
    return { child, host: await child.report };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

async function contender<T>(
  input: ContenderInput,
  options: { env?: Record<string, string>; nodeFlags?: string[] } = {},
): Promise<T> {
  const child = spawnChild<T>(CONTENDER, input, options);
  try {
    const report = await child.report;
    await child.exited;
    return report;
  } finally {
    await child.stop();
  }
}

async function runNaive(host: HostReady, control: EmulatorControlClient, log: MeasureOptions['log']) {
  await control.resetLog();
  log('  naive: one request at a time (this takes minutes)…');
  // A script pointed at a private CA trusts it the ordinary way: NODE_EXTRA_CA_CERTS.
  const report = await contender<NaiveReport>(
    { mode: 'naive', host },
    { env: { NODE_EXTRA_CA_CERTS: host.caBundlePath } },
  );
  const stats = analyseLog(await control.requests());
  const figures: NaiveFigures = {
    measured: true,
    requests: stats.httpRequests,
    resourceUnits: stats.resourceUnits,
    throttled: stats.throttled,
    wallMs: report.wallMs,
    estimatedWallMs: null,
    peakRssMB: report.peakRssMB,
    signInMs: report.result.signInMs,
    objects: {
      applications: report.result.applications,
      servicePrincipals: report.result.servicePrincipals,
      owners: report.result.owners,
      federatedCredentials: report.result.federatedCredentials,
    },
  };
  log(`  naive: ${figures.requests} requests, ${(report.wallMs / 1000).toFixed(1)} s`);
  return figures;
}

async function runLanyard(host: HostReady, control: EmulatorControlClient, options: MeasureOptions) {
  const { log } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'lanyard-bench-scan-'));
  const untrack = trackTempDir(dataDir);
  try {
    await contender({ mode: 'lanyard-setup', host, dataDir });
    await control.resetLog();
    log('  lanyard scan…');
    const report = await contender<LanyardReport>(
      { mode: 'lanyard', dataDir, withAccess: options.withAccess ?? false },
      { nodeFlags: options.lanyardNodeFlags ?? [] },
    );
    // Log times on this machine's wall clock, comparable with the contender's own marks.
    const offset = await control.clockOffsetMs();
    const records = (await control.requests()).map((r) => ({ ...r, time: r.time - offset }));
    const signIns = (await control.signIns()).map((r) => ({ ...r, time: r.time - offset }));
    if (options.dumpDir) {
      await mkdir(options.dumpDir, { recursive: true });
      const file = join(options.dumpDir, `lanyard-${options.apps}.json`);
      await writeFile(file, JSON.stringify({ report, signIns, records }));
      log(`  wrote ${file}`);
    }
    const stats = analyseLog(records);
    const r = report.result;
    if (r.error || r.summary.status !== 'succeeded') {
      throw new Error(`lanyard scan ${r.summary.status}: ${r.error ?? r.summary.reason ?? ''}`);
    }
    const firstAt = stats.firstAt ?? r.scanStartedAt;
    const lastAt = stats.lastAt ?? r.scanFinishedAt;
    const figures: LanyardFigures = {
      ...(options.lanyardNodeFlags?.length ? { nodeFlags: options.lanyardNodeFlags } : {}),
      status: r.summary.status,
      reason: r.summary.reason,
      log: {
        ...stats,
        chains: stats.chains.map((c) => ({ ...c, seconds: (c.lastAt - c.firstAt) / 1000 })),
      },
      clientRequests: r.summary.requests,
      wallMs: report.wallMs,
      peakRssMB: report.peakRssMB,
      openMs: r.openMs,
      scanMs: r.scanMs,
      closeMs: r.closeMs,
      counts: r.summary.counts,
      peakRssByStep: r.peakRssByStep,
      firstPageMs: r.firstPageMs,
      lastPageMs: r.lastPageMs,
      phases: {
        toFirstRequestMs: firstAt - report.startedAt,
        signInAtMs: signIns[0] ? signIns[0].time - report.startedAt : null,
        graphMs: lastAt - firstAt,
        afterLastRequestMs: report.finishedAt - lastAt,
      },
    };
    log(
      `  lanyard: ${stats.httpRequests} requests, ${stats.resourceUnits} RU, ${(report.wallMs / 1000).toFixed(1)} s`,
    );
    return figures;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    untrack();
  }
}

/** The chains' first pages as Lanyard requested them, crawled against an unthrottled copy of the tenant. */
async function runBare(options: MeasureOptions, paths: string[]): Promise<BareCrawlResult> {
  const { child, host } = await startHost({ ...options, throttle: false });
  try {
    options.log(`  bare crawl of ${paths.length} chains (throttling off)…`);
    const report = await contender<BareReport>({ mode: 'bare', host, paths });
    return report.result;
  } finally {
    await child.stop();
  }
}

export async function measureSize(options: MeasureOptions): Promise<SizeResult> {
  const { log } = options;
  const started = performance.now();
  const loadBefore = loadavg()[0] ?? 0;
  const { child, host } = await startHost({ ...options, throttle: true });
  log(
    `tenant of ${host.applications} applications, ${host.servicePrincipals} service principals, ${host.users} users ` +
      `(generated in ${host.startSeconds.toFixed(1)} s, emulator pid ${child.process.pid})`,
  );
  let naive: NaiveFigures;
  let lanyard: LanyardFigures;
  const control = await connectControl(host);
  try {
    if (options.naive) {
      naive = await runNaive(host, control, log);
      // The naive script and Lanyard sign in as the same app: let its RU bucket fill up again.
      await sleep(10_000);
    } else {
      naive = {
        measured: false,
        requests: naiveRequestsFor(host.applications, host.servicePrincipals),
        resourceUnits: null,
        throttled: null,
        wallMs: null,
        estimatedWallMs: null,
        peakRssMB: null,
        signInMs: null,
        objects: null,
      };
    }
    lanyard = await runLanyard(host, control, options);
  } finally {
    await control.close();
    await child.stop();
  }
  const bare = await runBare(
    options,
    lanyard.log.chains.map((c) => c.first),
  );
  const listPages = lanyard.log.chains.reduce((sum, c) => sum + c.pages, 0);
  const barePages = bare.chains.reduce((sum, c) => sum + c.pages, 0);
  if (barePages !== listPages) log(`  note: the bare crawl read ${barePages} pages, Lanyard ${listPages}`);
  const bound = computeBound({
    resourceUnits: lanyard.log.resourceUnitsAnswered,
    keyLists: lanyard.log.keyCredentialLists,
    downloadMs: bare.ms,
  });
  log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return {
    date: new Date().toISOString().slice(0, 10),
    loadAverage: [loadBefore, loadavg()[0] ?? 0],
    apps: options.apps,
    seed: options.seed,
    latencyMs: options.latencyMs,
    ...(options.latencyPerKbMs ? { latencyPerKbMs: options.latencyPerKbMs } : {}),
    tenant: { applications: host.applications, servicePrincipals: host.servicePrincipals, users: host.users },
    emulatorStartSeconds: host.startSeconds,
    naive,
    lanyard,
    bare: {
      ms: bare.ms,
      pages: barePages,
      chains: bare.chains.map((c) => ({ first: c.first, pages: c.pages, seconds: c.ms / 1000 })),
    },
    bound,
  };
}
