// `lanyard findings` as a user runs it against the emulated Microsoft cloud: the checks run after each scan,
// their findings match what the inventory says, a fixed credential resolves on the next scan, suppressions hide
// with a trail, and `--fail-on` gates a pipeline.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import { emulatorIntegrationArgs } from '../services/emulator-integration.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: RunningEmulator;
let home: string;
const DAY_MS = 86_400_000;

async function cli(args: string[], expectedCode = 0) {
  const result = await runCli(args, { LANYARD_HOME: home, LANYARD_USER: 'ana@contoso.com' });
  assert.equal(result.code, expectedCode, `${args.join(' ')}: ${result.stderr}`);
  return result;
}
const json = async <T>(args: string[]): Promise<T> => JSON.parse((await cli(args)).stdout) as T;

interface FindingJson {
  id: number;
  check: string;
  severity: string;
  state: string;
  identity: { objectId: string; displayName: string };
  keyId: string | null;
  message: string;
  suppression: { reason: string; by: string } | null;
}
interface Report {
  findings: FindingJson[];
  checks: { check: string; passed: number; failed: number; unknown: number }[];
}
type Row = { objectId: string; credentials: { keyId: string; type: string; endDateTime: string | null }[] };

/** Credentials the inventory says end within 30 days from now: what credential_expiring must find. */
async function expiringPerInventory(): Promise<string[]> {
  const rows = await json<Row[]>(['inventory', '--format', 'json']);
  const now = Date.now();
  return rows
    .flatMap((row) =>
      row.credentials
        .filter((c) => c.type !== 'federated' && c.endDateTime)
        .filter((c) => {
          const days = Math.floor((Date.parse(c.endDateTime!) - now) / DAY_MS);
          return days >= 0 && days <= 30;
        })
        .map((c) => `${row.objectId}/${c.keyId}`),
    )
    .sort();
}
const subjects = (findings: FindingJson[], check: string) =>
  findings
    .filter((f) => f.check === check)
    .map((f) => `${f.identity.objectId}/${f.keyId}`)
    .sort();

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-findings-'));
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 11, apps: 60 }], outDir: join(home, 'emulator') });
  await cli(emulatorIntegrationArgs(emulator, 'prod'));
});

after(async () => {
  await emulator?.close();
  await rm(home, { recursive: true, force: true });
});

test('findings --help and checks open no database; bad values are named before it opens', async () => {
  const nowhere = join(tmpdir(), `lanyard-findings-help-${process.pid}`);
  const help = await runCli(['findings', '--help'], { LANYARD_HOME: nowhere });
  assert.equal(help.code, 0, help.stderr);
  for (const flag of ['--severity', '--check', '--fail-on', '--format'])
    assert.match(help.stdout, new RegExp(flag));
  const checks = await runCli(['checks', '--format', 'json'], { LANYARD_HOME: nowhere });
  assert.equal(checks.code, 0, checks.stderr);
  const catalogue = JSON.parse(checks.stdout) as { id: string; rationale: string; controls: string[] }[];
  assert.ok(catalogue.some((c) => c.id === 'credential_expiring' && c.rationale && c.controls.length));
  for (const [args, flag] of [
    [['findings', '--severity', 'urgent'], '--severity'],
    [['findings', '--fail-on', 'severe'], '--fail-on'],
    [['findings', '--check', 'no_such_check'], '--check'],
    [
      ['suppress', 'credential_expiring', '--integration', 'prod', '--reason', 'x', '--expires', 'soon'],
      'duration',
    ],
  ] as const) {
    const result = await runCli([...args], { LANYARD_HOME: nowhere });
    assert.equal(result.code, EXIT_CODES.LANYARD_INVALID_INPUT, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(flag));
  }
  assert.equal(existsSync(nowhere), false, 'no data directory was created');
});

