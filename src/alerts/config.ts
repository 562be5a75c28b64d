// The alerts configuration (JSON) and the channels it describes. Secrets are never in it: the SMTP password
// and the webhook URLs are read from the environment variables it names.
import { looksLikeAddress, normalizeThresholds } from '../core/alerts.ts';
import { InvalidInput } from '../core/errors.ts';
import type { AlertChannel } from './channel.ts';
import { type ConsoleChannelConfig, consoleChannel } from './channels/console.ts';
import { type EmailChannelConfig, emailChannelFromConfig } from './channels/email.ts';
import { type InboxFileChannelConfig, inboxFileChannel } from './channels/inbox-file.ts';
import { type SlackChannelConfig, slackChannelFromConfig } from './channels/slack.ts';
import { type TeamsChannelConfig, teamsChannelFromConfig } from './channels/teams.ts';

export type ChannelConfig =
  | EmailChannelConfig
  | SlackChannelConfig
  | TeamsChannelConfig
  | InboxFileChannelConfig
  | ConsoleChannelConfig;

export interface AlertsConfig {
  /** Days before expiry, widest first. */
  thresholds: number[];
  /**
   * Email channels hold their alerts and send one message per recipient a day, at `hourUtc` (UTC); the other
   * channels (Slack, Teams, inbox file, console) still get each alert at once.
   */
  digest: { enabled: boolean; hourUtc: number };
  /** Per integration name: where alerts go when an identity has no owner with an address. */
  fallbackEmails: Record<string, string>;
  channels: ChannelConfig[];
}

type Raw = Record<string, unknown>;

const fail = (message: string, fix?: string): never => {
  throw new InvalidInput(`alerts config: ${message}`, fix ? { fix } : {});
};

const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function only(raw: Raw, where: string, allowed: readonly string[]): void {
  const extra = Object.keys(raw).filter((key) => !allowed.includes(key));
  if (extra.length) fail(`${where} has unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`);
}

function text(raw: Raw, field: string, where: string, optional?: false): string;
function text(raw: Raw, field: string, where: string, optional: true): string | undefined;
function text(raw: Raw, field: string, where: string, optional = false): string | undefined {
  const value = raw[field];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || !value.trim()) return fail(`${where}.${field} must be a non-empty string`);
  return value;
}

function flag(raw: Raw, field: string, where: string): boolean | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') return fail(`${where}.${field} must be true or false`);
  return value;
}

