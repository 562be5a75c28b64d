// The dispatcher with a ledger, through real channels: email to an in-process SMTP server, Slack and Teams to
// local receivers, the inbox file. Once per key and channel, retries per channel, the threshold progression.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AlertChannel } from '../../src/alerts/channel.ts';
import { emailChannel } from '../../src/alerts/channels/email.ts';
import { inboxFileChannel } from '../../src/alerts/channels/inbox-file.ts';
import { slackChannel } from '../../src/alerts/channels/slack.ts';
import { teamsChannel } from '../../src/alerts/channels/teams.ts';
import { dispatchAlerts } from '../../src/alerts/dispatch.ts';
import { type AlertLedger, MemoryAlertLedger, settledKeys } from '../../src/alerts/ledger.ts';
import { type AlertInput, dueAlerts } from '../../src/core/alerts.ts';
import { LanyardError } from '../../src/core/errors.ts';
import type { Identity } from '../../src/core/inventory.ts';
import { credential } from '../../src/core/risk/test-fixtures.ts';
import {
  alertsFor,
  ana,
  app,
  DAY_MS,
  INTEGRATION,
  parseMail,
  type Receiver,
  startReceiver,
  startSmtpServer,
  type TestSmtpServer,
} from './helpers.ts';

let smtp: TestSmtpServer;
let dir: string;
before(async () => {
  smtp = await startSmtpServer();
  dir = await mkdtemp(join(tmpdir(), 'lanyard-alerts-'));
});
after(async () => {
  await smtp.close();
  await rm(dir, { recursive: true, force: true });
});

const email = () =>
  emailChannel({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    from: 'lanyard@contoso.com',
  });

/** One scheduled run as the service would do it: evaluate with what every channel has settled, then send. */
async function run(
  identities: Identity[],
  now: Date,
  channels: AlertChannel[],
  ledger: AlertLedger,
  extra: Partial<AlertInput> = {},
) {
  const base = { integration: INTEGRATION, identities, now, ...extra };
  const candidates = dueAlerts({ ...base, alreadySent: new Set() });
  const alreadySent = await settledKeys(
    ledger,
    candidates.flatMap((alert) => [alert.key, ...alert.alsoMark]),
    channels.map((channel) => channel.name),
  );
  const alerts = dueAlerts({ ...base, alreadySent });
  return { alerts, summary: await dispatchAlerts({ alerts, channels, ledger }) };
}

async function withReceivers<T>(fn: (slack: Receiver, teams: Receiver) => Promise<T>): Promise<T> {
  const slack = await startReceiver([{ status: 200, body: 'ok' }]);
  const teams = await startReceiver([{ status: 202 }]);
  try {
    return await fn(slack, teams);
  } finally {
    await slack.close();
    await teams.close();
  }
}

