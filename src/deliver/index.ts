// Sinks by configuration: parseSinkConfig validates what a user wrote (a JSON object per sink, unknown
// settings refused so a typo is not silently ignored), createSink builds the sink, resolving `{ env: NAME }`
// secrets then. Errors name the sink and the setting at fault, never a secret or a URL's path or query.
import { InvalidInput } from '../core/errors.ts';
import { FACILITIES, type FacilityName } from './formats/syslog.ts';
import { ENV_NAME, type SecretRef } from './secrets.ts';
import type { EventSink } from './sink.ts';
import {
  type AzureMonitorSinkConfig,
  type AzureMonitorSinkDeps,
  createAzureMonitorSink,
} from './sinks/azure-monitor.ts';
import { createOcsfFileSink, type OcsfFileSinkConfig } from './sinks/ocsf-file.ts';
import { createSplunkHecSink, type SplunkHecSinkConfig } from './sinks/splunk-hec.ts';
import { createSyslogSink, type SyslogSinkConfig } from './sinks/syslog.ts';
import { isLoopbackHost, type TlsConfig } from './sinks/transport.ts';
import { createWebhookSink, type WebhookSinkConfig } from './sinks/webhook.ts';

export type { SecretRef } from './secrets.ts';
export { backoff, DeliveryFailed, type EventSink, parseRetryAfter, retryDelay } from './sink.ts';
export type { SinkDeps, TlsConfig } from './sinks/transport.ts';
export { verifyWebhookSignature } from './sinks/webhook.ts';
export type {
  AzureMonitorSinkConfig,
  OcsfFileSinkConfig,
  SplunkHecSinkConfig,
  SyslogSinkConfig,
  WebhookSinkConfig,
};

export type SinkConfig =
  | SyslogSinkConfig
  | SplunkHecSinkConfig
  | AzureMonitorSinkConfig
  | WebhookSinkConfig
  | OcsfFileSinkConfig;

export type SinkType = SinkConfig['type'];
export const SINK_TYPES: readonly SinkType[] = [
  'syslog',
  'splunk-hec',
  'azure-monitor',
  'webhook',
  'ocsf-file',
];

/** Sink names key the relay's pending rows: short, and safe in logs and file names. */
export const SINK_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/** The shortest literal secret accepted (a webhook's `{ env }` secret is held to it when the sink is created). */
const MIN_SECRET_LENGTH = 16;

type Raw = Record<string, unknown>;

class Reader {
  readonly #raw: Raw;
  readonly #where: string;
  readonly #known = new Set<string>(['type', 'name']);

  constructor(raw: Raw, where: string) {
    this.#raw = raw;
    this.#where = where;
  }

  fail(key: string, problem: string, fix: string): never {
    throw new InvalidInput(`${this.#where}: ${key} ${problem}`, { fix, field: key });
  }

  has(key: string): boolean {
    this.#known.add(key);
    return this.#raw[key] !== undefined;
  }

  /** The setting as given (marking it known). */
  value(key: string): unknown {
    this.#known.add(key);
    return this.#raw[key];
  }

  string(key: string, required: true): string;
  string(key: string, required?: false): string | undefined;
  string(key: string, required = false): string | undefined {
    if (!this.has(key)) {
      if (required) this.fail(key, 'is required', `add "${key}"`);
      return undefined;
    }
    const value = this.#raw[key];
    if (typeof value !== 'string' || value.trim() === '')
      this.fail(key, 'must be a non-empty string', `give "${key}" as text`);
    return value;
  }

  boolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const value = this.#raw[key];
    if (typeof value !== 'boolean') this.fail(key, 'must be true or false', `give "${key}" as true or false`);
    return value;
  }

  integer(key: string, min: number, max: number): number | undefined {
    if (!this.has(key)) return undefined;
    const value = this.#raw[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(
        key,
        `must be a whole number from ${min} to ${max}`,
        `give "${key}" between ${min} and ${max}`,
      );
    }
    return value;
  }

  secret(key: string): SecretRef {
    if (!this.has(key)) this.fail(key, 'is required', `add "${key}": { "env": "VARIABLE_NAME" }`);
    const value = this.#raw[key];
    if (typeof value === 'string') {
      // Never echoed: only its length is judged.
      if (value.length < MIN_SECRET_LENGTH) {
        this.fail(
          key,
          `is shorter than ${MIN_SECRET_LENGTH} characters`,
          'use a long random secret, by { "env": "NAME" }',
        );
      }
      return value;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const ref = value as Raw;
      const extra = Object.keys(ref).filter((k) => k !== 'env');
      if (extra.length === 0 && typeof ref.env === 'string' && ENV_NAME.test(ref.env))
        return { env: ref.env };
    }
    return this.fail(
      key,
      'must be { "env": "NAME" } (or the secret itself)',
      `give "${key}": { "env": "VARIABLE_NAME" }`,
    );
  }

  /** An https URL; http only to this machine (loopback) or when `allowHttp` (never for a bearer token). */
  url(key: string, allowHttp: boolean): string {
    const text = this.string(key, true);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      // Not echoed: a webhook URL's path or query may be its secret.
      return this.fail(key, 'is not a valid URL', `give "${key}" as https://host[:port][/path]`);
    }
    if (url.username || url.password) {
      this.fail(key, 'must not contain a user name or password', `remove the credentials from "${key}"`);
    }
    if (url.protocol === 'https:') return text;
    if (url.protocol === 'http:') {
      if (isLoopbackHost(url.hostname) || allowHttp) return text;
      this.fail(
        key,
        'must use https: over http, requests cross the network in clear',
        'use https (or, where the sink has it, set "allowHttp": true to accept that)',
      );
    }
    return this.fail(
      key,
      `uses ${url.protocol.replace(/:$/, '')}, not https`,
      `give "${key}" as https://...`,
    );
  }

  tls(key = 'tls'): TlsConfig | undefined {
    if (!this.has(key)) return undefined;
    const value = this.#raw[key];
    if (value === true) return {};
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      this.fail(
        key,
        'must be an object ({ "ca": PEM, "caFile": path, "rejectUnauthorized": bool }) or true',
        'see the sink documentation',
      );
    }
    const inner = new Reader(value as Raw, `${this.#where}: ${key}`);
    const config: TlsConfig = {};
    const ca = inner.string('ca');
    if (ca !== undefined) {
      if (!ca.includes('-----BEGIN CERTIFICATE-----'))
        inner.fail('ca', 'is not a PEM certificate', 'paste the PEM, or use caFile');
      config.ca = ca;
    }
    const caFile = inner.string('caFile');
    if (caFile !== undefined) config.caFile = caFile;
    if (ca !== undefined && caFile !== undefined)
      inner.fail('ca', 'and caFile are both given', 'keep one of them');
    const reject = inner.boolean('rejectUnauthorized');
    if (reject !== undefined) config.rejectUnauthorized = reject;
    const servername = inner.string('servername');
    if (servername !== undefined) config.servername = servername;
    inner.done();
    return config;
  }

  done(): void {
    const unknown = Object.keys(this.#raw).filter((k) => !this.#known.has(k));
    if (unknown.length > 0) {
      const key = unknown[0]!;
      throw new InvalidInput(`${this.#where}: unknown setting "${key}"`, {
        fix: `remove it; known settings: ${[...this.#known].join(', ')}`,
        field: key,
      });
    }
  }
}

const TIMEOUT_MAX = 10 * 60_000;

