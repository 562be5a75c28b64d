// Markdown tables of the blast-radius benchmark: Lanyard's three scans split by part, and blast radius against
// the naive approach (computed at every size, measured where it was run).
import type { BlastRadiusHostReady, NaiveGroundTruth } from './emulator-host.ts';
import { SCANS, type ScanFigures } from './lanyard-scans.ts';
import type { NaiveComputed, NaiveRun } from './naive.ts';
import type { Part, PartStats } from './request-split.ts';

export interface BlastRadiusResult {
  /** YYYY-MM-DD of the run. */
  date: string;
  apps: number;
  subscriptions: number;
  seed: number;
  latencyMs: number;
  /** 1-minute load average before and after: other jobs on this shared machine slow everything down. */
  loadAverage: [number, number];
  machine: { nproc: string; cpu: string; node: string };
  /** HEAD and the files under src/ that differed from it (others' work in progress). */
  code?: { commit: string; uncommittedSrc: string[] };
  tenant: Pick<BlastRadiusHostReady, 'applications' | 'servicePrincipals' | 'users'>;
  truth: NaiveGroundTruth;
  emulatorStartSeconds: number;
  scans: ScanFigures[];
  naive: {
    computed: NaiveComputed;
    measured?: NaiveRun & {
      log: Record<Part | 'total', PartStats>;
      /** Answered requests of the measured run equal the formula's. */
      graphMatches: boolean;
      armMatches: boolean;
    };
  };
}

const n = (v: number) => Math.round(v).toLocaleString('en');
/**
 * The subscriptions the tenant has: the generator keeps every one its managed identities name (4 at 2,000 apps,
 * 5 from 10,000), so asking for fewer gives more.
 */
const size = (r: BlastRadiusResult) =>
  `${n(r.apps)} / ${r.truth.subscriptions}${r.truth.subscriptions !== r.subscriptions ? ` (asked ${r.subscriptions})` : ''}`;
const s = (ms: number) => (ms / 1000).toFixed(1);
const answered = (p: PartStats) => p.httpRequests - p.throttled;
const graphAnswered = (p: PartStats) => p.graphRequests - p.throttled;
const duration = (seconds: number) =>
  seconds >= 3600
    ? `${(seconds / 3600).toFixed(1)} h`
    : seconds >= 120
      ? `${(seconds / 60).toFixed(1)} min`
      : `${seconds.toFixed(0)} s`;

const PART_TITLES: Record<Part, string> = {
  inventory: 'inventory (Graph)',
  accessGraph: 'blast radius, Graph',
  accessArm: 'blast radius, ARM RBAC',
  armIdentities: 'managed identities, ARM',
  lastUse: 'last use (reports limit)',
};

/** Per scan and part: requests (HTTP / as Graph counts), RU, 429s, when the part's last request went. */
export function renderScans(results: readonly BlastRadiusResult[]): string {
  const rows = [
    '| apps / subscriptions | scan | status | wall s | part | HTTP requests | Graph requests | RU | 429s | last request at s |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const scan of r.scans) {
      const title = SCANS.find((x) => x.kind === scan.kind)?.title ?? scan.kind;
      const parts = (Object.keys(PART_TITLES) as Part[]).filter((p) => scan.log[p].httpRequests > 0);
      for (const [i, part] of parts.entries()) {
        const p = scan.log[part];
        const head = i === 0 ? `| ${size(r)} | ${title} | ${scan.status} | ${s(scan.wallMs)} |` : '| | | | |';
        rows.push(
          `${head} ${PART_TITLES[part]} | ${n(p.httpRequests)} | ${n(p.graphRequests)} | ${
            part === 'lastUse' ? '–' : n(p.resourceUnits)
          } | ${p.throttled} | ${scan.partEndsSeconds[part]?.toFixed(1) ?? ''} |`,
        );
      }
      const t = scan.log.total;
      rows.push(
        `| | | | | **total** | **${n(t.httpRequests)}** | **${n(t.graphRequests)}** | **${n(t.resourceUnits)}** | ${t.throttled} | |`,
      );
    }
  }
  return rows.join('\n');
}