test('after a scan the findings are what the inventory says, and a renewed credential resolves on the next scan', async () => {
  const before = await json<Report>(['findings', '--format', 'json']);
  assert.deepEqual(before.findings, [], 'nothing before the first scan');
  const scan = await cli(['scan', '--integration', 'prod', '--quiet']);
  assert.match(scan.stdout, /findings\s+\d+ new, 0 resolved/);

  const report = await json<Report>(['findings', '--format', 'json']);
  const expected = await expiringPerInventory();
  assert.ok(expected.length > 0, 'the generated tenant has credentials expiring within 30 days');
  assert.deepEqual(subjects(report.findings, 'credential_expiring'), expected);
  const tally = report.checks.find((c) => c.check === 'credential_expiring')!;
  assert.equal(tally.failed, new Set(expected.map((s) => s.split('/')[0])).size);

  // Renew one expiring credential in the tenant: the next scan resolves its finding and keeps the others.
  const [objectId, keyId] = expected[0]!.split('/') as [string, string];
  const app = emulator.tenants[0]!.applications.get(objectId);
  const credentials = [...(app?.object.passwordCredentials ?? []), ...(app?.object.keyCredentials ?? [])];
  const renewed = credentials.find((c) => c.keyId === keyId);
  assert.ok(renewed, 'the expiring credential is on an application object');
  renewed!.endDateTime = new Date(Date.now() + 200 * DAY_MS).toISOString();
  // Full: the renewal edits the credential in place, which the emulator's change log (delta) does not see.
  const rescan = await cli(['scan', '--integration', 'prod', '--quiet', '--full']);
  assert.match(rescan.stdout, /findings\s+\d+ new, [1-9]\d* resolved/);
  const after = await json<Report>(['findings', '--format', 'json']);
  assert.deepEqual(subjects(after.findings, 'credential_expiring'), expected.slice(1));
  const all = await json<Report>(['findings', '--all', '--format', 'json']);
  assert.equal(all.findings.find((f) => f.keyId === keyId)?.state, 'resolved');
});

test('suppressing hides a finding with its reason, expiry and author; --fail-on gates on what is left', async () => {
  const { findings } = await json<Report>(['findings', '--format', 'json']);
  const target = findings[0]!;
  const worst = findings.some((f) => f.severity === 'high') ? 'high' : 'medium';
  await cli(['findings', '--fail-on', worst], 1);
  await cli(['findings', '--fail-on', 'critical', '--check', 'credential_expiring']);

  const created = await cli([
    ...['suppress', target.check, '--integration', 'prod'],
    ...['--identity', target.identity.objectId, ...(target.keyId ? ['--credential', target.keyId] : [])],
    ...['--reason', 'rotated by the vendor next week', '--expires', '14d'],
  ]);
  const id = /suppression (\d+)/.exec(created.stdout)![1]!;
  const shown = await json<Report>(['findings', '--format', 'json']);
  assert.ok(!shown.findings.some((f) => f.id === target.id), 'suppressed findings are left out');
  const withSuppressed = await json<Report>(['findings', '--suppressed', '--format', 'json']);
  const suppressed = withSuppressed.findings.find((f) => f.id === target.id)!;
  assert.equal(suppressed.state, 'suppressed');
  assert.deepEqual(suppressed.suppression && [suppressed.suppression.reason, suppressed.suppression.by], [
    'rotated by the vendor next week',
    'ana@contoso.com',
  ]);

  await cli(['unsuppress', id]);
  const lifted = await cli(['unsuppress', id], EXIT_CODES.LANYARD_NOT_FOUND);
  assert.match(lifted.stderr, /no suppression/);
  const trail = await cli(['suppressions']);
  assert.match(trail.stdout, /lifted by ana@contoso\.com/);
  assert.ok((await json<Report>(['findings', '--format', 'json'])).findings.some((f) => f.id === target.id));
});

test('the table and CSV show the same findings; CSV cells that look like formulas are defused', async () => {
  const report = await json<Report>(['findings', '--format', 'json']);
  const table = await cli(['findings']);
  assert.match(table.stdout, new RegExp(`^${report.findings.length} findings?: `));
  const csv = (await cli(['findings', '--format', 'csv'])).stdout.trim().split('\n');
  assert.equal(csv.length, report.findings.length + 1);
  assert.match(csv[0]!, /^integration,check,severity,state,/);
});
