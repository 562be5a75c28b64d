// The email channel against a real SMTP server in-process (smtp-server on an ephemeral port).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { emailChannel, emailChannelFromConfig } from '../../src/alerts/channels/email.ts';
import { LanyardError } from '../../src/core/errors.ts';
import {
  alertsFor,
  ana,
  app,
  bo,
  HOSTILE_NAME,
  parseMail,
  startSmtpServer,
  type TestSmtpServer,
} from './helpers.ts';

const PASSWORD = 'sm7p-Pa55word!';
let smtp: TestSmtpServer;

before(async () => {
  smtp = await startSmtpServer({ user: 'lanyard', password: PASSWORD, refuse: (a) => a.startsWith('gone@') });
});
after(async () => {
  await smtp.close();
});

const channel = (password = PASSWORD) =>
  emailChannel({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    auth: { user: 'lanyard', password },
    from: 'lanyard@contoso.com',
    timeoutMs: 5000,
  });

test('one message per recipient with all of their alerts: recipients, subject, credential and days left', async () => {
  smtp.mails.length = 0;
  const alerts = alertsFor([
    app({ days: 5, owners: [ana] }),
    app({ objectId: 'hr-obj', displayName: 'HR sync', days: 12, keyId: 'k2', owners: [ana, bo] }),
  ]);
  const email = channel();
  const result = await email.send(alerts);
  await email.close?.();
  assert.deepEqual(result.accepted.sort(), alerts.map((alert) => alert.key).sort());
  assert.deepEqual(result.failed, []);
  assert.equal(smtp.mails.length, 2);
  const byRecipient = new Map(smtp.mails.map((mail) => [mail.to.join(','), mail]));
  assert.deepEqual([...byRecipient.keys()].sort(), ['ana@contoso.com', 'bo@contoso.com']);
  for (const mail of smtp.mails) assert.equal(mail.from, 'lanyard@contoso.com');

  const toAna = parseMail(byRecipient.get('ana@contoso.com')!.raw);
  assert.equal(toAna.subject, '[Lanyard] 2 alerts: 2 credentials expiring');
  assert.equal(toAna.headers.get('auto-submitted'), 'auto-generated');
  assert.match(toAna.text, /Secret "deploy" of "Payroll" expires in 5 days/);
  assert.match(
    toAna.text,
    /secret "deploy" \(k1\) of the application "Payroll" \(appId app-id\) expires in 5 days, on 2026-11-06/,
  );
  assert.match(toAna.text, /Expires: 2026-11-13 \(in 12 days\)/);
  assert.match(toAna.html, /Secret &quot;deploy&quot; of &quot;Payroll&quot; expires in 5 days/);

  const toBo = parseMail(byRecipient.get('bo@contoso.com')!.raw);
  assert.equal(toBo.subject, '[Lanyard] Secret "deploy" of "HR sync" expires in 12 days');
  assert.match(toBo.text, /HR sync/);
  assert.doesNotMatch(toBo.text, /Payroll/, 'bo gets only the alerts of what he owns');
  assert.deepEqual(smtp.logins.at(-1), 'lanyard');
});

test('a hostile display name is escaped in the HTML, neutralised in the text, and cannot add a header', async () => {
  smtp.mails.length = 0;
  const alerts = alertsFor([app({ days: 5, displayName: HOSTILE_NAME, owners: [ana] })]);
  const email = channel();
  const result = await email.send(alerts);
  await email.close?.();
  assert.equal(result.accepted.length, 1);
  assert.equal(smtp.mails.length, 1);
  const mail = smtp.mails[0]!;
  assert.deepEqual(mail.to, ['ana@contoso.com'], 'no Bcc smuggled in through the name');
  const parsed = parseMail(mail.raw);
  assert.equal(parsed.headers.get('bcc'), undefined);
  assert.doesNotMatch(parsed.html, /<script>/);
  assert.match(parsed.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &lt;!channel&gt;/);
  assert.doesNotMatch(parsed.html, /\u202e/);
  assert.match(parsed.html, /\\u202egpj\.exe/);
  assert.doesNotMatch(parsed.text, /\u202e/);
  assert.match(parsed.text, /<script>alert\(1\)<\/script> & <!channel>.*\\nBcc: x@y\.com/);
  assert.doesNotMatch(parsed.subject, /[\r\n]/);
});

