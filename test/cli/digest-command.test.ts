// `lanyard alerts digest`: with the digest on, a scan mails nobody (the email channel holds its alerts) while
// the inbox channel gets them at once; `alerts digest --now` mails each owner one digest, once.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import { parseMail, startSmtpServer, type TestSmtpServer } from '../alerts/helpers.ts';
import { emulatorIntegrationArgs } from '../services/emulator-integration.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: RunningEmulator;
let smtp: TestSmtpServer;
let home: string;
let inbox: string;

async function cli(args: string[], expectedCode = 0) {
  const result = await runCli(args, { LANYARD_HOME: home });
  assert.equal(result.code, expectedCode, `${args.join(' ')}: ${result.stderr} ${result.stdout}`);
  return result;
}

const settings = (digest: boolean) =>
  JSON.stringify({
    alerts: {
      // An hour from now: whatever a scan holds now is after today's cut, so only --now sends it.
      digest: { enabled: digest, hourUtc: (new Date().getUTCHours() + 1) % 24 },
      channels: [
        {
          type: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          ignoreTLS: true,
          from: 'lanyard@contoso.com',
        },
        { type: 'inbox-file', path: inbox },
      ],
    },
  });

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-digest-'));
  inbox = join(home, 'inbox.jsonl');
  smtp = await startSmtpServer();
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 11, apps: 60 }], outDir: join(home, 'emulator') });
  await cli(emulatorIntegrationArgs(emulator, 'prod'));
});

after(async () => {
  await emulator?.close();
  await smtp?.close();
  await rm(home, { recursive: true, force: true });
});

test('asking for a digest that is off says how to turn it on', async () => {
  const none = await cli(['alerts', 'digest'], EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(none.stderr, /the daily digest is off: there is no .*monitoring\.json/);
  await writeFile(join(home, 'monitoring.json'), settings(false));
  const result = await cli(['alerts', 'digest'], EXIT_CODES.LANYARD_INVALID_INPUT);
  assert.match(result.stderr, /the daily digest is off in .*monitoring\.json/);
  assert.match(result.stderr, /fix: .*"digest": \{ "enabled": true/);
});

test('a scan holds the email alerts for the digest; the digest mails each owner once', async () => {
  await writeFile(join(home, 'monitoring.json'), settings(true));
  await cli(['scan', '--integration', 'prod', '--quiet']);
  const inboxed = (await readFile(inbox, 'utf8')).trim().split('\n').filter(Boolean);
  assert.ok(inboxed.length > 0, 'the inbox channel is not held');
  assert.equal(smtp.mails.length, 0, 'email waits for the digest');

  assert.match((await cli(['alerts', 'digest'])).stdout, /email: 0 alerts sent in the digest/);
  assert.equal(smtp.mails.length, 0, "held after today's cut: not due yet");

  const sent = await cli(['alerts', 'digest', '--now']);
  const count = Number(/email: (\d+) alerts? sent/.exec(sent.stdout)?.[1]);
  assert.ok(count > 0, sent.stdout);
  const recipients = smtp.mails.map((mail) => mail.to.join(','));
  assert.equal(new Set(recipients).size, recipients.length, 'one digest per recipient');
  for (const mail of smtp.mails) assert.match(parseMail(mail.raw).subject, /Lanyard daily digest for /);

  const mailed = smtp.mails.length;
  assert.match((await cli(['alerts', 'digest', '--now'])).stdout, /email: 0 alerts sent/);
  await cli(['scan', '--integration', 'prod', '--quiet']);
  await cli(['alerts', 'digest', '--now']);
  assert.equal(smtp.mails.length, mailed, 'nothing is mailed twice, rescans included');
});
