// The daily digest: with it on, email channels hold their alerts (the webhooks still send at once) and send
// them after the day's cut as one message per recipient, once, through the same ledger; a failed digest keeps
// them held for the next round. The hold itself on both databases.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { emailChannel } from '../../src/alerts/channels/email.ts';
import { slackChannel } from '../../src/alerts/channels/slack.ts';
import { sendDigest } from '../../src/alerts/digest.ts';
import { dispatchAlerts } from '../../src/alerts/dispatch.ts';
import { MemoryAlertHold } from '../../src/alerts/hold.ts';
import { MemoryAlertLedger } from '../../src/alerts/ledger.ts';
import type { Store } from '../../src/store/index.ts';
import { newIntegration } from '../store/fixtures.ts';
import { forEachDatabase } from '../support/databases.ts';
import {
  alertsFor,
  ana,
  app,
  bo,
  parseMail,
  startReceiver,
  startSmtpServer,
  type TestSmtpServer,
} from './helpers.ts';

let smtp: TestSmtpServer;
before(async () => {
  smtp = await startSmtpServer();
});
after(() => smtp.close());

const email = (port = smtp.port) =>
  emailChannel({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, from: 'lanyard@contoso.com' });

test('email holds its alerts for the digest, Slack sends at once; after the cut one mail per recipient, once', async () => {
  smtp.mails.length = 0;
  const slackHook = await startReceiver([{ status: 200, body: 'ok' }]);
  try {
    let clock = new Date('2026-11-01T02:00:00Z');
    const hold = new MemoryAlertHold({ now: () => clock });
    const ledger = new MemoryAlertLedger({ now: () => clock });
    const alerts = alertsFor([
      app({ days: 5, owners: [ana, bo] }),
      app({ objectId: 'b', days: 20, owners: [ana] }),
    ]);
    const dispatch = () =>
      dispatchAlerts({
        alerts,
        channels: [email(), slackChannel({ webhookUrl: slackHook.url })],
        ledger,
        hold: { into: hold, channels: new Set(['email']) },
      });
    const first = await dispatch();
    const [mail, slack] = first.channels;
    assert.deepEqual(
      mail!.held,
      alerts.map((alert) => alert.key),
    );
    assert.deepEqual(mail!.sent, []);
    assert.equal(slack!.sent.length, 2, 'the webhook is not held');
    assert.equal(smtp.mails.length, 0);

    // A rescan before the digest holds nothing twice and mails nobody.
    clock = new Date('2026-11-01T03:00:00Z');
    await dispatch();
    assert.equal((await hold.held('email', new Date('2026-11-02T00:00:00Z'))).length, 2);

    const round = (at: string) =>
      sendDigest({ channels: [email()], hold, ledgerOf: () => ledger, now: new Date(at), hourUtc: 8 });
    const early = await round('2026-11-01T07:59:00Z');
    assert.deepEqual(early[0]!.sent, [], "before today's cut, yesterday's cut holds nothing of today");
    assert.equal(smtp.mails.length, 0);

    const due = await round('2026-11-01T08:05:00Z');
    assert.deepEqual(due[0]!.sent.sort(), alerts.map((alert) => alert.key).sort());
    const mails = new Map(smtp.mails.map((m) => [m.to.join(','), parseMail(m.raw)]));
    assert.deepEqual([...mails.keys()].sort(), ['ana@contoso.com', 'bo@contoso.com']);
    assert.match(mails.get('ana@contoso.com')!.subject, /daily digest for 2026-11-01: 2 alerts/);
    assert.match(mails.get('bo@contoso.com')!.subject, /daily digest for 2026-11-01: 1 alert:/);
    assert.deepEqual(await hold.held('email', new Date('2026-11-03T00:00:00Z')), []);

    // Sent once, ever: the next round and the next scan find them in the ledger.
    assert.deepEqual((await round('2026-11-02T08:05:00Z'))[0]!.sent, []);
    const later = await dispatch();
    assert.equal(later.channels[0]!.alreadySent, 2);
    assert.deepEqual(later.channels[0]!.held, []);
    assert.equal(smtp.mails.length, 2);
  } finally {
    await slackHook.close();
  }
});

test('a digest the mail server does not take stays held, and goes with the next round', async () => {
  smtp.mails.length = 0;
  const hold = new MemoryAlertHold({ now: () => new Date('2026-11-01T02:00:00Z') });
  const ledger = new MemoryAlertLedger();
  const alerts = alertsFor([app({ days: 5, owners: [ana] })]);
  await dispatchAlerts({
    alerts,
    channels: [email()],
    ledger,
    hold: { into: hold, channels: new Set(['email']) },
  });
  const round = (channel: ReturnType<typeof email>) =>
    sendDigest({
      channels: [channel],
      hold,
      ledgerOf: () => ledger,
      now: new Date('2026-11-01T09:00:00Z'),
      hourUtc: 8,
    });

  // Port 1: nothing listens there, the connection is refused.
  const failed = await round(email(1));
  assert.equal(failed[0]!.failed.length, 1);
  assert.match(failed[0]!.failed[0]!.reason, /SMTP/);
  assert.equal((await hold.held('email', new Date('2026-11-02T00:00:00Z'))).length, 1, 'still held');
  assert.deepEqual(await ledger.sent([alerts[0]!.key], 'email'), new Set());

  const retried = await round(email());
  assert.deepEqual(retried[0]!.sent, [alerts[0]!.key]);
  assert.equal(smtp.mails.length, 1);
  assert.deepEqual(
    [...(await ledger.sent([alerts[0]!.key, ...alerts[0]!.alsoMark], 'email'))].sort(),
    [alerts[0]!.key, ...alerts[0]!.alsoMark].sort(),
  );
});

forEachDatabase('alert hold', (database) => {
  let store: Store;
  before(async () => {
    store = await database.open();
  });
  after(() => store.close());

  test('holds an alert once per channel, gives back what was held before a time, and releases', async () => {
    const { id } = await store.integrations.create(newIntegration());
    const channel = `email-${randomUUID()}`;
    const [alert] = alertsFor([app({ days: 5, owners: [ana] })], {
      integration: { id, name: 'contoso', fallbackEmail: null },
    });
    await store.alertHold.hold([alert!], channel);
    await store.alertHold.hold([{ ...alert!, subject: 'changed' }], channel);
    const soon = new Date(Date.now() + 60_000);
    assert.deepEqual(await store.alertHold.held(channel, soon), [alert], 'the first holding wins');
    assert.deepEqual(await store.alertHold.held(channel, new Date(Date.now() - 60_000)), []);
    assert.deepEqual(await store.alertHold.held(`other-${channel}`, soon), []);
    await store.alertHold.release([alert!.key], channel);
    assert.deepEqual(await store.alertHold.held(channel, soon), []);
  });
});
