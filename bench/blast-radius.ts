// Issue 9's benchmark: requests and resource units Lanyard spends on blast radius and on last use, full scan
// versus rescan, against the naive approach (per-identity `appRoleAssignments`, per-subscription-per-identity
// RBAC reads). The emulator (own process, Graph's medium budget, ARM with N subscriptions, latency added to
// every request) serves one generated tenant; Lanyard scans it three times in this process on a fresh store
// (lanyard-scans.ts); the naive approach is computed from the tenant's ground truth and, at small sizes, also run.
//   npm run bench -- blast-radius [--apps 100000] [--subscriptions 20] [--latency-ms 50] [--seed 1]
//     [--naive | --no-naive]     run the naive approach too (default: only up to 5,000 apps)
//     [--naive-concurrency 4]    its requests in flight, per API and per subscription
//     [--no-record]              figures to the console only (no bench/results/blast-radius.json)
//   npm run bench -- blast-radius --report-only   print the tables of every recorded run
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BlastRadiusHostInput, BlastRadiusHostReady } from './blast-radius/emulator-host.ts';
import { REFILL_MS, runLanyardScans } from './blast-radius/lanyard-scans.ts';
import { computeNaive, runNaive } from './blast-radius/naive.ts';
import { type BlastRadiusResult, renderAll } from './blast-radius/report.ts';
import { splitLog } from './blast-radius/request-split.ts';
import { spawnChild } from './scan/children.ts';
import { connectControl } from './scan/emulator-control.ts';

const HOST = new URL('./blast-radius/emulator-host.ts', import.meta.url);
const RESULTS_DIR = new URL('./results/', import.meta.url);
const RESULTS = new URL('./results/blast-radius.json', import.meta.url);
/** Above this the naive run takes too long to be worth it (100,000 apps, 20 subscriptions: hours by ARM's limit). */
const NAIVE_RUN_MAX_APPS = 5000;

interface Args {
  apps: number;
  subscriptions: number;
  latencyMs: number;
  seed: number;
  naive: boolean;
  naiveConcurrency: number;
  record: boolean;
  reportOnly: boolean;
}

function parseArgs(args: string[]): Args {
  const withValue = ['--apps', '--subscriptions', '--latency-ms', '--seed', '--naive-concurrency'];
  const flags = ['--naive', '--no-naive', '--no-record', '--report-only'];
  const unknown = args.filter(
    (a, i) =>
      a.startsWith('--') && !withValue.includes(a) && !flags.includes(a) && !withValue.includes(args[i - 1]!),
  );
  if (unknown.length > 0) throw new RangeError(`unknown option ${unknown.join(' ')}`);
  const int = (name: string, fallback: number, min: number) => {
    const i = args.indexOf(`--${name}`);
    const v = i >= 0 ? Number(args[i + 1]?.replace(/_/g, '')) : fallback;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`--${name} needs a whole number ≥ ${min}`);
    return v;
  };
  const apps = int('apps', 100_000, 1);
  return {
    apps,
    subscriptions: int('subscriptions', 20, 1),
    latencyMs: int('latency-ms', 50, 0),
    seed: int('seed', 1, 0),
    naive: args.includes('--naive') || (!args.includes('--no-naive') && apps <= NAIVE_RUN_MAX_APPS),
    naiveConcurrency: int('naive-concurrency', 4, 1),
    record: !args.includes('--no-record'),
    reportOnly: args.includes('--report-only'),
  };
}

function sh(cmd: string, args: string[]): string {
  try {
    // trimEnd: `git status --porcelain` lines start with a space that the path's offset counts on.
    return execFileSync(cmd, args, { encoding: 'utf8' }).trimEnd();
  } catch {
    return '?';
  }
}

function machine(): BlastRadiusResult['machine'] {
  const model = /Model name:\s*(.+)/.exec(sh('lscpu', []))?.[1]?.trim() ?? '?';
  return { nproc: sh('nproc', []), cpu: model, node: process.version };
}

