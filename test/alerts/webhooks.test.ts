// The Slack and Teams channels against local HTTP receivers: payload shapes, escaping, failures, secrets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeSlack, slackChannel, slackChannelFromConfig } from '../../src/alerts/channels/slack.ts';
import { ADAPTIVE_CARD_CONTENT_TYPE, teamsChannel } from '../../src/alerts/channels/teams.ts';
import { LanyardError } from '../../src/core/errors.ts';
import { alertsFor, ana, app, HOSTILE_NAME, startReceiver, stringsIn } from './helpers.ts';

type Json = Record<string, unknown> & { [key: string]: unknown };

const hostileAlerts = () => alertsFor([app({ days: 5, displayName: HOSTILE_NAME, owners: [ana] })]);

test('slack: a Block Kit message per batch, the credential and days left in it', async () => {
  const receiver = await startReceiver();
  try {
    const alerts = alertsFor([
      app({ days: 5, owners: [ana] }),
      app({ objectId: 'hr-obj', displayName: 'HR sync', days: 12, keyId: 'k2' }),
    ]);
    const result = await slackChannel({ webhookUrl: receiver.url }).send(alerts);
    assert.deepEqual(
      result.accepted,
      alerts.map((alert) => alert.key),
    );
    assert.equal(receiver.requests.length, 1);
    const request = receiver.requests[0]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, `/services/${receiver.secret}`);
    assert.match(String(request.headers['content-type']), /^application\/json/);
    const payload = request.json as Json;
    assert.equal(payload.text, 'Lanyard: 2 alerts: 2 credentials expiring');
    assert.equal(payload.unfurl_links, false);
    const blocks = payload.blocks as Json[];
    assert.deepEqual(
      blocks.map((block) => block.type),
      ['header', 'section', 'section', 'context', 'section', 'section', 'context'],
    );
    const first = blocks[1]!.text as Json;
    assert.equal(first.type, 'mrkdwn');
    assert.equal(first.verbatim, true);
    assert.match(String(first.text), /Secret "deploy" of "Payroll" expires in 5 days/);
    const fields = (blocks[2]!.fields as Json[]).map((field) => String(field.text));
    assert.ok(fields.includes('*Expires*\n2026-11-06 (in 5 days)'));
    assert.ok(fields.includes('*Credential*\nsecret "deploy" (k1)'));
    assert.ok(blocks.length <= 50);
  } finally {
    await receiver.close();
  }
});

test('slack: a hostile display name cannot ping @channel, link or inject markup: &, <, > are escaped', async () => {
  const receiver = await startReceiver();
  try {
    await slackChannel({ webhookUrl: receiver.url }).send(hostileAlerts());
    const body = receiver.requests[0]!.body;
    const payload = receiver.requests[0]!.json;
    for (const { path, text } of stringsIn(payload)) {
      assert.doesNotMatch(text, /<!channel>|<script>|<https?:/, path);
      assert.doesNotMatch(text, /[<>]/, `${path}: every < and > is an entity`);
      assert.doesNotMatch(text, /&(?!amp;|lt;|gt;)/, `${path}: every & is an entity`);
      assert.doesNotMatch(text, /\u202e/, path);
    }
    assert.match(body, /&lt;!channel&gt;/);
    assert.match(body, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; /);
    assert.match(body, /\\\\nBcc: x@y\.com/, 'the newline in the name shows as \\n');
    assert.equal(escapeSlack('a & <b> c'), 'a &amp; &lt;b&gt; c');
  } finally {
    await receiver.close();
  }
});

test('slack: batches of at most the batch size; a 500 fails its batch only, no reason shows the URL', async () => {
  const receiver = await startReceiver([
    { status: 500, body: 'internal_error' },
    { status: 200, body: 'ok' },
  ]);
  try {
    const alerts = alertsFor([1, 2, 3].map((n) => app({ objectId: `obj${n}`, days: n, owners: [ana] })));
    const result = await slackChannel({ webhookUrl: receiver.url, batchSize: 2 }).send(alerts);
    assert.equal(receiver.requests.length, 2);
    assert.deepEqual(
      result.failed.map((failure) => failure.key),
      alerts.slice(0, 2).map((alert) => alert.key),
    );
    assert.deepEqual(result.accepted, [alerts[2]!.key]);
    assert.equal(result.failed[0]!.reason, 'the slack webhook answered HTTP 500: internal_error');
  } finally {
    await receiver.close();
  }
});

test('slack: throttled (429) stops the run, the rest is left for the next one', async () => {
  const receiver = await startReceiver([
    { status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } },
  ]);
  try {
    const alerts = alertsFor([1, 2, 3].map((n) => app({ objectId: `obj${n}`, days: n })));
    const result = await slackChannel({ webhookUrl: receiver.url, batchSize: 1 }).send(alerts);
    assert.equal(receiver.requests.length, 1);
    assert.equal(result.failed.length, 3);
    assert.match(result.failed[2]!.reason, /not attempted after throttling/);
  } finally {
    await receiver.close();
  }
});

test('webhooks: unreachable, redirected and echoing receivers fail without the secret URL in any reason', async () => {
  const gone = await startReceiver();
  await gone.close();
  const unreachable = await slackChannel({ webhookUrl: gone.url, timeoutMs: 2000 }).send(hostileAlerts());
  assert.match(unreachable.failed[0]!.reason, /could not reach the slack webhook: ECONNREFUSED/);

  const redirect = await startReceiver([
    { status: 302, headers: { location: 'http://127.0.0.1:9/elsewhere' } },
  ]);
  const echo = await startReceiver([{ status: 400, body: '' }]);
  echo.answers[0]!.body = `no such hook ${echo.url} (${echo.secret})`;
  try {
    const redirected = await teamsChannel({ webhookUrl: redirect.url }).send(hostileAlerts());
    assert.equal(redirect.requests.length, 1, 'the redirect is not followed');
    assert.match(redirected.failed[0]!.reason, /the teams webhook answered HTTP 302/);
    const echoed = await slackChannel({ webhookUrl: echo.url }).send(hostileAlerts());
    for (const reason of [unreachable, redirected, echoed].flatMap((r) => r.failed.map((f) => f.reason))) {
      assert.doesNotMatch(reason, /secretTOKEN/);
    }
    assert.match(echoed.failed[0]!.reason, /HTTP 400: no such hook \[redacted\]/);
  } finally {
    await redirect.close();
    await echo.close();
  }
});

