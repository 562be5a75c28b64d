// `lanyard risk`, the risk in `lanyard identity` and the inventory's --risk, --tier and --unused-for, as a user
// runs them against the emulated Microsoft cloud: before what identities hold and when they signed in is read
// (unknown, never "none"), then after.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { accessGroundTruth } from '../../emulator/tenant/access-truth.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import type { RankedCredential } from '../../src/services/risk-service.ts';
import { emulatorIntegrationArgs } from '../services/emulator-integration.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: RunningEmulator;
let home: string;
const env = () => ({ LANYARD_HOME: home });
const DAY_MS = 86_400_000;
/** The ranking read after the full scan, shown again by `identity`. */
let ranked: RankedCredential[] = [];

async function cli(args: string[], expectedCode = 0) {
  const result = await runCli(args, env());
  assert.equal(result.code, expectedCode, `${args.join(' ')}: ${result.stderr}`);
  return result;
}
const json = async <T>(args: string[]): Promise<T> => JSON.parse((await cli(args)).stdout) as T;
type Row = { objectId: string; kind: string; credentials: Array<{ keyId: string }> };

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-risk-'));
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 11, apps: 60 }], outDir: join(home, 'emulator') });
  await cli(emulatorIntegrationArgs(emulator, 'prod'));
  // Without the parts every scan reads by default: the first tests show reach and last use unknown.
  await cli(['scan', '--integration', 'prod', '--quiet', '--no-access', '--no-last-use']);
});

after(async () => {
  await emulator?.close();
  await rm(home, { recursive: true, force: true });
});

test('risk --help prints its options and opens no database', async () => {
  const nowhere = join(tmpdir(), `lanyard-risk-help-${process.pid}`);
  const result = await runCli(['risk', '--help'], { LANYARD_HOME: nowhere });
  assert.equal(result.code, 0, result.stderr);
  for (const flag of ['--top', '--integration', '--tenant', '--level', '--format'])
    assert.match(result.stdout, new RegExp(flag));
  assert.equal(existsSync(nowhere), false, 'no data directory was created');
  const inventory = await runCli(['inventory', '--help'], { LANYARD_HOME: nowhere });
  assert.match(inventory.stdout, /--tier[\s\S]*access is unknown\s+are not matched/);
  assert.match(inventory.stdout, /--unused-for/);
});

test('before access and sign-ins are read: reach and last use are unknown, never "none" or "never used"', async () => {
  const unread = await json<RankedCredential[]>(['risk', '--top', '1000', '--format', 'json']);
  assert.ok(unread.length > 0);
  for (const entry of unread) {
    assert.equal(entry.lastUse.state, 'unknown', entry.credential.keyId);
    if (entry.identity.kind === 'servicePrincipal') {
      assert.match(entry.reach.unknown.join(), /not read yet/);
      assert.ok(!entry.factors.some((factor) => factor.id === 'reach_none'));
    }
  }
  assert.deepEqual(
    await json(['inventory', '--tier', '2', '--format', 'json']),
    [],
    'unknown access: no tier',
  );
  assert.deepEqual(
    await json(['inventory', '--unused-for', '1d', '--format', 'json']),
    [],
    'unknown: not unused',
  );
});

