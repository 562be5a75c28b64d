// Benchmark of a whole scan against Graph's real budget: the naive script users write today (Microsoft's
// Graph client, one request per object) and `lanyard scan` on the same generated tenant, each in its own
// process, the emulator in a third; requests, RU and 429s from the emulator's log, wall time, peak RSS and
// the lower bound. Figures go to bench/scan/results.json (latest per size) and bench/README.md `## Scan`.
//   npm run bench -- scan [--apps 2000[,10000,...]] [--no-naive] [--seed 1] [--latency-ms 50] [--latency-per-kb-ms 0]
//     [--no-record]                          figures to the console only (no results.json, no README)
//     [--dump dir]                           Lanyard's request log and report as JSON, for a closer look
//     [--lanyard-node-flags '--liftoff-only'] an experiment on the Lanyard process (never recorded)
//     [--with-access]                        Lanyard with its blast-radius part, lanyard scan --access (never recorded)
//   npm run bench -- scan --report-only      rewrite README's block from results.json
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { measureSize, type SizeResult } from './scan/measure.ts';
import { type Machine, renderGenerated, renderTables, renderTargets, updateReadme } from './scan/report.ts';

const RESULTS = new URL('./scan/results.json', import.meta.url);
const README = new URL('./README.md', import.meta.url);

interface Args {
  apps: number[];
  naive: boolean;
  seed: number;
  latencyMs: number;
  latencyPerKbMs: number;
  record: boolean;
  /** Only rewrite README's `## Scan` block from results.json. */
  reportOnly: boolean;
  /** Lanyard with its blast-radius part, as `lanyard scan --access` (never recorded). */
  withAccess: boolean;
  dump?: string;
  lanyardNodeFlags?: string[];
}

function parseArgs(args: string[]): Args {
  const value = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const int = (text: string, name: string, min: number) => {
    const v = Number(text.replace(/_/g, ''));
    if (!Number.isInteger(v) || v < min) throw new RangeError(`--${name} needs whole numbers ≥ ${min}`);
    return v;
  };
  const withValue = new Set([
    '--apps',
    '--seed',
    '--latency-ms',
    '--latency-per-kb-ms',
    '--dump',
    '--lanyard-node-flags',
  ]);
  const flags = new Set(['--no-naive', '--no-record', '--report-only', '--with-access']);
  const unknown = args.filter(
    (a, i) => a.startsWith('--') && !withValue.has(a) && !flags.has(a) && !withValue.has(args[i - 1] ?? ''),
  );
  if (unknown.length > 0) throw new RangeError(`unknown option ${unknown.join(' ')}`);
  return {
    apps: (value('apps') ?? '2000').split(',').map((a) => int(a, 'apps', 1)),
    naive: !args.includes('--no-naive'),
    seed: int(value('seed') ?? '1', 'seed', 0),
    latencyMs: int(value('latency-ms') ?? '50', 'latency-ms', 0),
    latencyPerKbMs: Number(value('latency-per-kb-ms') ?? '0'),
    record: !args.includes('--no-record'),
    reportOnly: args.includes('--report-only'),
    withAccess: args.includes('--with-access'),
    ...(value('dump') ? { dump: value('dump') } : {}),
    ...(value('lanyard-node-flags')
      ? { lanyardNodeFlags: (value('lanyard-node-flags') as string).split(/\s+/).filter(Boolean) }
      : {}),
  };
}

function machine(): Machine {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trimEnd();
    } catch {
      return '?';
    }
  };
  return {
    nproc: sh('nproc', []),
    free: sh('free', ['-g']),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    node: process.version,
  };
}

function codeVersion(): SizeResult['code'] {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trimEnd();
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      uncommittedSrc: git('status', '--porcelain', '--', 'src')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(3)),
    };
  } catch {
    return undefined;
  }
}

/** The naive script's wall time where it was not run: its requests at the pace measured at another size. */
function estimateNaive(all: SizeResult[]): void {
  const measured = all.find((r) => r.naive.measured && r.naive.wallMs !== null);
  if (!measured?.naive.wallMs) return;
  const perRequest = measured.naive.wallMs / measured.naive.requests;
  for (const r of all) if (!r.naive.measured) r.naive.estimatedWallMs = r.naive.requests * perRequest;
}

async function previousResults(): Promise<SizeResult[]> {
  try {
    return JSON.parse(await readFile(RESULTS, 'utf8')) as SizeResult[];
  } catch {
    return [];
  }
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  if (args.reportOnly) {
    const all = await previousResults();
    estimateNaive(all);
    await updateReadme(README, renderGenerated(all, machine()));
    log(`bench/README.md \`## Scan\` rewritten from bench/scan/results.json:\n${renderTargets(all)}`);
    return;
  }
  const fresh: SizeResult[] = [];
  const code = codeVersion();
  for (const apps of args.apps) {
    log(
      `\n== ${apps.toLocaleString('en')} applications, ${args.latencyMs} ms latency${args.latencyPerKbMs ? ` + ${args.latencyPerKbMs} ms/KiB` : ''}, medium budget ==`,
    );
    fresh.push({
      ...(await measureSize({
        apps,
        seed: args.seed,
        latencyMs: args.latencyMs,
        latencyPerKbMs: args.latencyPerKbMs,
        naive: args.naive,
        log,
        ...(args.dump ? { dumpDir: args.dump } : {}),
        ...(args.lanyardNodeFlags ? { lanyardNodeFlags: args.lanyardNodeFlags } : {}),
        withAccess: args.withAccess,
      })),
      ...(code ? { code } : {}),
    });
  }
  if (args.lanyardNodeFlags || args.withAccess || !args.record) {
    // An experiment or a look: shown, never mixed into the recorded figures.
    const flags = args.lanyardNodeFlags ? ` with ${args.lanyardNodeFlags.join(' ')}` : '';
    log(`\nLanyard ran${flags} (not recorded):\n${renderTables(fresh)}\n`);
    return;
  }
  // Sizes not measured in this run keep their latest figures; a naive measurement is not replaced by a
  // computed count.
  const merged = new Map((await previousResults()).map((r) => [r.apps, r]));
  for (const r of fresh) {
    const before = merged.get(r.apps);
    merged.set(r.apps, !r.naive.measured && before?.naive.measured ? { ...r, naive: before.naive } : r);
  }
  const all = [...merged.values()].sort((a, b) => a.apps - b.apps);
  estimateNaive(all);
  await writeFile(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
  log(`\n${renderTables(all.filter((r) => fresh.some((f) => f.apps === r.apps)))}\n`);
  log(`Targets (latest figures of every size):\n${renderTargets(all)}\n`);
  await updateReadme(README, renderGenerated(all, machine()));
  log('bench/README.md `## Scan` updated.');
}
