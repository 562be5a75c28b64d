// Incremental scans against full ones: a generated tenant is scanned in full (delta links taken), a share of its
// applications is changed through the emulator's mutation helpers (secrets and certificates added and removed,
// owners changed, federated credentials added, renames, deletions, new applications), then scanned
// incrementally, then in full again (`--full`) for the like-for-like comparison. The emulator runs in its own
// process with Graph's medium budget and latency added to every request; Lanyard runs here as `lanyard scan`
// wires it (scan service, Graph collect, a fresh PGlite store). Requests and RU come from the emulator's log.
//   npm run bench -- delta [--apps 100000] [--share 0.01] [--latency-ms 50] [--seed 1]
//     [--readings lenient|strict]   Graph's disputed behaviours (default lenient, as the scan benchmark)
//     [--with-access]               blast radius and last use too (the incremental scan carries access)
//     [--no-record]                 console only (no bench/results/delta.json)
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { LENIENT_READINGS, STRICT_READINGS } from '../emulator/graph/readings.ts';
import { createGraphCollect } from '../src/services/graph-collect.ts';
import { createScanService, type RunScanOptions } from '../src/services/scan-service.ts';
import { openStore } from '../src/store/index.ts';
import { spawnChild, trackTempDir } from './scan/children.ts';
import { connectControl } from './scan/emulator-control.ts';
import type { HostInput, HostReady } from './scan/emulator-host.ts';
import { benchIntegration } from './scan/integration.ts';
import { analyseLog } from './scan/request-log.ts';

const HOST = new URL('./scan/emulator-host.ts', import.meta.url);
const RESULTS = new URL('./results/delta.json', import.meta.url);
/** The medium tenant's budget, which the emulator host pins. */
const RESOURCE_UNITS_PER_10S = 5000;
/** Long enough for Graph's RU bucket and the reports limit (10 s windows) to refill between scans. */
const REFILL_MS = 10_000;

interface Args {
  apps: number;
  share: number;
  latencyMs: number;
  seed: number;
  readings: 'lenient' | 'strict';
  access: boolean;
  record: boolean;
}

function parseArgs(args: string[]): Args {
  const value = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const known = ['--apps', '--share', '--latency-ms', '--seed', '--readings', '--with-access', '--no-record'];
  const unknown = args.filter(
    (a, i) => a.startsWith('--') && !known.includes(a) && !known.includes(args[i - 1]!),
  );
  if (unknown.length > 0) throw new RangeError(`unknown option ${unknown.join(' ')}`);
  const int = (name: string, fallback: number, min: number) => {
    const v = Number((value(name) ?? String(fallback)).replace(/_/g, ''));
    if (!Number.isInteger(v) || v < min) throw new RangeError(`--${name} needs a whole number ≥ ${min}`);
    return v;
  };
  const share = Number(value('share') ?? '0.01');
  if (!(share > 0 && share <= 1)) throw new RangeError('--share is a fraction in (0, 1], e.g. 0.01');
  const readings = value('readings') ?? 'lenient';
  if (readings !== 'lenient' && readings !== 'strict')
    throw new RangeError('--readings is lenient or strict');
  return {
    apps: int('apps', 100_000, 1),
    share,
    latencyMs: int('latency-ms', 50, 0),
    seed: int('seed', 1, 0),
    readings,
    access: args.includes('--with-access'),
    record: !args.includes('--no-record'),
  };
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

export interface DeltaScanFigures {
  kind: 'first full' | 'incremental' | 'full rescan';
  mode: string | undefined;
  status: string;
  wallMs: number;
  httpRequests: number;
  graphRequests: number;
  resourceUnits: number;
  throttled: number;
  changes: { added: number; changed: number; removed: number } | null;
  modeReason: string | undefined;
}

export interface DeltaResult {
  date: string;
  machine: { nproc: string; cpu: string; node: string };
  code: string;
  args: Omit<Args, 'record'>;
  tenant: { applications: number; servicePrincipals: number };
  churn: { applications: number; byKind: Record<string, number> };
  loadAverage: [number, number];
  scans: DeltaScanFigures[];
  /** Incremental ÷ full rescan of the changed tenant. */
  ratio: { resourceUnits: number; graphRequests: number; wall: number };
}

async function postChurn(host: HostReady, share: number, seed: number) {
  const agent = new Agent({ connect: { ca: await readFile(host.caCertPath, 'utf8') } });
  try {
    const res = await request(`${host.origin}/_emulator/tenants/${host.tenantId}/churn`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'x-emulator-admin-key': host.adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ share, seed }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`churn: ${res.statusCode} ${text}`);
    return JSON.parse(text) as { applications: number; changes: Record<string, string[]> };
  } finally {
    await agent.close();
  }
}

const fmt = (n: number) => n.toLocaleString('en');

