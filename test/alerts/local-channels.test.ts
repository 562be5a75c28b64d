// The demo's channels: the inbox file (JSON lines) and the console, both without any server.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { consoleChannel, formatAlert } from '../../src/alerts/channels/console.ts';
import { type InboxLine, inboxFileChannel } from '../../src/alerts/channels/inbox-file.ts';
import { MemoryAlertLedger } from '../../src/alerts/ledger.ts';
import { previewAlerts } from '../../src/alerts/preview.ts';
import { alertsFor, ana, app, bo, HOSTILE_NAME, NOW } from './helpers.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lanyard-inbox-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('inbox file: one JSON line per alert, appended, with where it would go', async () => {
  const path = join(dir, 'nested', 'inbox.jsonl');
  const inbox = inboxFileChannel({ path, now: () => new Date('2026-11-01T08:00:00Z') });
  const alerts = alertsFor([
    app({ days: 5, owners: [ana, bo] }),
    app({ objectId: 'x', days: 20, owners: [] }),
  ]);
  const result = await inbox.send(alerts);
  assert.deepEqual(
    result.accepted,
    alerts.map((alert) => alert.key),
  );
  await inbox.send(alertsFor([app({ objectId: 'y', days: 12 })]));
  const lines = (await readFile(path, 'utf8')).split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 3);
  const first = JSON.parse(lines[0]!) as InboxLine;
  assert.equal(first.deliveredAt, '2026-11-01T08:00:00.000Z');
  assert.equal(first.key, 'expiry:int1:app-obj:k1:7');
  assert.deepEqual(first.to, ['ana@contoso.com', 'bo@contoso.com']);
  assert.equal(first.subject, 'Secret "deploy" of "Payroll" expires in 5 days');
  assert.equal(first.credential?.daysLeft, 5);
  assert.deepEqual(first.alsoMark, ['expiry:int1:app-obj:k1:30', 'expiry:int1:app-obj:k1:14']);
  const second = JSON.parse(lines[1]!) as InboxLine;
  assert.deepEqual(second.to, ['secops@contoso.com'], 'no owner: the fallback address');
  assert.equal((await stat(path)).mode & 0o077, 0, 'readable by its owner only');
});

test('inbox file: a hostile name stays on its line and shows its invisible characters', async () => {
  const path = join(dir, 'hostile.jsonl');
  await inboxFileChannel({ path }).send(alertsFor([app({ days: 5, displayName: HOSTILE_NAME })]));
  const text = await readFile(path, 'utf8');
  assert.equal(text.split('\n').length, 2);
  assert.doesNotMatch(text, /\u202e/);
  const line = JSON.parse(text) as InboxLine;
  assert.ok(line.identity.displayName.includes('\u202e'), 'the JSON still holds the real name');
  assert.ok(line.message.includes('\\u202egpj.exe'), 'the shown text makes it visible');
});

test('inbox file: a path that cannot be written fails the alerts, for the next run', async () => {
  const path = join(dir, 'hostile.jsonl', 'under-a-file.jsonl');
  const result = await inboxFileChannel({ path }).send(alertsFor([app({ days: 5 })]));
  assert.equal(result.accepted.length, 0);
  assert.match(result.failed[0]!.reason, /could not append to the inbox file: (ENOTDIR|EEXIST)/);
});

test('console: recipients, subject, message and facts, safe for a terminal', async () => {
  const printed: string[] = [];
  const alerts = alertsFor(
    [
      app({ days: 5, displayName: HOSTILE_NAME, owners: [ana] }),
      app({ objectId: 'x', days: 20, owners: [] }),
    ],
    { integration: { id: 'int1', name: 'contoso' } },
  );
  const result = await consoleChannel({ write: (text) => printed.push(text) }).send(alerts);
  assert.equal(result.accepted.length, 2);
  const output = printed.join('');
  assert.doesNotMatch(output, /[\u001b\u202e\r]/);
  assert.match(output, /^\[HIGH\] Secret "deploy" of "<script>/);
  assert.match(output, / {2}To: ana@contoso\.com\n/);
  assert.match(output, / {2}To: \(nobody by email: webhook channels only\)\n/);
  assert.match(output, / {2}Expires: 2026-11-21 \(in 20 days\)\n/);
  assert.equal(
    formatAlert(alerts[0]!)
      .split('\n')
      .filter((line) => line.startsWith('[')).length,
    1,
  );
});

test('preview (the demo): a summary, the first alerts in full, every alert in the inbox, nothing twice', async () => {
  const path = join(dir, 'demo-inbox.jsonl');
  const printed: string[] = [];
  const ledger = new MemoryAlertLedger();
  const identities = [
    app({ days: 5, owners: [ana] }),
    app({ objectId: 'b', days: 12, owners: [bo] }),
    app({ objectId: 'c', days: 25, owners: [] }),
    app({ objectId: 'd', days: 29, owners: [ana] }),
  ];
  const input = { integration: { id: 'int1', name: 'demo' }, identities, now: NOW };
  const first = await previewAlerts({
    input,
    inboxPath: path,
    write: (t) => printed.push(t),
    printed: 2,
    ledger,
  });
  assert.equal(first.alerts.length, 4);
  const output = printed.join('');
  assert.match(
    output,
    /^Alerts: 4 due \(2 at the 30-day threshold, 1 at the 14-day threshold, 1 at the 7-day threshold\), for 2 mailboxes; 1 with nobody to mail \(webhook channels only\)\.\n/,
  );
  assert.equal(output.match(/^ {2}\[(HIGH|MEDIUM)\]/gm)?.length, 2);
  assert.match(output, /To: ana@contoso\.com/);
  assert.match(output, /Every alert is in the local inbox .*demo-inbox\.jsonl/);
  assert.equal((await readFile(path, 'utf8')).trim().split('\n').length, 4);
  printed.length = 0;
  await previewAlerts({ input, inboxPath: path, write: (t) => printed.push(t), ledger });
  assert.equal(
    (await readFile(path, 'utf8')).trim().split('\n').length,
    4,
    'the ledger kept them from repeating',
  );
  printed.length = 0;
  await previewAlerts({
    input: { ...input, identities: [] },
    inboxPath: path,
    write: (t) => printed.push(t),
  });
  assert.match(printed.join(''), /^Alerts: none due/);
});

test('console: a finding about an expired credential says it expired', () => {
  const [alert] = alertsFor([app({ days: -3, owners: [ana] })], {
    findings: [
      {
        checkId: 'credential_expired',
        title: 'Expired credential still attached',
        severity: 'high',
        objectId: 'app-obj',
        keyId: 'k1',
        message: 'The secret "deploy" (k1) expired on 2026-10-29',
        findingKey: 'int1:credential_expired:app-obj:k1',
      },
    ],
  });
  const text = formatAlert(alert!);
  assert.match(text, /^\[HIGH\] High finding on "Payroll": Expired credential still attached\n/);
  assert.match(text, / {2}Expires: 2026-10-29 \(expired\)\n/);
  assert.match(text, / {2}Check: credential_expired\n/);
});