function integer(raw: Raw, field: string, where: string, min: number, max: number): number | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return fail(`${where}.${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/i;

function envName(raw: Raw, field: string, where: string, what: string): string {
  const value = text(raw, field, where);
  if (!ENV_NAME.test(value)) {
    fail(
      `${where}.${field} must name an environment variable`,
      `put the ${what} into an environment variable and give its NAME here, e.g. "LANYARD_${what.toUpperCase().replace(/\W+/g, '_')}"`,
    );
  }
  return value;
}

const optionalName = (raw: Raw, where: string) => {
  const name = text(raw, 'name', where, true);
  if (name !== undefined && !/^[a-z0-9][a-z0-9_:.-]{0,62}$/i.test(name)) {
    fail(`${where}.name must be letters, digits, "-", "_", ":" or "." (at most 63)`);
  }
  return name === undefined ? {} : { name };
};

function channelConfig(raw: unknown, index: number): ChannelConfig {
  const where = `channels[${index}]`;
  if (!isObject(raw)) return fail(`${where} must be an object`);
  const type = raw.type;
  switch (type) {
    case 'email': {
      only(raw, where, [
        'type',
        'name',
        'host',
        'port',
        'secure',
        'requireTLS',
        'ignoreTLS',
        'auth',
        'from',
        'fromName',
        'timeoutMs',
      ]);
      const secure = flag(raw, 'secure', where);
      if (secure === undefined)
        fail(`${where}.secure must be true (TLS, port 465) or false (STARTTLS, port 587)`);
      const from = text(raw, 'from', where);
      if (!looksLikeAddress(from)) fail(`${where}.from must be an email address`);
      let auth: EmailChannelConfig['auth'];
      if (raw.auth !== undefined) {
        if (!isObject(raw.auth)) return fail(`${where}.auth must be an object`);
        only(raw.auth, `${where}.auth`, ['user', 'passwordEnv']);
        auth = {
          user: text(raw.auth, 'user', `${where}.auth`),
          passwordEnv: envName(raw.auth, 'passwordEnv', `${where}.auth`, 'SMTP password'),
        };
      }
      const requireTLS = flag(raw, 'requireTLS', where);
      const ignoreTLS = flag(raw, 'ignoreTLS', where);
      if (requireTLS && ignoreTLS) fail(`${where} cannot both require and ignore TLS`);
      const fromName = text(raw, 'fromName', where, true);
      const timeoutMs = integer(raw, 'timeoutMs', where, 1000, 300_000);
      return {
        type,
        ...optionalName(raw, where),
        host: text(raw, 'host', where),
        port: integer(raw, 'port', where, 1, 65_535) ?? fail(`${where}.port is required`),
        secure: secure!,
        ...(requireTLS !== undefined ? { requireTLS } : {}),
        ...(ignoreTLS !== undefined ? { ignoreTLS } : {}),
        ...(auth ? { auth } : {}),
        from,
        ...(fromName ? { fromName } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
      };
    }
    case 'slack':
    case 'teams': {
      only(raw, where, ['type', 'name', 'webhookUrlEnv', 'batchSize', 'timeoutMs']);
      const batchSize = integer(raw, 'batchSize', where, 1, type === 'slack' ? 16 : 50);
      const timeoutMs = integer(raw, 'timeoutMs', where, 1000, 120_000);
      return {
        type,
        ...optionalName(raw, where),
        webhookUrlEnv: envName(raw, 'webhookUrlEnv', where, `${type} webhook URL`),
        ...(batchSize ? { batchSize } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
      };
    }
    case 'inbox-file':
      only(raw, where, ['type', 'name', 'path']);
      return { type, ...optionalName(raw, where), path: text(raw, 'path', where) };
    case 'console':
      only(raw, where, ['type', 'name']);
      return { type, ...optionalName(raw, where) };
    default:
      return fail(
        `${where}.type must be one of email, slack, teams, inbox-file, console`,
        'see docs for one example per channel',
      );
  }
}

/** Validates an alerts config as read from JSON; the defaults filled in. */
export function parseAlertsConfig(raw: unknown): AlertsConfig {
  if (!isObject(raw)) return fail('must be a JSON object');
  only(raw, 'the config', ['thresholds', 'digest', 'fallbackEmails', 'channels']);
  let thresholds: number[];
  if (raw.thresholds === undefined) thresholds = normalizeThresholds(undefined);
  else if (!Array.isArray(raw.thresholds) || raw.thresholds.some((value) => typeof value !== 'number')) {
    return fail('thresholds must be a list of days, e.g. [30, 14, 7]');
  } else thresholds = normalizeThresholds(raw.thresholds as number[]);
  const digest = { enabled: false, hourUtc: 8 };
  if (raw.digest !== undefined) {
    if (!isObject(raw.digest))
      return fail('digest must be an object, e.g. { "enabled": true, "hourUtc": 8 }');
    only(raw.digest, 'digest', ['enabled', 'hourUtc']);
    digest.enabled = flag(raw.digest, 'enabled', 'digest') ?? true;
    digest.hourUtc = integer(raw.digest, 'hourUtc', 'digest', 0, 23) ?? 8;
  }
  const fallbackEmails: Record<string, string> = {};
  if (raw.fallbackEmails !== undefined) {
    if (!isObject(raw.fallbackEmails)) return fail('fallbackEmails must map integration names to addresses');
    for (const [integration, address] of Object.entries(raw.fallbackEmails)) {
      if (!looksLikeAddress(typeof address === 'string' ? address : null)) {
        fail(`fallbackEmails.${integration} must be an email address`);
      }
      fallbackEmails[integration] = address as string;
    }
  }
  if (!Array.isArray(raw.channels)) return fail('channels must be a list (it may be empty)');
  const channels = raw.channels.map(channelConfig);
  const names = channels.map((channel) => channel.name ?? defaultName(channel));
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) fail(`two channels are named "${repeated}"`, 'give each its own "name"');
  return { thresholds, digest, fallbackEmails, channels };
}

function defaultName(channel: ChannelConfig): string {
  return channel.type === 'inbox-file' ? 'inbox' : channel.type;
}

/** The channels of a config, their secrets read from `env` now (a missing variable fails here, by name). */
export function channelsFromConfig(
  config: Pick<AlertsConfig, 'channels'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): AlertChannel[] {
  return config.channels.map((channel) => {
    switch (channel.type) {
      case 'email':
        return emailChannelFromConfig(channel, env);
      case 'slack':
        return slackChannelFromConfig(channel, env);
      case 'teams':
        return teamsChannelFromConfig(channel, env);
      case 'inbox-file':
        return inboxFileChannel({ ...(channel.name ? { name: channel.name } : {}), path: channel.path });
      default:
        return consoleChannel(channel.name ? { name: channel.name } : {});
    }
  });
}