function render(result: DeltaResult): string {
  const rows = result.scans.map(
    (s) =>
      `| ${s.kind} | ${s.mode} | ${s.status} | ${fmt(s.httpRequests)} | ${fmt(s.graphRequests)} | ${fmt(s.resourceUnits)} | ${s.throttled} | ${(s.wallMs / 1000).toFixed(1)} |`,
  );
  return [
    `${fmt(result.tenant.applications)} applications, ${fmt(result.tenant.servicePrincipals)} service principals; ` +
      `${fmt(result.churn.applications)} applications changed (${Object.entries(result.churn.byKind)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(
          ', ',
        )}); readings ${result.args.readings}${result.args.access ? ', with access and last use' : ''}`,
    '',
    '| scan | mode | status | requests | Graph requests | RU | 429s | wall s |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `incremental ÷ full rescan: RU ${(result.ratio.resourceUnits * 100).toFixed(2)} %, Graph requests ` +
      `${(result.ratio.graphRequests * 100).toFixed(2)} %, wall ${(result.ratio.wall * 100).toFixed(1)} %`,
  ].join('\n');
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const loadBefore = loadavg()[0]!;
  log(
    `== delta: ${fmt(args.apps)} applications, ${args.share * 100} % changed, ${args.latencyMs} ms latency, ` +
      `medium budget, ${args.readings} readings, seed ${args.seed} ==`,
  );
  const child = spawnChild<HostReady>(HOST, {
    apps: args.apps,
    seed: args.seed,
    throttle: true,
    latencyMs: args.latencyMs,
    readings: args.readings === 'strict' ? STRICT_READINGS : LENIENT_READINGS,
  } satisfies HostInput);
  const dataDir = await mkdtemp(join(tmpdir(), 'lanyard-bench-delta-'));
  const untrack = trackTempDir(dataDir);
  try {
    const host = await child.report;
    log(
      `  tenant: ${fmt(host.applications)} applications, ${fmt(host.servicePrincipals)} service principals ` +
        `(emulator up in ${host.startSeconds.toFixed(1)} s)`,
    );
    const control = await connectControl(host);
    const store = await openStore({ dataDir });
    const scans: DeltaScanFigures[] = [];
    let churn: DeltaResult['churn'] = { applications: 0, byKind: {} };
    try {
      await store.integrations.create(benchIntegration(host));
      const service = createScanService({
        store,
        collect: createGraphCollect({
          resourceUnitsPer10s: RESOURCE_UNITS_PER_10S,
          access: args.access,
          signIns: args.access,
        }),
        now: () => new Date(),
      });
      let seen = (await control.requests()).length;
      const steps: Array<[DeltaScanFigures['kind'], RunScanOptions]> = [
        ['first full', {}],
        ['incremental', {}],
        ['full rescan', { full: true }],
      ];
      for (const [kind, options] of steps) {
        if (scans.length > 0) await sleep(REFILL_MS);
        if (kind === 'incremental') {
          const made = await postChurn(host, args.share, args.seed);
          churn = {
            applications: made.applications,
            byKind: Object.fromEntries(Object.entries(made.changes).map(([k, ids]) => [k, ids.length])),
          };
          log(`  changed ${fmt(made.applications)} applications through the emulator's helpers`);
          await sleep(1000);
        }
        log(`  lanyard scan (${kind})…`);
        const t0 = performance.now();
        const { summary, record } = await service.run('bench', options);
        const wallMs = performance.now() - t0;
        const all = await control.requests();
        const mine = all.slice(seen).filter((r) => r.appId === host.clientId);
        seen = all.length;
        const stats = analyseLog(mine);
        const figures: DeltaScanFigures = {
          kind,
          mode: summary.mode,
          status: summary.status,
          wallMs,
          httpRequests: stats.httpRequests,
          graphRequests: stats.graphRequests,
          resourceUnits: stats.resourceUnits,
          throttled: stats.throttled,
          changes: record.changes,
          modeReason: summary.modeReason,
        };
        scans.push(figures);
        log(
          `    ${summary.status} (${summary.mode}) in ${(wallMs / 1000).toFixed(1)} s: ${fmt(stats.httpRequests)} requests, ` +
            `${fmt(stats.graphRequests)} Graph requests, ${fmt(stats.resourceUnits)} RU, ${stats.throttled} 429s; ` +
            `changes ${JSON.stringify(record.changes)}`,
        );
        if (summary.status !== 'succeeded')
          log(`    ${summary.reason}\n    ${summary.warnings.join('\n    ')}`);
      }
    } finally {
      await store.close();
      await control.close();
    }
    const incremental = scans[1]!;
    const full = scans[2]!;
    const result: DeltaResult = {
      date: new Date().toISOString().slice(0, 10),
      machine: {
        nproc: sh('nproc', []),
        cpu: /Model name:\s*(.+)/.exec(sh('lscpu', []))?.[1]?.trim() ?? '?',
        node: process.version,
      },
      code: sh('git', ['rev-parse', '--short', 'HEAD']),
      args: {
        apps: args.apps,
        share: args.share,
        latencyMs: args.latencyMs,
        seed: args.seed,
        readings: args.readings,
        access: args.access,
      },
      tenant: { applications: host.applications, servicePrincipals: host.servicePrincipals },
      churn,
      loadAverage: [loadBefore, loadavg()[0]!],
      scans,
      ratio: {
        resourceUnits: incremental.resourceUnits / full.resourceUnits,
        graphRequests: incremental.graphRequests / full.graphRequests,
        wall: incremental.wallMs / full.wallMs,
      },
    };
    log('');
    log(render(result));
    if (args.record) {
      await mkdir(new URL('./results/', import.meta.url), { recursive: true });
      let previous: DeltaResult[] = [];
      try {
        previous = JSON.parse(await readFile(RESULTS, 'utf8')) as DeltaResult[];
      } catch {}
      await writeFile(RESULTS, `${JSON.stringify([...previous, result], null, 2)}\n`);
      log(`\n  recorded in bench/results/delta.json`);
    }
  } finally {
    await child.stop();
    await rm(dataDir, { recursive: true, force: true });
    untrack();
  }
}
