// `npm run bench -- cli [--apps 100000] [--runs 5] [--keep] [--inventory-only] [--scan-only]`: how fast the built `lanyard` command starts and how
// much memory it takes, on help, on reads of a store holding a large tenant, and scanning that tenant into
// the embedded database. Each command runs in its own process under GNU time (wall, peak RSS); "first
// output" is when the first byte reached stdout. Prints a Markdown table for bench/README.md.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnChild, trackTempDir } from './scan/children.ts';
import type { HostInput, HostReady } from './scan/emulator-host.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'lanyard.mjs');
const HOST = new URL('./scan/emulator-host.ts', import.meta.url);

interface Measure {
  command: string;
  firstOutputMs: number | null;
  wallMs: number;
  peakRssMB: number;
  code: number | null;
}

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

/** Runs the built CLI once under GNU time; stops reading after `stopAfterLines` lines when given (a `| head`). */
async function measure(
  args: string[],
  env: Record<string, string>,
  stopAfterLines?: number,
): Promise<Measure> {
  const timing = join(env.LANYARD_HOME!, `time-${process.hrtime.bigint()}`);
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%e %M', '-o', timing, process.execPath, BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let firstOutputMs: number | null = null;
  let lines = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    firstOutputMs ??= performance.now() - started;
    lines += chunk.toString().split('\n').length - 1;
    if (stopAfterLines !== undefined && lines >= stopAfterLines) child.stdout.destroy();
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const wallMs = performance.now() - started;
  const [, rssKB] = (await readFile(timing, 'utf8')).trim().split('\n').at(-1)!.split(' ');
  if (code !== 0) process.stderr.write(`  ${args.join(' ')} exited ${code}: ${stderr.slice(0, 400)}\n`);
  return {
    command: `lanyard ${args.join(' ')}`,
    firstOutputMs,
    wallMs,
    peakRssMB: Number(rssKB) / 1024,
    code,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The commands that read the store a scan filled, each measured `runs` times. */
async function readCommands(
  repeat: (cmd: string[], stopAfterLines?: number) => Promise<void>,
): Promise<void> {
  await repeat(['integration', 'list']);
  await repeat(['inventory']);
  await repeat(['inventory', '--format', 'ndjson'], 1);
  await repeat(['inventory', '--type', 'managed-identity', '--format', 'csv']);
  await repeat(['identity', 'payroll']);
  await repeat(['risk', '--top', '20']);
  await repeat(['inventory', '--risk', 'critical', '--format', 'ndjson'], 1);
  await repeat(['inventory', '--tier', '0', '--format', 'csv']);
}

export async function run(args: string[]): Promise<void> {
  const apps = option(args, '--apps', 100_000);
  const runs = option(args, '--runs', 5);
  // Keeps the store (its LANYARD_HOME is printed) for looking at it afterwards.
  const keep = args.includes('--keep');
  // The scan reads access and last use by default; this measures the inventory alone (`--no-access --no-last-use`).
  const inventoryOnly = args.includes('--inventory-only');
  // Measures the scan only, not the commands that read the store afterwards.
  const scanOnly = args.includes('--scan-only');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const home = await mkdtemp(join(tmpdir(), 'lanyard-bench-cli-'));
  const untrack = trackTempDir(home);
  const env = { LANYARD_HOME: home };
  const rows: Measure[] = [];
  const repeat = async (cmd: string[], stopAfterLines?: number) => {
    const all: Measure[] = [];
    for (let i = 0; i < runs; i++) all.push(await measure(cmd, env, stopAfterLines));
    const first = all.map((m) => m.firstOutputMs).filter((v): v is number => v !== null);
    rows.push({
      command: all[0]!.command + (stopAfterLines ? ` | head -${stopAfterLines}` : ''),
      firstOutputMs: first.length ? median(first) : null,
      wallMs: median(all.map((m) => m.wallMs)),
      peakRssMB: Math.max(...all.map((m) => m.peakRssMB)),
      code: all.find((m) => m.code !== 0)?.code ?? 0,
    });
  };

  await repeat(['--help']);
  await repeat(['--version']);

  const host = spawnChild<HostReady>(HOST, {
    apps,
    seed: 1,
    throttle: false,
    latencyMs: 0,
  } satisfies HostInput);
  try {
    const ready = await host.report;
    const created = await measure(
      [
        'integration',
        'create',
        'azure',
        '--name',
        'bench',
        '--tenant',
        ready.tenantId,
        '--client-id',
        ready.clientId,
        '--auth',
        'certificate',
        '--certificate',
        ready.certificatePath,
        '--cloud',
        'custom',
        '--login-url',
        ready.origin,
        '--graph-url',
        ready.origin,
        '--arm-url',
        ready.origin,
        '--ca-file',
        ready.caBundlePath,
      ],
      env,
    );
    if (created.code !== 0) throw new Error('integration create failed');
    const scan = await measure(
      [
        'scan',
        '--integration',
        'bench',
        '--quiet',
        ...(inventoryOnly ? ['--no-access', '--no-last-use'] : []),
      ],
      env,
    );
    rows.push(scan);
  } finally {
    await host.stop();
  }
  if (!scanOnly) await readCommands(repeat);
  if (keep) {
    untrack();
    console.log(`kept the store: LANYARD_HOME=${home}`);
  } else await rm(home, { recursive: true, force: true });

  const cell = (v: number | null) => (v === null ? '-' : `${(v / 1000).toFixed(2)} s`);
  console.log(
    `\n${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.versions.node}, ` +
      `a store holding ${apps.toLocaleString('en')} applications (median of ${runs} runs; scan once)\n`,
  );
  console.log('| command | first output | wall | peak RSS | exit |\n| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| \`${r.command}\` | ${cell(r.firstOutputMs)} | ${cell(r.wallMs)} | ${Math.round(r.peakRssMB)} MB | ${r.code} |`,
    );
  }
}
