// `lanyard serve`, `lanyard worker`, `lanyard integration run|schedule` as a user runs them: help and refusals
// before any database opens; Run Now queued once however often it is asked; a schedule checked as pg-boss reads
// it; and a serve that takes the queued job, scans the emulated tenant, reports it on /healthz and /metrics, and
// stops on SIGTERM, releasing the embedded database.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import type { HealthReport } from '../../src/server/health.ts';
import { emulatorIntegrationArgs } from '../services/emulator-integration.ts';
import { builtCli } from '../support/built-cli.ts';
import { seedPgliteDir, TEST_DATABASE_URL } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: RunningEmulator;
let home: string;
const env = () => ({ LANYARD_HOME: home });

async function cli(args: string[], expectedCode = 0) {
  const result = await runCli(args, env());
  assert.equal(result.code, expectedCode, `${args.join(' ')}: ${result.stderr}`);
  return result;
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-serve-'));
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 31, apps: 40 }], outDir: join(home, 'emulator') });
  await cli(emulatorIntegrationArgs(emulator, 'prod'));
});

after(async () => {
  await emulator?.close();
  await rm(home, { recursive: true, force: true });
});

/** The built CLI running `args` as a service: its stderr lines, a wait for one, and its exit. */
async function startService(args: string[], serviceEnv: Record<string, string | undefined>) {
  const { bin } = await builtCli();
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...serviceEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const seen: string[] = [];
  child.stdout.resume();
  const lines = createInterface({ input: child.stderr });
  lines.on('line', (line) => seen.push(line));
  return {
    child,
    exited,
    stderr: () => seen.map((line) => `${line}\n`).join(''),
    /** The first stderr line matching, seen already or to come; rejects if the service ends first. */
    line(pattern: RegExp): Promise<RegExpExecArray> {
      return new Promise((resolve, reject) => {
        const check = (text: string) => {
          const found = pattern.exec(text);
          if (found) resolve(found);
          return found;
        };
        if (seen.some(check)) return;
        lines.on('line', check);
        exited.then(() => reject(new Error(`${args[0]} ended: ${seen.join('\n')}`)));
      });
    },
  };
}