test('running twice sends nothing the second time, through any channel, even with new channel objects', async () => {
  smtp.mails.length = 0;
  await withReceivers(async (slackHook, teamsHook) => {
    const ledger = new MemoryAlertLedger();
    const inbox = join(dir, 'twice.jsonl');
    const channels = () => [
      email(),
      slackChannel({ webhookUrl: slackHook.url }),
      teamsChannel({ webhookUrl: teamsHook.url }),
      inboxFileChannel({ path: inbox }),
    ];
    const identities = [app({ days: 5, owners: [ana] }), app({ objectId: 'b', days: 20, owners: [ana] })];
    const first = await run(identities, new Date('2026-11-01T00:00:00Z'), channels(), ledger);
    assert.equal(first.alerts.length, 2);
    assert.deepEqual(
      first.summary.delivered,
      first.alerts.map((alert) => alert.key),
    );
    assert.deepEqual(first.summary.retry, []);
    // A restart: new channels, the same ledger (the database), the scan run again an hour later.
    const second = await run(identities, new Date('2026-11-01T01:00:00Z'), channels(), ledger);
    assert.deepEqual(second.alerts, []);
    assert.deepEqual(second.summary.delivered, []);
    // Even if the alerts are handed over again, no channel sends them twice.
    const third = await dispatchAlerts({ alerts: first.alerts, channels: channels(), ledger });
    assert.deepEqual(third.delivered, []);
    assert.deepEqual(
      third.channels.map((summary) => [summary.channel, summary.alreadySent]),
      [
        ['email', 2],
        ['slack', 2],
        ['teams', 2],
        ['inbox', 2],
      ],
    );
    assert.equal(smtp.mails.length, 1, 'one mail to ana with both alerts');
    assert.equal(slackHook.requests.length, 1);
    assert.equal(teamsHook.requests.length, 1);
    const lines = (await readFile(inbox, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 2);
  });
});

test('a channel answering 500 is retried on the next run, and only that channel', async () => {
  smtp.mails.length = 0;
  await withReceivers(async (slackHook, teamsHook) => {
    slackHook.answers.splice(
      0,
      slackHook.answers.length,
      { status: 500, body: 'oops' },
      { status: 200, body: 'ok' },
    );
    const ledger = new MemoryAlertLedger();
    const channels = () => [
      email(),
      slackChannel({ webhookUrl: slackHook.url }),
      teamsChannel({ webhookUrl: teamsHook.url }),
    ];
    const identities = [app({ days: 5, owners: [ana] })];
    const first = await run(identities, new Date('2026-11-01T00:00:00Z'), channels(), ledger);
    const key = 'expiry:int1:app-obj:k1:7';
    assert.deepEqual(first.summary.delivered, [key]);
    assert.deepEqual(first.summary.retry, [key]);
    const slackSummary = first.summary.channels.find((summary) => summary.channel === 'slack')!;
    assert.deepEqual(slackSummary.failed, [{ key, reason: 'the slack webhook answered HTTP 500: oops' }]);

    const second = await run(identities, new Date('2026-11-01T06:00:00Z'), channels(), ledger);
    assert.deepEqual(
      second.alerts.map((alert) => alert.key),
      [key],
      'still due: one channel owes it',
    );
    assert.deepEqual(
      second.summary.channels.map((summary) => [summary.channel, summary.sent, summary.alreadySent]),
      [
        ['email', [], 1],
        ['slack', [key], 0],
        ['teams', [], 1],
      ],
    );
    assert.equal(slackHook.requests.length, 2);
    assert.equal(teamsHook.requests.length, 1);
    assert.equal(smtp.mails.length, 1);

    const third = await run(identities, new Date('2026-11-01T12:00:00Z'), channels(), ledger);
    assert.deepEqual(third.alerts, []);
    assert.equal(slackHook.requests.length, 2);
  });
});

test('30 → 14 → 7: daily runs from 40 days out to past expiry send exactly three alerts for one credential', async () => {
  smtp.mails.length = 0;
  await withReceivers(async (slackHook) => {
    const ledger = new MemoryAlertLedger();
    const channels = () => [email(), slackChannel({ webhookUrl: slackHook.url })];
    const end = '2026-12-01T00:00:00Z';
    const identities = [
      app({
        days: null,
        owners: [ana],
        credentials: [credential({ keyId: 'k1', displayName: 'deploy', endDateTime: end })],
      }),
    ];
    const at = (daysLeft: number) => new Date(Date.parse(end) - daysLeft * DAY_MS);
    const keys: string[] = [];
    // Daily scans from 40 days out to the day after expiry.
    for (let daysLeft = 40; daysLeft >= -1; daysLeft -= 1) {
      const { summary } = await run(identities, at(daysLeft), channels(), ledger);
      keys.push(...summary.delivered);
    }
    assert.deepEqual(keys, [
      'expiry:int1:app-obj:k1:30',
      'expiry:int1:app-obj:k1:14',
      'expiry:int1:app-obj:k1:7',
    ]);
    assert.equal(smtp.mails.length, 3);
    assert.deepEqual(
      smtp.mails.map((mail) => parseMail(mail.raw).subject),
      [
        '[Lanyard] Secret "deploy" of "Payroll" expires in 30 days',
        '[Lanyard] Secret "deploy" of "Payroll" expires in 14 days',
        '[Lanyard] Secret "deploy" of "Payroll" expires in 7 days',
      ],
    );
    assert.equal(slackHook.requests.length, 3);
  });
});

test('a credential first seen with 5 days left sends one alert, and its wider thresholds never follow', async () => {
  smtp.mails.length = 0;
  const ledger = new MemoryAlertLedger();
  const channels = () => [email(), inboxFileChannel({ path: join(dir, 'five.jsonl') })];
  const identities = [app({ days: 5, owners: [ana] })];
  const first = await run(identities, new Date('2026-11-01T00:00:00Z'), channels(), ledger);
  assert.deepEqual(first.summary.delivered, ['expiry:int1:app-obj:k1:7']);
  assert.deepEqual(
    ledger
      .entries()
      .filter((entry) => entry.channel === 'email')
      .map((entry) => entry.key),
    ['expiry:int1:app-obj:k1:14', 'expiry:int1:app-obj:k1:30', 'expiry:int1:app-obj:k1:7'],
  );
  // Later runs, and a run whose thresholds lost the 7-day one: nothing more for this credential.
  for (const [now, thresholds] of [
    ['2026-11-03T00:00:00Z', undefined],
    ['2026-11-04T00:00:00Z', [30, 14]],
  ] as const) {
    const later = await run(
      identities,
      new Date(now),
      channels(),
      ledger,
      thresholds ? { thresholds: [...thresholds] } : {},
    );
    assert.deepEqual(later.summary.delivered, []);
  }
  assert.equal(smtp.mails.length, 1);
});

test('email skips alerts nobody can be mailed about without recording them; the webhooks still send them', async () => {
  await withReceivers(async (slackHook) => {
    const ledger = new MemoryAlertLedger();
    const channels = [email(), slackChannel({ webhookUrl: slackHook.url })];
    const alerts = alertsFor([app({ days: 5, owners: [] })], {
      integration: { id: 'int1', name: 'contoso' },
    });
    const summary = await dispatchAlerts({ alerts, channels, ledger });
    const [mail, slack] = summary.channels;
    assert.deepEqual(mail!.skipped, [alerts[0]!.key]);
    assert.deepEqual(slack!.sent, [alerts[0]!.key]);
    assert.deepEqual((await ledger.sent([alerts[0]!.key], 'email')).size, 0);
  });
});

test('a channel that throws fails its alerts with a reason that quotes nothing; others are unaffected', async () => {
  const ledger = new MemoryAlertLedger();
  const alerts = alertsFor([app({ days: 5 })]);
  const broken: AlertChannel = {
    name: 'broken',
    async send() {
      throw new Error('connect to https://hooks.example/secretTOKEN failed');
    },
  };
  const sloppy: AlertChannel = {
    name: 'sloppy',
    async send() {
      return { accepted: ['not-a-due-key'], failed: [], skipped: [] };
    },
  };
  const inbox = inboxFileChannel({ path: join(dir, 'throws.jsonl') });
  const summary = await dispatchAlerts({ alerts, channels: [broken, sloppy, inbox], ledger });
  assert.deepEqual(summary.channels[0]!.failed, [
    { key: alerts[0]!.key, reason: 'the broken channel failed unexpectedly (Error)' },
  ]);
  assert.deepEqual(summary.channels[1]!.failed, [
    { key: alerts[0]!.key, reason: 'the sloppy channel did not report on it' },
  ]);
  assert.deepEqual(summary.channels[2]!.sent, [alerts[0]!.key]);
  assert.deepEqual((await ledger.sent(['not-a-due-key'], 'sloppy')).size, 0);
});

test('a ledger that cannot record says so: the alert is sent again next time (at least once)', async () => {
  const inner = new MemoryAlertLedger();
  let failRecord = true;
  const ledger: AlertLedger = {
    sent: (keys, channel) => inner.sent(keys, channel),
    async record(keys, channel) {
      if (failRecord) throw new LanyardError('LANYARD_UNREACHABLE', 'the database is unreachable');
      await inner.record(keys, channel);
    },
  };
  const alerts = alertsFor([app({ days: 5 })]);
  const path = join(dir, 'ledger.jsonl');
  const first = await dispatchAlerts({ alerts, channels: [inboxFileChannel({ path })], ledger });
  assert.equal(first.channels[0]!.recordError, 'the database is unreachable');
  assert.deepEqual(first.retry, [alerts[0]!.key]);
  failRecord = false;
  const second = await dispatchAlerts({ alerts, channels: [inboxFileChannel({ path })], ledger });
  assert.deepEqual(second.delivered, [alerts[0]!.key]);
  const third = await dispatchAlerts({ alerts, channels: [inboxFileChannel({ path })], ledger });
  assert.deepEqual(third.delivered, []);
  assert.equal((await readFile(path, 'utf8')).trim().split('\n').length, 2);
});

test('an unreadable ledger sends nothing (it could repeat), and channels must have distinct names', async () => {
  const ledger: AlertLedger = {
    async sent() {
      throw new Error('boom');
    },
    async record() {},
  };
  const path = join(dir, 'unreadable.jsonl');
  const alerts = alertsFor([app({ days: 5 })]);
  const summary = await dispatchAlerts({ alerts, channels: [inboxFileChannel({ path })], ledger });
  assert.match(summary.channels[0]!.failed[0]!.reason, /ledger could not be read/);
  await assert.rejects(readFile(path), { code: 'ENOENT' });
  await assert.rejects(
    dispatchAlerts({
      alerts,
      channels: [inboxFileChannel({ path }), inboxFileChannel({ path })],
      ledger: new MemoryAlertLedger(),
    }),
    /two alert channels are named "inbox"/,
  );
});