function optional<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function parseSyslog(r: Reader, name: string): SyslogSinkConfig {
  const config: SyslogSinkConfig = { type: 'syslog', name, host: r.string('host', true) };
  if (/\s/.test(config.host)) r.fail('host', 'contains spaces', 'give a host name or IP address');
  optional(config, 'port', r.integer('port', 1, 65535));
  optional(config, 'tls', r.tls());
  const facility = r.value('facility');
  if (facility !== undefined) {
    const known = Object.keys(FACILITIES);
    if (typeof facility === 'string' && known.includes(facility)) config.facility = facility as FacilityName;
    else if (typeof facility === 'number' && Number.isInteger(facility) && facility >= 0 && facility <= 23) {
      config.facility = facility;
    } else r.fail('facility', 'is not a syslog facility', `give a number 0-23 or one of ${known.join(', ')}`);
  }
  const hostname = r.string('hostname');
  if (hostname !== undefined && !/^[\x21-\x7e]{1,255}$/.test(hostname)) {
    r.fail(
      'hostname',
      'must be 1-255 printable ASCII characters without spaces',
      'e.g. "lanyard-01.example.com"',
    );
  }
  optional(config, 'hostname', hostname);
  const appName = r.string('appName');
  if (appName !== undefined && !/^[\x21-\x7e]{1,48}$/.test(appName)) {
    r.fail('appName', 'must be 1-48 printable ASCII characters without spaces', 'e.g. "lanyard"');
  }
  optional(config, 'appName', appName);
  const sdId = r.string('sdId');
  if (
    sdId !== undefined &&
    (!/^[\x21-\x7e]{1,32}$/.test(sdId) || /[="\]]/.test(sdId) || !sdId.includes('@'))
  ) {
    r.fail('sdId', 'must be name@<private enterprise number> (an RFC 5424 SD-ID)', 'e.g. "lanyard@32473"');
  }
  optional(config, 'sdId', sdId);
  optional(config, 'connectTimeoutMs', r.integer('connectTimeoutMs', 100, TIMEOUT_MAX));
  optional(config, 'writeTimeoutMs', r.integer('writeTimeoutMs', 100, TIMEOUT_MAX));
  return config;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseSplunkHec(r: Reader, name: string): SplunkHecSinkConfig {
  const allowHttp = r.boolean('allowHttp');
  const config: SplunkHecSinkConfig = {
    type: 'splunk-hec',
    name,
    url: r.url('url', allowHttp ?? false),
    token: r.secret('token'),
  };
  optional(config, 'allowHttp', allowHttp);
  const channel = r.string('channel');
  if (channel !== undefined && !GUID.test(channel))
    r.fail('channel', 'must be a GUID', 'e.g. a value from uuidgen');
  optional(config, 'channel', channel);
  const index = r.string('index');
  if (index !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(index)) {
    r.fail('index', 'is not a Splunk index name', 'letters, digits, "_" and "-"');
  }
  optional(config, 'index', index);
  const host = r.string('host');
  if (host !== undefined && /[\x00-\x1f]/.test(host))
    r.fail('host', 'contains control characters', 'give a host name');
  optional(config, 'host', host);
  optional(config, 'tls', r.tls());
  optional(config, 'timeoutMs', r.integer('timeoutMs', 100, TIMEOUT_MAX));
  optional(config, 'maxRequestBytes', r.integer('maxRequestBytes', 1024, 800 * 1024 * 1024));
  return config;
}

function parseAzureMonitor(r: Reader, name: string): AzureMonitorSinkConfig {
  const config: AzureMonitorSinkConfig = {
    type: 'azure-monitor',
    name,
    // A bearer token goes with every request: https, except to this machine (a local stand-in).
    endpoint: r.url('endpoint', false),
    dcrImmutableId: r.string('dcrImmutableId', true),
    streamName: r.string('streamName', true),
  };
  if (!/^dcr-[0-9a-f]{32}$/i.test(config.dcrImmutableId)) {
    r.fail(
      'dcrImmutableId',
      'must be "dcr-" and 32 hex digits',
      "copy the rule's immutableId from its JSON view",
    );
  }
  if (!/^(Custom|Microsoft)-[A-Za-z0-9_]{1,100}$/.test(config.streamName)) {
    r.fail(
      'streamName',
      'must be a DCR stream name such as Custom-LanyardEvents',
      "copy it from the rule's streamDeclarations",
    );
  }
  optional(config, 'gzip', r.boolean('gzip'));
  optional(config, 'maxRequestBytes', r.integer('maxRequestBytes', 1024, 1_048_576));
  const scope = r.string('scope');
  if (scope !== undefined && !/^https:\/\/\S+\/\.default$/.test(scope)) {
    r.fail(
      'scope',
      'must be an https resource followed by /.default',
      'e.g. "https://monitor.azure.us//.default"',
    );
  }
  optional(config, 'scope', scope);
  optional(config, 'timeoutMs', r.integer('timeoutMs', 100, TIMEOUT_MAX));
  optional(config, 'tls', r.tls());
  return config;
}

function parseWebhook(r: Reader, name: string): WebhookSinkConfig {
  const allowHttp = r.boolean('allowHttp');
  const config: WebhookSinkConfig = {
    type: 'webhook',
    name,
    url: r.url('url', allowHttp ?? false),
    secret: r.secret('secret'),
  };
  optional(config, 'allowHttp', allowHttp);
  optional(config, 'maxEventsPerRequest', r.integer('maxEventsPerRequest', 1, 1000));
  optional(config, 'maxRequestBytes', r.integer('maxRequestBytes', 1024, 100 * 1024 * 1024));
  optional(config, 'timeoutMs', r.integer('timeoutMs', 100, TIMEOUT_MAX));
  optional(config, 'tls', r.tls());
  return config;
}

function parseOcsfFile(r: Reader, name: string): OcsfFileSinkConfig {
  const path = r.string('path', true);
  if (path.includes('\0')) r.fail('path', 'contains a NUL character', 'give a file path, or "-" for stdout');
  return { type: 'ocsf-file', name, path };
}

/** One sink's configuration, validated. Throws InvalidInput naming the sink and setting at fault. */
export function parseSinkConfig(input: unknown): SinkConfig {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidInput('a sink must be a JSON object with "type" and "name"', {
      fix: `e.g. { "type": "webhook", "name": "soc", ... }; types: ${SINK_TYPES.join(', ')}`,
    });
  }
  const raw = input as Raw;
  const name = raw.name;
  if (typeof name !== 'string' || !SINK_NAME.test(name)) {
    throw new InvalidInput('a sink needs a "name" of letters, digits, ".", "_" or "-" (at most 64)', {
      fix: 'e.g. "name": "splunk-prod"',
      field: 'name',
    });
  }
  const type = raw.type;
  if (typeof type !== 'string' || !(SINK_TYPES as readonly string[]).includes(type)) {
    const given = typeof type === 'string' ? `"${type.slice(0, 40)}"` : '(none)';
    throw new InvalidInput(`sink "${name}": unknown type ${given}`, {
      fix: `use one of ${SINK_TYPES.join(', ')}`,
      field: 'type',
    });
  }
  const r = new Reader(raw, `sink "${name}"`);
  const parsers: Record<SinkType, (r: Reader, name: string) => SinkConfig> = {
    syslog: parseSyslog,
    'splunk-hec': parseSplunkHec,
    'azure-monitor': parseAzureMonitor,
    webhook: parseWebhook,
    'ocsf-file': parseOcsfFile,
  };
  const config = parsers[type as SinkType](r, name);
  r.done();
  return config;
}

/** A list of sinks (a configuration file's `sinks`), each validated, names unique. */
export function parseSinkConfigs(input: unknown): SinkConfig[] {
  if (!Array.isArray(input)) {
    throw new InvalidInput('sinks must be a JSON array of sink objects', {
      fix: 'e.g. "sinks": [ { ... } ]',
    });
  }
  const configs = input.map(parseSinkConfig);
  const seen = new Set<string>();
  for (const config of configs) {
    if (seen.has(config.name)) {
      throw new InvalidInput(`two sinks are named "${config.name}"`, {
        fix: 'give each sink its own name',
        field: 'name',
      });
    }
    seen.add(config.name);
  }
  return configs;
}

/** The configuration as it may be shown: literal secrets replaced, `{ env }` references kept. */
export function redactSinkConfig(config: SinkConfig): SinkConfig {
  if (config.type === 'splunk-hec' && typeof config.token === 'string')
    return { ...config, token: '[redacted]' };
  if (config.type === 'webhook' && typeof config.secret === 'string')
    return { ...config, secret: '[redacted]' };
  return config;
}

/**
 * The sink a configuration describes. Secrets given as `{ env }` are read now (InvalidInput when unset);
 * an azure-monitor sink needs deps.credential.
 */
export function createSink(config: SinkConfig, deps: AzureMonitorSinkDeps = {}): EventSink {
  switch (config.type) {
    case 'syslog':
      return createSyslogSink(config, deps);
    case 'splunk-hec':
      return createSplunkHecSink(config, deps);
    case 'azure-monitor':
      if (!deps.credential) {
        throw new InvalidInput(
          `sink "${config.name}": azure-monitor needs an Azure credential to send with`,
          {
            fix: 'configure the identity Lanyard uses for Azure Monitor',
          },
        );
      }
      return createAzureMonitorSink(config, deps);
    case 'webhook':
      return createWebhookSink(config, deps);
    case 'ocsf-file':
      return createOcsfFileSink(config, deps);
  }
}