/** Blast radius: Lanyard's first scan with access against the naive approach, per API. */
export function renderVersusNaive(results: readonly BlastRadiusResult[]): string {
  const rows = [
    '| apps / subscriptions | service principals | | Graph requests | Graph RU | ARM requests | fastest the limits allow |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const first = r.scans.find((x) => x.kind === 'first');
    const rescan = r.scans.find((x) => x.kind === 'rescan');
    const c = r.naive.computed;
    const head = `| ${size(r)} | ${n(r.truth.servicePrincipals)} |`;
    rows.push(
      `${head} naive, computed | ${n(c.graphRequests)} | ${n(c.graphResourceUnits)} | ${n(c.armRequests)} | ` +
        `Graph ${duration(c.graphSecondsAtLimit)}, ARM ${duration(c.armSecondsAtLimit)} |`,
    );
    const m = r.naive.measured;
    if (m) {
      rows.push(
        `| | | naive, measured (${m.concurrency} in flight per API and subscription) | ${n(graphAnswered(m.log.accessGraph))}` +
          ` ${m.graphMatches ? '(= formula)' : '**(≠ formula)**'} | ${n(m.log.accessGraph.resourceUnits)} | ` +
          `${n(answered(m.log.accessArm))} ${m.armMatches ? '(= formula)' : '**(≠ formula)**'} | ` +
          `ran ${s(m.wallMs)} s, ${m.retried} 429s waited out |`,
      );
    }
    for (const scan of [first, rescan]) {
      if (!scan) continue;
      const g = scan.log.accessGraph;
      rows.push(
        `| | | Lanyard, ${scan.kind === 'first' ? 'first scan' : 'rescan'} | ${n(graphAnswered(g))} (${n(g.httpRequests)} HTTP) | ` +
          `${n(g.resourceUnits)} | ${n(answered(scan.log.accessArm))} (+ ${n(answered(scan.log.armIdentities))} managed identities) | ` +
          `inside the scan |`,
      );
    }
    if (first) {
      const g = first.log.accessGraph;
      rows.push(
        `| | | naive / Lanyard | ${ratio(c.graphRequests, graphAnswered(g))} | ${ratio(c.graphResourceUnits, g.resourceUnits)} | ` +
          `${ratio(c.armRequests, answered(first.log.accessArm))} | |`,
      );
    }
  }
  return rows.join('\n');
}

/** Last use: what each reading took of the reports limit (5 requests / 10 s). */
export function renderLastUse(results: readonly BlastRadiusResult[]): string {
  const rows = [
    '| apps / subscriptions | reading | requests | 429s | objects | last request at s (10 s / 5 requests ⇒ at least) |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    for (const scan of r.scans.filter((x) => x.kind !== 'inventory')) {
      const p = scan.log.lastUse;
      rows.push(
        `| ${size(r)} | ${scan.kind === 'first' ? 'first (reports + 30 days of log)' : 'rescan (log since the last reading)'} | ` +
          `${n(p.httpRequests)} | ${p.throttled} | ${n(p.objects)} | ${scan.partEndsSeconds.lastUse?.toFixed(1) ?? ''} ` +
          `(${Math.max(0, (answered(p) - 5) * 2)} s) |`,
      );
    }
  }
  return rows.join('\n');
}

function ratio(naive: number, lanyard: number): string {
  return lanyard > 0 ? `${(naive / lanyard).toFixed(naive / lanyard >= 10 ? 0 : 1)}x` : '–';
}

export function renderAll(results: readonly BlastRadiusResult[]): string {
  return [
    'Lanyard, per scan and part:',
    '',
    renderScans(results),
    '',
    'Blast radius against the naive approach:',
    '',
    renderVersusNaive(results),
    '',
    'Last use:',
    '',
    renderLastUse(results),
  ].join('\n');
}