test('after a scan with its default parts: ranked credentials with reasons, reach and last use', async () => {
  await cli(['scan', '--integration', 'prod', '--quiet']);
  ranked = await json<RankedCredential[]>(['risk', '--top', '20', '--format', 'json']);
  assert.equal(ranked.length, 20);
  for (const [i, entry] of ranked.entries()) {
    if (i > 0) assert.ok(ranked[i - 1]!.score >= entry.score, 'riskiest first');
    const impact = Math.max(...entry.factors.filter((f) => f.dimension === 'impact').map((f) => f.points));
    const sum = entry.factors.filter((f) => f.dimension === 'likelihood').reduce((s, f) => s + f.points, 0);
    assert.equal(entry.score, Math.round((impact * Math.min(100, sum)) / 100), 'the score is its factors’');
    assert.ok(entry.factors.every((factor) => factor.text.trim()));
    for (const reach of entry.reach.entries) assert.ok([0, 1, 2, 'unknown'].includes(reach.tier));
  }
  assert.ok(
    ranked.some((entry) => entry.reach.entries.some((reach) => reach.tier === 0)),
    'the tenant’s tier-0 holders rank',
  );
  assert.ok(
    ranked.some((entry) => entry.lastUse.state !== 'unknown'),
    'sign-ins were read',
  );

  const table = (await cli(['risk', '--top', '3'])).stdout.split('\n');
  assert.match(table[0]!, /^#\s+SCORE\s+CREDENTIAL\s+IDENTITY\s+INTEGRATION\s+EXPIRES\s+LAST USE$/);
  assert.match(
    table[1]!,
    new RegExp(
      `^1\\s+${ranked[0]!.score} ${ranked[0]!.level}\\s+\\w+ ${ranked[0]!.credential.keyId.slice(0, 8)}`,
    ),
  );
  assert.match(table[2]!, /^ {5}- \S/, 'its reasons follow');

  const high = await json<RankedCredential[]>([
    'risk',
    '--top',
    '1000',
    '--level',
    'high',
    '--format',
    'json',
  ]);
  assert.ok(high.length > 0 && high.every((entry) => entry.level === 'high' || entry.level === 'critical'));
  // An identity is at least as risky as its riskiest credential: --risk high lists each of theirs.
  const listed = new Set(
    (await json<Row[]>(['inventory', '--risk', 'high', '--format', 'json'])).map((row) => row.objectId),
  );
  for (const entry of high) assert.ok(listed.has(entry.identity.objectId), entry.identity.displayName);
});

test('identity shows its risk, every factor and per credential its score and last use', async () => {
  const top = ranked[0];
  assert.ok(top, 'the ranking test ran first');
  const shown = (await cli(['identity', top!.identity.objectId])).stdout;
  assert.match(shown, /^Risk: \d+ (low|medium|high|critical) \(impact \d+/m);
  assert.match(shown, /^ {2}impact \d+ +\S/m);
  assert.match(shown, /RISK\s+LAST USE/);
  assert.match(shown, new RegExp(`${top!.credential.keyId}.*\\s${top!.score} ${top!.level}\\s`));
  const [match] = await json<
    Array<{
      risk: {
        score: number;
        factors: unknown[];
        credentials: Array<{ keyId: string; lastUse: { state: string } }>;
      };
    }>
  >(['identity', top!.identity.objectId, '--json']);
  assert.ok(match!.risk.score >= top!.score);
  assert.ok(match!.risk.factors.length > 0);
  const credential = match!.risk.credentials.find((c) => c.keyId === top!.credential.keyId);
  assert.deepEqual(credential?.lastUse, top!.lastUse);
});

test('inventory --tier and --unused-for agree with the tenant’s ground truth', async () => {
  const truth = accessGroundTruth(emulator.tenants[0]!);
  const tier0 = ['Global Administrator', 'Privileged Role Administrator'];
  const holder = truth.servicePrincipals.find((sp) =>
    sp.directoryRoles.some((role) => tier0.includes(role.displayName ?? '') && role.directoryScopeId === '/'),
  )!;
  const atTier0 = await json<Row[]>(['inventory', '--tier', '0', '--format', 'json']);
  assert.ok(
    atTier0.some((row) => row.objectId === holder.id),
    'the tier-0 role holder',
  );

  const unused = await json<Row[]>(['inventory', '--unused-for', '30d', '--format', 'json']);
  const lastSignIn = new Map(truth.credentials.map((c) => [c.keyId, c.lastSignIn?.dateTime ?? null]));
  for (const row of unused) {
    for (const { keyId } of row.credentials) {
      const at = lastSignIn.get(keyId);
      assert.ok(!at || Date.now() - Date.parse(at) >= 30 * DAY_MS, `${keyId} signed in on ${at}`);
    }
  }
});

test('wrong values name their flag and exit 2; an unknown integration exits 3', async () => {
  const cases: Array<[string[], RegExp, number]> = [
    [['risk', '--top', '0'], /--top/, EXIT_CODES.LANYARD_INVALID_INPUT],
    [['risk', '--top', 'many'], /--top/, EXIT_CODES.LANYARD_INVALID_INPUT],
    [['risk', '--level', 'severe'], /--level/, EXIT_CODES.LANYARD_INVALID_INPUT],
    [['risk', '--format', 'xml'], /format/, EXIT_CODES.LANYARD_INVALID_INPUT],
    [['risk', '--integration', 'nope'], /--integration/, EXIT_CODES.LANYARD_NOT_FOUND],
    [['inventory', '--risk', 'severe'], /--risk/, EXIT_CODES.LANYARD_INVALID_INPUT],
    [['inventory', '--tier', '3'], /--tier/, EXIT_CODES.LANYARD_INVALID_INPUT],
    [['inventory', '--unused-for', 'soon'], /--unused-for/, EXIT_CODES.LANYARD_INVALID_INPUT],
  ];
  await Promise.all(
    cases.map(async ([args, flag, code]) => {
      const result = await runCli(args, env());
      assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, flag, args.join(' '));
    }),
  );
});
