// `lanyard changes` as a user runs it against the emulated Microsoft cloud: scan, change the tenant (a secret
// added, an owner removed, a tier-0 permission granted), scan again, and the changes are listed; a partial scan
// (a Graph list failing) lists no removed identity, and the next complete scan does.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import type { Change } from '../../src/core/changes.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import type { ChangesReport } from '../../src/services/changes-service.ts';
import { emulatorIntegrationArgs } from '../services/emulator-integration.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: RunningEmulator;
let home: string;
const env = () => ({ LANYARD_HOME: home });

async function cli(args: string[], expectedCode = 0) {
  const result = await runCli(args, env());
  assert.equal(result.code, expectedCode, `${args.join(' ')}: ${result.stderr}`);
  return result;
}
const report = async (): Promise<ChangesReport> =>
  JSON.parse((await cli(['changes', '--integration', 'prod', '--format', 'json'])).stdout) as ChangesReport;
const all = (scan: ChangesReport['scans'][number]): Change[] => Object.values(scan.changes).flat();

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-changes-'));
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 29, apps: 60 }], outDir: join(home, 'emulator') });
  await cli(emulatorIntegrationArgs(emulator, 'prod'));
  await cli(['scan', '--integration', 'prod', '--quiet', '--full']);
});

after(async () => {
  await emulator?.close();
  await rm(home, { recursive: true, force: true });
});

test('changes --help names its options and opens no database', async () => {
  const nowhere = join(tmpdir(), `lanyard-changes-help-${process.pid}`);
  const result = await runCli(['changes', '--help'], { LANYARD_HOME: nowhere });
  assert.equal(result.code, 0, result.stderr);
  for (const flag of ['--since', '--integration', '--format']) assert.match(result.stdout, new RegExp(flag));
  assert.equal(existsSync(nowhere), false, 'no data directory was created');
});

