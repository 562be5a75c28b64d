// Issue 8's bad inputs as a user meets them through `lanyard`: a malformed Graph page, a scan that would
// remove most of the inventory, a bad --max-removal, a least-privileged reader, and two scans asked at once.
// Each ends with a one-line cause and fix, its exit code, and the previous inventory intact.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import { builtCli } from '../support/built-cli.ts';
import { seedPgliteDir, TEST_DATABASE_URL } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: RunningEmulator;
let home: string;
const env = (extra: Record<string, string> = {}) => ({ LANYARD_HOME: home, ...extra });

function integrationArgs(name: string, auth: string[]): string[] {
  return [
    'integration',
    'create',
    'azure',
    '--name',
    name,
    '--tenant',
    emulator.scanner.tenantId,
    '--cloud',
    'custom',
    '--login-url',
    emulator.loginUrl,
    '--graph-url',
    emulator.graphUrl,
    '--arm-url',
    emulator.armUrl,
    '--ca-file',
    emulator.caBundlePath,
    ...auth,
  ];
}
const scannerAuth = () => [
  '--client-id',
  emulator.scanner.clientId,
  '--auth',
  'certificate',
  '--certificate',
  emulator.scanner.certificatePath,
];

const inventoryJson = async (extra: Record<string, string> = {}) => {
  const result = await runCli(['inventory', '--format', 'json'], env(extra));
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
};

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-integrity-'));
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 17, apps: 60 }] });
  const created = await runCli(integrationArgs('prod', scannerAuth()), env());
  assert.equal(created.code, 0, created.stderr);
  const first = await runCli(['scan', '--integration', 'prod', '--quiet'], env());
  assert.equal(first.code, 0, first.stderr);
});

after(async () => {
  await emulator?.close();
  await rm(home, { recursive: true, force: true });
});

test('a Graph page without its value array fails the scan as upstream, never as an empty tenant', async () => {
  const before = await inventoryJson();
  emulator.control.injectFaults({ malformedRate: 1, pathContains: '/servicePrincipals' });
  try {
    const result = await runCli(['scan', '--integration', 'prod', '--json'], env());
    assert.equal(result.code, EXIT_CODES.LANYARD_UPSTREAM_FAILED, result.stderr);
    assert.equal(JSON.parse(result.stdout).status, 'failed');
    const lines = result.stderr.trim().split('\n');
    assert.match(lines[0] ?? '', /not a collection page/);
    assert.ok(lines.length <= 3, result.stderr);
  } finally {
    emulator.control.clearFaults();
  }
  assert.equal(await inventoryJson(), before);
});

test('Ctrl+C mid-scan: the scan is recorded partial, removes nothing, and the command exits 130 without a stack', async () => {
  const before = await inventoryJson();
  const { bin } = await builtCli();
  emulator.control.injectFaults({ latencyMs: 200 });
  try {
    const child = spawn(process.execPath, [bin, 'scan', '--integration', 'prod', '--full'], {
      env: { ...process.env, ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // The first page read: the scan is under way.
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (/^scan: \d+ objects/m.test(stderr)) resolve();
      });
      void exited.then(() => resolve());
    });
    child.kill('SIGINT');
    assert.equal(await exited, 130, `${stdout}\n${stderr}`);
    assert.match(stdout, /^scan \d+ of "prod": partial \(interrupted\)/m);
    assert.match(stderr, /^interrupted: what was read is recorded as a partial scan, which removed nothing/m);
    assert.doesNotMatch(stderr, /unexpected failure|AbortError/);
  } finally {
    emulator.control.clearFaults();
  }
  assert.equal(await inventoryJson(), before, 'nothing lost or replaced');
});

