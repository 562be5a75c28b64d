// The alerts config: one example per channel, defaults, and secrets only by environment variable name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelsFromConfig, parseAlertsConfig } from '../../src/alerts/config.ts';
import { LanyardError } from '../../src/core/errors.ts';

const EXAMPLE = {
  thresholds: [30, 14, 7],
  digest: { enabled: false, hourUtc: 8 },
  fallbackEmails: { contoso: 'secops@contoso.com' },
  channels: [
    {
      type: 'email',
      host: 'smtp.office365.com',
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: 'lanyard@contoso.com', passwordEnv: 'LANYARD_SMTP_PASSWORD' },
      from: 'lanyard@contoso.com',
      fromName: 'Lanyard',
    },
    { type: 'slack', webhookUrlEnv: 'LANYARD_SLACK_WEBHOOK_URL' },
    { type: 'teams', webhookUrlEnv: 'LANYARD_TEAMS_WEBHOOK_URL' },
    { type: 'inbox-file', path: '/var/lib/lanyard/alerts-inbox.jsonl' },
    { type: 'console' },
  ],
};

const ENV = {
  LANYARD_SMTP_PASSWORD: 'pw',
  LANYARD_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/abcdefgh',
  LANYARD_TEAMS_WEBHOOK_URL:
    'https://prod-00.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=abcdefgh',
};

test('the example config parses, and builds one channel per entry with the default names', async () => {
  const config = parseAlertsConfig(EXAMPLE);
  assert.deepEqual(config.thresholds, [30, 14, 7]);
  assert.deepEqual(config.fallbackEmails, { contoso: 'secops@contoso.com' });
  const channels = channelsFromConfig(config, ENV);
  assert.deepEqual(
    channels.map((channel) => channel.name),
    ['email', 'slack', 'teams', 'inbox', 'console'],
  );
  await Promise.all(channels.map((channel) => channel.close?.()));
});

test('defaults: the standard thresholds, no digest, no channels needed', () => {
  assert.deepEqual(parseAlertsConfig({ channels: [] }), {
    thresholds: [30, 14, 7],
    digest: { enabled: false, hourUtc: 8 },
    fallbackEmails: {},
    channels: [],
  });
  assert.deepEqual(parseAlertsConfig({ channels: [], digest: {} }).digest, { enabled: true, hourUtc: 8 });
});

const refuses = (raw: unknown, pattern: RegExp) =>
  assert.throws(
    () => parseAlertsConfig(raw),
    (error: unknown) =>
      error instanceof LanyardError && error.code === 'LANYARD_INVALID_INPUT' && pattern.test(error.message),
  );

test('secrets are never in the config: a password or URL is refused, a variable name is required', () => {
  refuses(
    {
      channels: [
        {
          type: 'email',
          host: 'h',
          port: 25,
          secure: false,
          from: 'a@b.com',
          auth: { user: 'u', password: 'pw' },
        },
      ],
    },
    /channels\[0\]\.auth has unknown field password/,
  );
  refuses(
    { channels: [{ type: 'slack', webhookUrl: 'https://hooks.slack.com/x' }] },
    /unknown field webhookUrl/,
  );
  refuses(
    { channels: [{ type: 'slack', webhookUrlEnv: 'https://hooks.slack.com/services/T/B/secret' }] },
    /webhookUrlEnv must name an environment variable/,
  );
});

test('mistakes are named: types, thresholds, addresses, duplicate names, TLS', () => {
  refuses({ channels: [{ type: 'pager' }] }, /channels\[0\]\.type must be one of/);
  refuses({ channels: [], thresholds: [0.5] }, /whole days/);
  refuses({ channels: [], thresholds: 'weekly' }, /thresholds must be a list/);
  refuses({ channels: [], fallbackEmails: { contoso: 'nobody' } }, /fallbackEmails\.contoso/);
  refuses({ channels: [{ type: 'console' }, { type: 'console' }] }, /two channels are named "console"/);
  refuses(
    {
      channels: [
        {
          type: 'email',
          host: 'h',
          port: 25,
          secure: false,
          from: 'a@b.com',
          requireTLS: true,
          ignoreTLS: true,
        },
      ],
    },
    /cannot both require and ignore TLS/,
  );
  refuses({ channels: [{ type: 'email', host: 'h', port: 25, from: 'a@b.com' }] }, /secure must be true/);
  assert.deepEqual(
    parseAlertsConfig({
      channels: [
        { type: 'slack', name: 'slack:secops', webhookUrlEnv: 'A' },
        { type: 'slack', webhookUrlEnv: 'B' },
      ],
    }).channels.map((channel) => channel.name ?? channel.type),
    ['slack:secops', 'slack'],
  );
});

test('a variable that is not set is named when the channels are built, its value never shown', () => {
  const config = parseAlertsConfig(EXAMPLE);
  assert.throws(
    () => channelsFromConfig(config, { ...ENV, LANYARD_TEAMS_WEBHOOK_URL: undefined }),
    /LANYARD_TEAMS_WEBHOOK_URL holding the Teams webhook URL is not set/,
  );
  assert.throws(
    () =>
      channelsFromConfig(config, {
        ...ENV,
        LANYARD_SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T0/B0/abcdefgh',
      }),
    (error: unknown) =>
      error instanceof Error && /must use https/.test(error.message) && !/abcdefgh/.test(error.message),
  );
});