test('help, bad options, a bad cron and worker on the embedded database are answered before any database opens', async () => {
  const nowhere = join(tmpdir(), `lanyard-serve-help-${process.pid}`);
  const at = { LANYARD_HOME: nowhere };
  for (const [args, flags] of [
    [
      ['serve', '--help'],
      ['--host', '--port', '--concurrency'],
    ],
    [
      ['worker', '--help'],
      ['--concurrency', '--port'],
    ],
    [
      ['integration', 'run', '--help'],
      ['--full', '--wait', '--json'],
    ],
    [['integration', 'schedule', '--help'], ['cron']],
  ] as const) {
    const result = await runCli([...args], at);
    assert.equal(result.code, 0, result.stderr);
    for (const flag of flags) assert.match(result.stdout, new RegExp(flag), args.join(' '));
  }
  const concurrency = await runCli(['serve', '--concurrency', '0'], at);
  assert.equal(concurrency.code, EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(concurrency.stderr, /--concurrency must be a whole number from 1 to 64, not "0"/);
  const worker = await runCli(['worker'], at);
  assert.equal(worker.code, EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(worker.stderr, /^error: lanyard worker needs a shared PostgreSQL/);
  assert.match(worker.stderr, /fix: give --database postgres:/);
  const cron = await runCli(['integration', 'schedule', 'prod', '0 3 * *'], at);
  assert.equal(cron.code, EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(cron.stderr, /^error: "0 3 \* \*" is not a cron expression\n {2}fix: give five fields/);
  assert.equal(existsSync(nowhere), false, 'no data directory was created');
});

test('integration schedule: checked as pg-boss reads it, shown with its next runs; unknown integrations named', async () => {
  const range = await cli(
    ['integration', 'schedule', 'prod', '61 * * * *'],
    EXIT_CODES.LANYARD_INVALID_INPUT,
  );
  assert.match(range.stderr, /"61 \* \* \* \*" is not a valid cron expression: .*61.*\n {2}fix: /);
  const unknown = await cli(['integration', 'schedule', 'nope', '0 3 * * *'], EXIT_CODES.LANYARD_NOT_FOUND);
  assert.match(unknown.stderr, /^error: no integration named "nope"/);
  const shown = await cli(['integration', 'schedule', 'prod']);
  assert.match(shown.stdout, /^schedule of "prod": 0 3 \* \* \* \(UTC\); next runs \d{4}-\d\d-\d\d 03:00, /);
  // Unquoted words are one expression too.
  const set = await cli(['integration', 'schedule', 'prod', '15', '*/6', '*', '*', '*', '--json']);
  const json = JSON.parse(set.stdout);
  assert.equal(json.schedule, '15 */6 * * *');
  assert.equal(json.timeZone, 'UTC');
  assert.equal(json.next.length, 3);
  assert.match(json.next[0], /T\d\d:15:00\.000Z$/);
});

test('integration run: one job however often asked; --wait refuses while nothing could take it', async () => {
  const missing = await cli(['integration', 'run', 'nope'], EXIT_CODES.LANYARD_NOT_FOUND);
  assert.match(missing.stderr, /^error: no integration named "nope"/);
  const first = await cli(['integration', 'run', 'prod']);
  const jobId = first.stdout.trim();
  assert.match(jobId, /^[0-9a-f-]{36}$/);
  assert.match(first.stderr, /^queued scan job [0-9a-f-]{36} for "prod"\n/);
  assert.match(
    first.stderr,
    /no `lanyard serve` or `lanyard worker` is running: the job runs when one starts/,
  );
  const again = await cli(['integration', 'run', 'prod', '--json']);
  assert.deepEqual(JSON.parse(again.stdout), { jobId, existing: true, state: 'created' });
  assert.match(again.stderr, new RegExp(`^a scan of "prod" is already queued: job ${jobId}\n`));
  const wait = await cli(['integration', 'run', 'prod', '--wait'], EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(wait.stderr, /no service is running to take it/);
  assert.match(wait.stderr, /fix: start `lanyard serve`/);
});

test('serve takes the queued Run Now, reports the scan on /healthz and /metrics, and stops on SIGTERM', async () => {
  const service = await startService(['serve', '--port', '0'], {
    LANYARD_DATABASE_URL: undefined,
    LANYARD_HOME: home,
  });
  try {
    const [, url] = await service.line(/^lanyard serve: (http:\/\/127\.0\.0\.1:\d+)\/healthz/);
    let report: HealthReport | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      report = (await (await fetch(`${url}/healthz`)).json()) as HealthReport;
      if (report.integrations[0]?.lastScan && report.integrations[0].lastScan.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(report?.status, 'ok');
    assert.equal(report?.store.kind, 'pglite');
    assert.equal(report?.integrations[0]?.schedule, '15 */6 * * *');
    assert.equal(report?.integrations[0]?.lastScan?.status, 'succeeded', JSON.stringify(report));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^lanyard_scans_total\{integration="prod",status="succeeded"\} 1$/m);
    assert.match(metrics, /^lanyard_scan_resource_units_total\{integration="prod"\} [1-9]\d*$/m);
    const refused = await fetch(`${url}/api`);
    assert.equal(refused.status, 401);

    // Beside the running service, the CLI reaches the embedded database through it: Run Now and --wait work.
    const waited = await cli(['integration', 'run', 'prod', '--wait']);
    assert.match(waited.stdout, /^scan \d+ succeeded, \d+\.\d s, \d+ RU\n$/);
    assert.doesNotMatch(waited.stderr, /no `lanyard serve`/);
    const scheduled = await cli(['integration', 'schedule', 'prod', '0 5 * * *']);
    assert.match(scheduled.stdout, /^scheduled "prod": 0 5 \* \* \* \(UTC\)/);
  } finally {
    service.child.kill('SIGTERM');
  }
  assert.equal(await service.exited, 0, service.stderr());
  assert.match(service.stderr(), /stopping: no new scans/);
  assert.match(service.stderr(), /\nstopped\n$/);
  assert.equal(existsSync(join(home, 'data.lock')), false, 'the embedded database was released');
  // The next command opens the store at once.
  await cli(['integration', 'list']);
});

test('a worker given --port reports the scans it ran on its own /healthz and /metrics (PostgreSQL)', async () => {
  const database = `lanyard_worker_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  const onServer = { ...env(), LANYARD_DATABASE_URL: url.toString() };
  const service = await startService(['worker', '--port', '0'], onServer);
  try {
    const created = await runCli(emulatorIntegrationArgs(emulator, 'prod'), onServer);
    assert.equal(created.code, 0, created.stderr);
    const [, base] = await service.line(/^lanyard worker: (http:\/\/127\.0\.0\.1:\d+)\/healthz/);
    // The address comes first; the worker takes jobs once it says so.
    await service.line(/^lanyard worker: taking scan jobs/);
    const waited = await runCli(['integration', 'run', 'prod', '--wait'], onServer);
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, /^scan \d+ succeeded/);
    const report = (await (await fetch(`${base}/healthz`)).json()) as HealthReport;
    assert.equal(report.store.kind, 'postgres');
    assert.equal(report.integrations[0]?.lastScan?.status, 'succeeded');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^lanyard_scans_total\{integration="prod",status="succeeded"\} 1$/m);
    assert.equal((await fetch(`${base}/api`)).status, 401);
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    await admin.query(`drop database if exists "${database}" with (force)`);
    await admin.end();
  }
  assert.match(service.stderr(), /\nstopped\n$/);
});