test('alerts with no recipient are skipped by email, not recorded as sent', async () => {
  smtp.mails.length = 0;
  const alerts = alertsFor([app({ days: 5, owners: [] })], {
    integration: { id: 'int1', name: 'contoso' },
  });
  const email = channel();
  const result = await email.send(alerts);
  await email.close?.();
  assert.deepEqual(result, { accepted: [], failed: [], skipped: [alerts[0]!.key] });
  assert.equal(smtp.mails.length, 0);
});

test('a refused recipient fails the alerts they were in; the others are delivered', async () => {
  smtp.mails.length = 0;
  const gone = { ...bo, objectId: 'o3', userPrincipalName: 'gone@contoso.com' };
  const alerts = alertsFor([
    app({ days: 5, owners: [ana] }),
    app({ objectId: 'hr-obj', displayName: 'HR sync', days: 12, keyId: 'k2', owners: [ana, gone] }),
  ]);
  const email = channel();
  const result = await email.send(alerts);
  await email.close?.();
  assert.deepEqual(result.accepted, ['expiry:int1:app-obj:k1:7']);
  assert.equal(result.failed.length, 1);
  assert.equal(result.failed[0]!.key, 'expiry:int1:hr-obj:k2:14');
  assert.match(result.failed[0]!.reason, /550|refused|gone@contoso\.com/);
});

test('a wrong password fails every alert, and no reason quotes the password', async () => {
  smtp.mails.length = 0;
  const wrong = 'Wr0ng-Secret-Value';
  const alerts = alertsFor([app({ days: 5, owners: [ana] })]);
  const email = channel(wrong);
  const result = await email.send(alerts);
  await email.close?.();
  assert.equal(result.accepted.length, 0);
  assert.equal(result.failed.length, 1);
  assert.match(result.failed[0]!.reason, /SMTP EAUTH/);
  assert.doesNotMatch(result.failed[0]!.reason, /Wr0ng-Secret-Value/);
  assert.doesNotMatch(result.failed[0]!.reason, new RegExp(Buffer.from(wrong).toString('base64')));
  assert.equal(smtp.mails.length, 0);
});

test('an unreachable server fails the alerts for the next run', async () => {
  const closed = await startSmtpServer();
  const port = closed.port;
  await closed.close();
  const email = emailChannel({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    from: 'lanyard@contoso.com',
    timeoutMs: 2000,
  });
  const alerts = alertsFor([app({ days: 5, owners: [ana] })]);
  const result = await email.send(alerts);
  await email.close?.();
  assert.equal(result.failed.length, 1);
  assert.match(result.failed[0]!.reason, /SMTP (ECONNECTION|ESOCKET)/);
});

test('from config: the password is read from the variable it names; a missing one is named, never shown', async () => {
  smtp.mails.length = 0;
  const config = {
    type: 'email' as const,
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    auth: { user: 'lanyard', passwordEnv: 'LANYARD_TEST_SMTP_PASSWORD' },
    from: 'lanyard@contoso.com',
  };
  const email = emailChannelFromConfig(config, { LANYARD_TEST_SMTP_PASSWORD: PASSWORD });
  const result = await email.send(alertsFor([app({ days: 5, owners: [ana] })]));
  await email.close?.();
  assert.equal(result.accepted.length, 1);
  assert.equal(smtp.mails.length, 1);
  assert.throws(
    () => emailChannelFromConfig(config, {}),
    (error: unknown) =>
      error instanceof LanyardError &&
      error.code === 'LANYARD_INVALID_INPUT' &&
      /LANYARD_TEST_SMTP_PASSWORD/.test(error.message),
  );
  assert.throws(
    () => emailChannel({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'Lanyard <x@y.com>' }),
    /"from" is not an email address/,
  );
});