function codeVersion(): BlastRadiusResult['code'] {
  const commit = sh('git', ['rev-parse', '--short', 'HEAD']);
  if (commit === '?') return undefined;
  const status = sh('git', ['status', '--porcelain', '--', 'src']);
  return {
    commit,
    uncommittedSrc: status
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3)),
  };
}

async function previousResults(): Promise<BlastRadiusResult[]> {
  try {
    return JSON.parse(await readFile(RESULTS, 'utf8')) as BlastRadiusResult[];
  } catch {
    return [];
  }
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  if (args.reportOnly) {
    log(renderAll(await previousResults()));
    return;
  }
  const loadBefore = loadavg()[0]!;
  log(
    `== blast radius and last use: ${args.apps.toLocaleString('en')} applications, ${args.subscriptions} ` +
      `subscriptions, ${args.latencyMs} ms latency, medium budget, seed ${args.seed} ==`,
  );
  const child = spawnChild<BlastRadiusHostReady>(HOST, {
    apps: args.apps,
    seed: args.seed,
    subscriptions: args.subscriptions,
    latencyMs: args.latencyMs,
  } satisfies BlastRadiusHostInput);
  try {
    const host = await child.report;
    const control = await connectControl(host);
    try {
      log(
        `  tenant: ${host.applications} applications, ${host.servicePrincipals} service principals, ` +
          `${host.truth.subscriptions} subscriptions, ${host.truth.rbacAssignments} RBAC assignments ` +
          `(emulator up in ${host.startSeconds.toFixed(1)} s)`,
      );
      const scans = await runLanyardScans(host, control, log);
      const computed = computeNaive(host.truth);
      let measured: BlastRadiusResult['naive']['measured'];
      if (args.naive) {
        await sleep(REFILL_MS);
        log(`  naive approach, ${args.naiveConcurrency} requests in flight per API and per subscription…`);
        const seen = (await control.requests()).length;
        const naiveRun = await runNaive(host, args.naiveConcurrency);
        const naiveLog = splitLog(
          (await control.requests()).slice(seen).filter((r) => r.appId === host.clientId),
        );
        measured = {
          ...naiveRun,
          log: naiveLog,
          graphMatches:
            naiveLog.accessGraph.httpRequests - naiveLog.accessGraph.throttled === computed.graphRequests,
          armMatches: naiveLog.accessArm.httpRequests - naiveLog.accessArm.throttled === computed.armRequests,
        };
        log(`    done in ${(naiveRun.wallMs / 1000).toFixed(1)} s, ${naiveRun.retried} 429s waited out`);
      }
      const result: BlastRadiusResult = {
        date: new Date().toISOString().slice(0, 10),
        apps: args.apps,
        subscriptions: args.subscriptions,
        seed: args.seed,
        latencyMs: args.latencyMs,
        loadAverage: [loadBefore, loadavg()[0]!],
        machine: machine(),
        ...(codeVersion() ? { code: codeVersion()! } : {}),
        tenant: {
          applications: host.applications,
          servicePrincipals: host.servicePrincipals,
          users: host.users,
        },
        truth: host.truth,
        emulatorStartSeconds: host.startSeconds,
        scans,
        naive: { computed, ...(measured ? { measured } : {}) },
      };
      log(`\n${renderAll([result])}\n`);
      if (args.record) {
        // Latest run per size and latency; other sizes keep theirs.
        const key = (r: BlastRadiusResult) => `${r.apps}/${r.subscriptions}/${r.latencyMs}/${r.seed}`;
        const all = (await previousResults()).filter((r) => key(r) !== key(result));
        all.push(result);
        all.sort((a, b) => a.apps - b.apps || a.subscriptions - b.subscriptions);
        await mkdir(RESULTS_DIR, { recursive: true });
        await writeFile(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
        log('recorded in bench/results/blast-radius.json');
      }
    } finally {
      await control.close();
    }
  } finally {
    await child.stop();
  }
}
