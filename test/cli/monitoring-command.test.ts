// After every scan, as a user with monitoring.json sees it against the emulated cloud: finding events reach a
// local Splunk HEC, alerts land in an inbox file once each, a HEC that is down keeps its events until it is back
// (nothing lost, duplicates only with the same event id), and a missing token stops the scan before it starts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { addPassword } from '../../emulator/tenant/mutate.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import { type HecReceiver, startHecReceiver } from '../deliver/receivers.ts';
import { emulatorIntegrationArgs } from '../services/emulator-integration.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

const TOKEN = `hec-${randomUUID()}`;
let emulator: RunningEmulator;
let hec: HecReceiver;
let home: string;
let inbox: string;

async function cli(args: string[], expectedCode = 0, env: Record<string, string> = {}) {
  const result = await runCli(args, { LANYARD_HOME: home, LANYARD_TEST_HEC_TOKEN: TOKEN, ...env });
  assert.equal(result.code, expectedCode, `${args.join(' ')}: ${result.stderr} ${result.stdout}`);
  return result;
}
const inboxKeys = async () =>
  (await readFile(inbox, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { key: string }).key);
const eventTypes = () => hec.envelopes.map((e) => (e.event as { type: string }).type);

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-monitoring-'));
  inbox = join(home, 'inbox.jsonl');
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 11, apps: 60 }], outDir: join(home, 'emulator') });
  hec = await startHecReceiver({ token: TOKEN });
  await writeFile(
    join(home, 'monitoring.json'),
    JSON.stringify({
      sinks: [{ type: 'splunk-hec', name: 'splunk', url: hec.url, token: { env: 'LANYARD_TEST_HEC_TOKEN' } }],
      alerts: { thresholds: [30, 14, 7], channels: [{ type: 'inbox-file', path: inbox }] },
    }),
  );
  await cli(emulatorIntegrationArgs(emulator, 'prod'));
});

after(async () => {
  await emulator?.close();
  await hec?.close();
  await rm(home, { recursive: true, force: true });
});

test('a missing sink token stops the scan before it starts, naming the variable', async () => {
  const result = await runCli(['scan', '--integration', 'prod', '--quiet'], { LANYARD_HOME: home });
  assert.equal(result.code, EXIT_CODES.LANYARD_INVALID_INPUT, result.stderr);
  assert.match(result.stderr, /LANYARD_TEST_HEC_TOKEN/);
  assert.doesNotMatch(result.stderr, new RegExp(TOKEN));
  const scans = await cli(['integration', 'show', 'prod', '--json']);
  assert.doesNotMatch(scans.stdout, /"status":\s*"succeeded"/, 'no scan ran');
});

test('a scan sends one event per opened finding to the SIEM and each alert to the inbox once', async () => {
  await cli(['scan', '--integration', 'prod', '--quiet']);
  const { findings } = JSON.parse((await cli(['findings', '--format', 'json'])).stdout) as {
    findings: unknown[];
  };
  assert.ok(findings.length > 0);
  assert.equal(eventTypes().filter((t) => t === 'finding.opened').length, findings.length);
  assert.equal(new Set(hec.ids).size, hec.ids.length, 'each event once');
  const keys = await inboxKeys();
  assert.ok(
    keys.some((key) => key.startsWith('expiry:')),
    'expiry alerts are due in the generated tenant',
  );
  assert.equal(new Set(keys).size, keys.length);

  assert.deepEqual(
    eventTypes().filter((t) => !t.startsWith('finding.') && t !== 'risk.detected'),
    ['scan.finished'],
    'the first scan is the baseline: no change events',
  );
  assert.ok(
    eventTypes().includes('risk.detected'),
    "Entra ID Protection's detections are sent from the first reading on",
  );

  // A rescan of an unchanged tenant opens nothing, changes nothing and alerts nobody again.
  const before = hec.ids.length;
  await cli(['scan', '--integration', 'prod', '--quiet']);
  assert.deepEqual(eventTypes().slice(before), ['scan.finished']);
  assert.deepEqual(await inboxKeys(), keys);
  assert.match((await cli(['outbox'])).stdout, /Nothing waits/);
});

test('events raised while the SIEM is down wait in the outbox and all arrive once it is back', async () => {
  const app = [...emulator.tenants[0]!.applications.values()].find((a) => a.owners.length > 0)!;
  // Through the emulator's mutation helper, so the change is in the tenant's history as Entra would log it.
  const keyId = addPassword(emulator.tenants[0]!, app.object.id!, {
    displayName: 'forgotten',
    endDateTime: new Date(Date.now() - 86_400_000).toISOString(),
  });
  // The relay stops at a sink's first failure and waits for its retry time: one refusal is an outage.
  hec.respondWith({ status: 503, body: '{"text":"Server is busy","code":9}' });
  const before = hec.ids.length;
  const scan = await cli(['scan', '--integration', 'prod', '--quiet']);
  assert.match(scan.stdout, /sink splunk: \d+ events wait for a retry/);
  assert.equal(hec.ids.length, before, 'nothing accepted while down');
  assert.match((await cli(['outbox'])).stdout, /splunk\s+\d+/);

  await cli(['outbox', 'deliver']);
  const arrived = hec.envelopes
    .slice(before)
    .map((e) => e.event as { type: string; credential?: { keyId: string } });
  assert.ok(arrived.some((e) => e.type === 'finding.opened' && e.credential?.keyId === keyId));
  assert.ok(arrived.some((e) => e.type === 'credential.added' && e.credential?.keyId === keyId));
  assert.equal(arrived.filter((e) => e.type === 'scan.finished').length, 1);
  assert.equal(new Set(hec.ids).size, hec.ids.length, 'no event twice');
  assert.match((await cli(['outbox'])).stdout, /Nothing waits/);
  assert.ok(
    (await inboxKeys()).some((key) => key.includes(keyId)),
    'the new high finding alerted its owners',
  );
});
