// The user's risk.json as a user meets it against the emulated Microsoft cloud: a tier override moves an identity
// into `inventory --tier 0` and `identity`'s tier-0 access, a scoring override changes `risk`'s scores, and a bad
// file stops the command with the file and the entry named.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { DEFAULT_APP_ROLE_ID, type Grant } from '../../src/core/access.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import { DEFAULT_RISK_CONFIG } from '../../src/core/risk/config.ts';
import type { RankedCredential } from '../../src/services/risk-service.ts';
import { emulatorIntegrationArgs } from '../services/emulator-integration.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: RunningEmulator;
let home: string;
const settingsFile = () => join(home, 'risk.json');

async function cli(args: string[], env: Record<string, string> = {}, expectedCode = 0) {
  const result = await runCli(args, { LANYARD_HOME: home, ...env });
  assert.equal(result.code, expectedCode, `${args.join(' ')}: ${result.stderr}`);
  return result;
}
const json = async <T>(args: string[]): Promise<T> => JSON.parse((await cli(args)).stdout) as T;
const writeSettings = (settings: unknown) =>
  writeFile(settingsFile(), typeof settings === 'string' ? settings : JSON.stringify(settings));
type Row = { objectId: string; kind: string; access?: Grant[] };
type TieredGrant = Grant & { tier: number | 'unknown'; tierReason: string };
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-risk-settings-'));
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 11, apps: 60 }], outDir: join(home, 'emulator') });
  await cli(emulatorIntegrationArgs(emulator, 'prod'));
  // Reads what each service principal holds: tiers need it.
  await cli(['scan', '--integration', 'prod', '--quiet']);
});

after(async () => {
  await emulator?.close();
  await rm(home, { recursive: true, force: true });
});

test('risk --show-config prints the defaults, and says no file was found', async () => {
  await rm(settingsFile(), { force: true });
  const shown = await cli(['risk', '--show-config']);
  assert.deepEqual(JSON.parse(shown.stdout), { scoring: DEFAULT_RISK_CONFIG, tiers: {} });
  assert.match(shown.stderr, new RegExp(`no ${literally(settingsFile())}: the defaults`));
});

test('a tier override makes a permission tier 0 for inventory --tier 0 and identity alike', async () => {
  await rm(settingsFile(), { force: true });
  const atTier0 = new Set(
    (await json<Row[]>(['inventory', '--tier', '0', '--format', 'json'])).map((row) => row.objectId),
  );
  const rows = await json<Row[]>(['inventory', '--type', 'service-principal', '--format', 'json']);
  // A service principal holding an app role but nothing at tier 0 yet: the override alone can lift it.
  const [holder, grant] = rows
    .filter((row) => !atTier0.has(row.objectId))
    .flatMap((row) =>
      (row.access ?? [])
        .filter((g) => g.kind === 'app-role' && g.permission && g.permissionId !== DEFAULT_APP_ROLE_ID)
        .map((g) => [row, g] as const),
    )[0]!;
  assert.ok(holder, 'the tenant has a service principal holding an app role below tier 0');
  const reason = 'Contoso keeps its payroll behind this permission';
  await writeSettings({
    tiers: {
      appRoles: [
        {
          value: grant.permission,
          ...(grant.resourceAppId ? { resourceAppId: grant.resourceAppId } : {}),
          tier: 0,
          source: 'Contoso policy',
          reason,
        },
      ],
    },
  });

  const nowAtTier0 = await json<Row[]>(['inventory', '--tier', '0', '--format', 'json']);
  assert.ok(
    nowAtTier0.some((row) => row.objectId === holder.objectId),
    'inventory --tier 0 now lists it',
  );
  const [shown] = await json<Array<{ identity: { access: TieredGrant[] } }>>([
    'identity',
    holder.objectId,
    '--json',
  ]);
  const tiered = shown!.identity.access.find(
    (g) => g.kind === 'app-role' && g.permission === grant.permission && g.resourceId === grant.resourceId,
  );
  assert.equal(tiered?.tier, 0);
  assert.equal(tiered?.tierReason, reason);
  const lines = (await cli(['identity', holder.objectId])).stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith('  tier 0 ('));
  const end = lines.findIndex((line, i) => i > start && !line.startsWith('    '));
  const tier0Group = lines.slice(start, end).join('\n');
  assert.ok(start >= 0 && tier0Group.includes(grant.permission), `${grant.permission} is under tier 0`);
});

test('a scoring override changes the scores risk shows', async () => {
  await rm(settingsFile(), { force: true });
  const asShipped = await json<RankedCredential[]>(['risk', '--top', '1000', '--format', 'json']);
  // A secret whose likelihood is below the cap: a heavier secret weight must raise its score.
  const secret = asShipped.find(
    (entry) => entry.credential.type === 'secret' && entry.likelihood < 100 && entry.impact > 0,
  );
  assert.ok(secret, 'the tenant has a secret below the likelihood cap');
  await writeSettings({ scoring: { points: { secret: 100 } } });

  const overridden = await json<RankedCredential[]>(['risk', '--top', '1000', '--format', 'json']);
  const rescored = overridden.find((entry) => entry.credential.keyId === secret.credential.keyId);
  assert.ok(rescored);
  assert.equal(rescored.likelihood, 100, 'likelihood is capped at 100');
  assert.equal(rescored.score, rescored.impact);
  assert.ok(rescored.score > secret.score, `${rescored.score} > ${secret.score}`);
  const shown = await cli(['risk', '--show-config']);
  assert.equal(JSON.parse(shown.stdout).scoring.points.secret, 100);
  assert.match(shown.stderr, new RegExp(`risk settings from ${literally(settingsFile())}`));
});

test('a bad file stops the commands that score, naming the file and the entry, exit 2', async () => {
  await writeSettings({ scoring: { unused: [{ days: 0, points: 15 }] } });
  for (const args of [['risk'], ['inventory', '--tier', '0'], ['identity', 'x'], ['risk', '--show-config']]) {
    const result = await cli(args, {}, EXIT_CODES.LANYARD_INVALID_INPUT);
    assert.match(
      result.stderr,
      new RegExp(
        `^error: ${literally(settingsFile())}: scoring\\.unused\\[0\\]\\.days: must be a whole number`,
      ),
      args.join(' '),
    );
    assert.match(result.stderr, /\n {2}fix: /);
  }
  // A plain listing neither scores nor tiers: the broken file does not stand in its way.
  await cli(['inventory', '--format', 'json']);

  const elsewhere = join(home, 'elsewhere.json');
  await writeFile(elsewhere, '{ "tiers": { "appRoles": [ }');
  const result = await cli(['risk'], { LANYARD_RISK_CONFIG: elsewhere }, EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(result.stderr, new RegExp(`^error: ${literally(elsewhere)}: not valid JSON`));
});