test('webhook URLs: https, or http to this machine only; errors name the channel, never the URL', () => {
  assert.throws(
    () => slackChannel({ webhookUrl: 'http://hooks.slack.com/services/T/B/secretTOKEN' }),
    (error) => {
      assert.ok(error instanceof LanyardError);
      assert.match(error.message, /slack webhook URL must use https/);
      assert.doesNotMatch(error.message, /secretTOKEN/);
      return true;
    },
  );
  assert.throws(
    () => teamsChannel({ webhookUrl: 'not a url secretTOKEN' }),
    /teams webhook URL is not a URL$/,
  );
  assert.ok(slackChannel({ webhookUrl: 'https://hooks.slack.com/services/T/B/x' }));
  assert.throws(
    () => slackChannelFromConfig({ type: 'slack', webhookUrlEnv: 'LANYARD_TEST_SLACK' }, {}),
    /LANYARD_TEST_SLACK holding the Slack webhook URL is not set/,
  );
});

test('teams: a message with one Adaptive Card attachment, tenant text only in TextRuns', async () => {
  const receiver = await startReceiver([{ status: 202, body: '' }]);
  try {
    const alerts = [
      ...hostileAlerts(),
      ...alertsFor([app({ objectId: 'hr-obj', displayName: 'HR sync', days: 12 })]),
    ];
    const result = await teamsChannel({ webhookUrl: receiver.url }).send(alerts);
    assert.deepEqual(
      result.accepted,
      alerts.map((alert) => alert.key),
    );
    assert.equal(receiver.requests.length, 1);
    const payload = receiver.requests[0]!.json as Json;
    assert.equal(payload.type, 'message');
    const attachments = payload.attachments as Json[];
    assert.equal(attachments.length, 1);
    assert.equal(attachments[0]!.contentType, ADAPTIVE_CARD_CONTENT_TYPE);
    assert.equal(attachments[0]!.contentUrl, null);
    const card = attachments[0]!.content as Json;
    assert.equal(card.type, 'AdaptiveCard');
    assert.equal(card.version, '1.4');
    assert.equal(card.$schema, 'http://adaptivecards.io/schemas/adaptive-card.json');
    const body = card.body as Json[];
    assert.equal(body[0]!.type, 'TextBlock');
    assert.equal(body[0]!.text, 'Lanyard: 2 alerts: 2 credentials expiring');
    assert.deepEqual(
      body.slice(1).map((element) => element.type),
      ['Container', 'Container'],
    );
    const strings = stringsIn(card);
    // Markdown is read in TextBlock and FactSet text only: the tenant's names never land there.
    const markdownFields = strings.filter(
      ({ path }) => /\.text$/.test(path) && !/inlines\[\d+\]\.text$/.test(path),
    );
    assert.deepEqual(
      markdownFields.map(({ text }) => text),
      ['Lanyard: 2 alerts: 2 credentials expiring'],
    );
    assert.ok(!JSON.stringify(card).includes('"FactSet"'));
    const runs = strings.filter(({ path }) => /inlines\[\d+\]\.text$/.test(path)).map(({ text }) => text);
    assert.ok(
      runs.some((text) => text.includes('**[click](https://evil.example)**')),
      'shown as text, in a TextRun',
    );
    assert.ok(
      runs.some((text) => text.includes('{ {DATE(2017-02-14T06:00:00Z)}}')),
      'no template function',
    );
    assert.ok(runs.every((text) => !text.includes('{{')));
    assert.ok(runs.every((text) => !/[\n\r\u202e]/.test(text)));
    assert.ok(runs.includes('2026-11-06 (in 5 days)'));
  } finally {
    await receiver.close();
  }
});

test('teams: a legacy connector\'s 200 with "HTTP error 429" in its body is a throttled failure', async () => {
  const receiver = await startReceiver([
    { status: 200, body: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId …' },
  ]);
  try {
    const alerts = alertsFor([1, 2].map((n) => app({ objectId: `obj${n}`, days: n })));
    const result = await teamsChannel({ webhookUrl: receiver.url, batchSize: 1 }).send(alerts);
    assert.equal(receiver.requests.length, 1);
    assert.equal(result.failed.length, 2);
    assert.match(result.failed[0]!.reason, /reported HTTP 429/);
  } finally {
    await receiver.close();
  }
});

test('teams: large batches are split to stay under the message size limit', async () => {
  const receiver = await startReceiver([{ status: 200, body: '1' }]);
  try {
    const long = 'N'.repeat(2000);
    const alerts = alertsFor(
      Array.from({ length: 30 }, (_, n) => app({ objectId: `obj${n}`, displayName: `${long}${n}`, days: 5 })),
    );
    const result = await teamsChannel({ webhookUrl: receiver.url, batchSize: 50 }).send(alerts);
    assert.equal(result.accepted.length, 30);
    assert.ok(receiver.requests.length > 1);
    for (const request of receiver.requests) assert.ok(Buffer.byteLength(request.body) <= 28_000);
  } finally {
    await receiver.close();
  }
});