test('--max-removal takes a percentage', async () => {
  const result = await runCli(['scan', '--integration', 'prod', '--max-removal', '150'], env());
  assert.equal(result.code, EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(result.stderr, /--max-removal must be a percentage from 0 to 100, not "150"/);
});

test('a scan that would remove most identities removes none until the user confirms it', async () => {
  const before = JSON.parse(await inventoryJson());
  const tenant = emulator.tenants[0]!;
  const removed = [...tenant.applications.values()].slice(0, 40);
  for (const app of removed) {
    tenant.applications.delete(app.object.id!);
    for (const [id, sp] of tenant.servicePrincipals)
      if (sp.object.appId === app.object.appId) tenant.servicePrincipals.delete(id);
  }
  const refused = await runCli(['scan', '--integration', 'prod', '--json'], env());
  assert.equal(refused.code, 1, refused.stderr);
  const summary = JSON.parse(refused.stdout);
  assert.equal(summary.status, 'partial');
  assert.match(summary.reason, /would remove \d+ of \d+ identities .*--allow-mass-removal/);
  assert.equal(JSON.parse(await inventoryJson()).length, before.length);

  const confirmed = await runCli(['scan', '--integration', 'prod', '--json', '--allow-mass-removal'], env());
  assert.equal(confirmed.code, 0, confirmed.stderr);
  assert.ok(JSON.parse(await inventoryJson()).length < before.length * 0.8);
});

test('two scans of one integration asked at once on PostgreSQL: one scan, both callers get it', async () => {
  const database = `lanyard_cli_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  const onServer = { LANYARD_DATABASE_URL: url.toString() };
  emulator.control.injectFaults({ latencyMs: 40 });
  try {
    const created = await runCli(integrationArgs('shared', scannerAuth()), env(onServer));
    assert.equal(created.code, 0, created.stderr);
    const scan = () => runCli(['scan', '--integration', 'shared'], env(onServer));
    const [a, b] = await Promise.all([scan(), scan()]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const ids = [a, b].map((r) => /^scan (\d+) of/m.exec(r.stdout)?.[1]);
    assert.equal(ids[0], ids[1], `${a.stdout}\n${b.stdout}`);
    assert.match(a.stderr + b.stderr, /scan \d+ of "shared" is already running .*waiting for it to finish/);
  } finally {
    emulator.control.clearFaults();
    await admin.query(`drop database if exists "${database}" with (force)`);
    await admin.end();
  }
});

test('a reader with Application.Read.All only: owners shown as not readable, one warning naming the permission', async () => {
  const secretText = 'lp~reader-secret-value-0123456789abcdef';
  const reader = emulator.control.addClientApplication(emulator.scanner.tenantId, {
    displayName: 'least privileged reader',
    graphRoles: ['Application.Read.All'],
    secretText,
  });
  const created = await runCli(
    integrationArgs('least', ['--client-id', reader.appId, '--auth', 'secret', '--secret-env', 'LP_SECRET']),
    env(),
  );
  assert.equal(created.code, 0, created.stderr);
  const scan = await runCli(['scan', '--integration', 'least', '--json'], env({ LP_SECRET: secretText }));
  assert.equal(scan.code, 0, scan.stderr);
  const summary = JSON.parse(scan.stdout);
  const warnings = (summary.warnings as string[]).filter((w) => /id only/.test(w));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /User\.Read\.All or Directory\.Read\.All/);
  assert.doesNotMatch(scan.stdout + scan.stderr, /reader-secret-value/);

  const truth = emulator.control.groundTruth(emulator.scanner.tenantId);
  const owned = truth.applications.find((a) => a.owners.some((o) => o.kind === 'user'))!;
  const shown = await runCli(['identity', owned.id], env());
  assert.equal(shown.code, 0, shown.stderr);
  const [, asLeast = ''] = shown.stdout.split('[least]');
  assert.match(asLeast, /details not readable: grant User\.Read\.All or Directory\.Read\.All/);
  assert.doesNotMatch(
    shown.stdout.split('[least]')[0] ?? '',
    /details not readable/,
    'the full reader sees names',
  );
});