test('a bad --since, format or integration is named, with a fix', async () => {
  const since = await cli(['changes', '--since', 'bogus'], EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.equal(
    since.stderr,
    'error: --since: "bogus" is not a duration\n  fix: write a number and a unit, e.g. --since 45m, 12h, 7d or 2w\n',
  );
  const format = await cli(['changes', '--format', 'xml'], EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(format.stderr, /unknown format "xml"\n {2}fix: use --format table\|json\|csv/);
  const missing = await cli(['changes', '--integration', 'nope'], EXIT_CODES.LANYARD_NOT_FOUND);
  assert.match(missing.stderr, /--integration: no integration named "nope"/);
});

test('the first scan is the baseline; a rescan lists the secret added, the owner removed, the permission granted', async () => {
  const [first] = (await report()).scans;
  assert.ok(first?.baseline && first.counts!.added > 100, JSON.stringify(first));
  assert.deepEqual(all(first), []);

  const tenant = emulator.tenants[0]!;
  const apps = [...tenant.applications.values()];
  const owned = apps.find((app) => app.owners.filter((o) => o.kind === 'user').length >= 2)!;
  const gone = owned.owners.find((o) => o.kind === 'user')!;
  owned.owners.splice(owned.owners.indexOf(gone), 1);
  const keyId = '5ec7e7aa-0000-4000-8000-00000000c4a1';
  const target = apps.find((app) => app !== owned)!;
  target.object.passwordCredentials!.push({
    customKeyIdentifier: null,
    displayName: 'added between scans',
    endDateTime: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    hint: 'Zq~',
    keyId,
    secretText: null,
    startDateTime: new Date().toISOString(),
  });
  const sp = [...tenant.servicePrincipals.values()].find(
    (s) =>
      s.object.appOwnerOrganizationId === tenant.id &&
      s.object.servicePrincipalType === 'Application' &&
      !s.grantedGraphRoles.includes('RoleManagement.ReadWrite.Directory'),
  )!;
  sp.grantedGraphRoles.push('RoleManagement.ReadWrite.Directory');
  await cli(['scan', '--integration', 'prod', '--quiet', '--full']);

  const scans = (await report()).scans;
  assert.equal(scans.length, 2);
  const second = scans[1]!;
  assert.equal(second.status, 'succeeded');
  assert.equal(second.previous?.scanId, first.scanId);
  const changes = all(second);
  const added = changes.find((c) => c.type === 'credential.added' && c.credential.keyId === keyId);
  assert.equal(added?.identity.objectId, target.object.id);
  assert.doesNotMatch(JSON.stringify(changes), /Zq~/, 'not even the hint');
  const removed = changes.find((c) => c.type === 'owner.removed' && c.owner.objectId === gone.id);
  assert.equal(removed?.identity.objectId, owned.object.id);
  const granted = changes.find(
    (c) => c.type === 'permission.granted' && c.grant.permission === 'RoleManagement.ReadWrite.Directory',
  );
  assert.equal(granted?.identity.objectId, sp.object.id);
  assert.equal(granted?.severity, 'high');
  assert.ok(changes.every((c) => c.identity.publisher === 'own'));
  assert.deepEqual(
    changes.filter(
      (c) => !['credential.added', 'owner.removed', 'permission.granted', 'risk.changed'].includes(c.type),
    ),
    [],
    'nothing else changed',
  );

  const table = (await cli(['changes', '--integration', 'prod'])).stdout;
  assert.match(
    table,
    new RegExp(`prod {2}scan ${second.scanId} .* succeeded, compared with scan ${first.scanId}`),
  );
  assert.match(table, /\n {2}own \(published by this tenant\)\n {4}SEVERITY {2}CHANGE/);
  assert.match(table, /credential\.added .*secret "added between scans" \(5ec7e7aa-/);
  assert.match(table, /owner\.removed .*owner removed: /);
  assert.match(table, /high {6}permission\.granted .*granted tier 0 RoleManagement\.ReadWrite\.Directory/);

  const csv = (await cli(['changes', '--integration', 'prod', '--format', 'csv'])).stdout
    .trimEnd()
    .split('\n');
  assert.match(csv[0]!, /^integration,tenantId,scanId,scanStatus,finishedAt,publisher,severity,type,/);
  assert.equal(csv.length, 1 + changes.length, 'one row per change');
  assert.ok(csv.some((line) => line.includes(`,credential.added,`) && line.includes(keyId)));
});

test('a partial scan lists no removed identity; the next complete scan does', async () => {
  const tenant = emulator.tenants[0]!;
  const app = [...tenant.applications.values()].find((a) =>
    [...tenant.servicePrincipals.values()].some((s) => s.object.appId === a.object.appId),
  )!;
  tenant.applications.delete(app.object.id!);
  const gone = [app.object.id!];
  for (const [id, sp] of tenant.servicePrincipals) {
    if (sp.object.appId !== app.object.appId) continue;
    tenant.servicePrincipals.delete(id);
    gone.push(id);
  }
  // The access part's grants list comes back broken: the scan reads every identity but is partial.
  emulator.control.injectFaults({ malformedRate: 1, pathContains: '/oauth2PermissionGrants' });
  try {
    // Full: an incremental rescan keeps grants from the last full scan and would not read the broken list.
    const scan = await cli(['scan', '--integration', 'prod', '--json', '--full'], 1);
    assert.equal(JSON.parse(scan.stdout).status, 'partial', scan.stdout);
  } finally {
    emulator.control.clearFaults();
  }
  const partial = (await report()).scans.at(-1)!;
  assert.equal(partial.status, 'partial');
  assert.equal(partial.removalsReported, false);
  assert.deepEqual(
    all(partial).filter((c) => c.type === 'identity.removed'),
    [],
  );
  const table = (await cli(['changes', '--integration', 'prod'])).stdout;
  assert.match(
    table,
    new RegExp(
      `scan ${partial.scanId} .* partial.*\\n {2}partial \\(.*\\): removals are not reported because the scan was partial`,
    ),
  );

  await cli(['scan', '--integration', 'prod', '--quiet', '--full']);
  const complete = (await report()).scans.at(-1)!;
  assert.equal(complete.status, 'succeeded');
  assert.deepEqual(
    all(complete)
      .filter((c) => c.type === 'identity.removed')
      .map((c) => c.identity.objectId)
      .sort(),
    gone.sort(),
  );
});
