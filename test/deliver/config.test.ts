// Sink configuration: what parseSinkConfig accepts, what it refuses and how it says so, and createSink.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InvalidInput } from '../../src/core/errors.ts';
import { testEvent } from '../../src/deliver/formats/test-events.ts';
import { createSink, parseSinkConfig, parseSinkConfigs, redactSinkConfig } from '../../src/deliver/index.ts';

/** One example per sink type: the shapes the documentation shows. */
const EXAMPLES = {
  syslog: {
    type: 'syslog',
    name: 'qradar',
    host: 'siem.example.com',
    port: 6514,
    tls: { caFile: '/etc/lanyard/siem-ca.pem' },
    facility: 'local4',
    hostname: 'lanyard-01',
  },
  'splunk-hec': {
    type: 'splunk-hec',
    name: 'splunk',
    url: 'https://splunk.example.com:8088',
    token: { env: 'LANYARD_HEC_TOKEN' },
    channel: '0d6f3b2e-1c4a-4e8b-9f7d-2a5b6c7d8e9f',
    index: 'identity',
  },
  'azure-monitor': {
    type: 'azure-monitor',
    name: 'sentinel',
    endpoint: 'https://lanyard-dce-abcd.westeurope-1.ingest.monitor.azure.com',
    dcrImmutableId: 'dcr-0123456789abcdef0123456789abcdef',
    streamName: 'Custom-LanyardEvents',
    gzip: true,
  },
  webhook: {
    type: 'webhook',
    name: 'soar',
    url: 'https://soar.example.com/hooks/lanyard',
    secret: { env: 'LANYARD_WEBHOOK_SECRET' },
    maxEventsPerRequest: 50,
  },
  'ocsf-file': { type: 'ocsf-file', name: 'lake', path: '/var/log/lanyard/events.ocsf.jsonl' },
} as const;

function refused(input: unknown, pattern: RegExp, field?: string): InvalidInput {
  let caught: unknown;
  try {
    parseSinkConfig(input);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof InvalidInput, `expected InvalidInput for ${JSON.stringify(input)}`);
  assert.match(caught.message, pattern);
  if (field) assert.equal(caught.field, field);
  assert.ok(caught.fix, 'every refusal says how to fix it');
  return caught;
}

test('the documented example of each sink type parses to itself', () => {
  for (const example of Object.values(EXAMPLES))
    assert.deepEqual(parseSinkConfig(structuredClone(example)), example);
  assert.equal(parseSinkConfigs(Object.values(EXAMPLES)).length, 5);
});

test('type, name and unknown settings', () => {
  refused(null, /JSON object/);
  refused([], /JSON object/);
  refused({ type: 'syslog', host: 'h' }, /needs a "name"/, 'name');
  refused({ type: 'syslog', name: 'a b', host: 'h' }, /needs a "name"/, 'name');
  refused({ type: 'kafka', name: 'k' }, /sink "k": unknown type "kafka"/, 'type');
  refused({ ...EXAMPLES.webhook, secert: 'x' }, /sink "soar": unknown setting "secert"/, 'secert');
  refused({ ...EXAMPLES.syslog, tls: { caFile: 'a', cafile: 'b' } }, /unknown setting "cafile"/);
});

test('syslog settings', () => {
  refused({ type: 'syslog', name: 's' }, /host is required/, 'host');
  refused(
    { type: 'syslog', name: 's', host: 'h', port: 70000 },
    /port must be a whole number from 1 to 65535/,
  );
  refused({ type: 'syslog', name: 's', host: 'h', facility: 'local9' }, /facility is not a syslog facility/);
  refused({ type: 'syslog', name: 's', host: 'h', sdId: 'lanyard' }, /sdId must be name@/);
  refused({ type: 'syslog', name: 's', host: 'h', tls: { ca: 'not pem' } }, /ca is not a PEM certificate/);
  refused({ type: 'syslog', name: 's', host: 'h', tls: 'yes' }, /tls must be an object/);
  assert.deepEqual(parseSinkConfig({ type: 'syslog', name: 's', host: 'h', tls: true, facility: 20 }), {
    type: 'syslog',
    name: 's',
    host: 'h',
    tls: {},
    facility: 20,
  });
});

test('URLs: https, or http only to loopback or with allowHttp; never echoed', () => {
  const hec = { type: 'splunk-hec', name: 'h', token: { env: 'T' } };
  refused({ ...hec, url: 'http://splunk.example.com:8088' }, /url must use https/, 'url');
  assert.equal(parseSinkConfig({ ...hec, url: 'http://127.0.0.1:8088' }).type, 'splunk-hec');
  assert.equal(parseSinkConfig({ ...hec, url: 'http://splunk:8088', allowHttp: true }).type, 'splunk-hec');
  const e = refused({ ...hec, url: 'not a url /SECRETPATH' }, /url is not a valid URL/);
  assert.ok(!e.message.includes('SECRETPATH'));
  refused({ ...hec, url: 'https://user:pw@splunk:8088' }, /must not contain a user name or password/);
  refused({ ...hec, url: 'ftp://splunk' }, /uses ftp, not https/);
  refused(
    { ...EXAMPLES['azure-monitor'], endpoint: 'http://monitor.example.com' },
    /endpoint must use https/,
  );
  refused({ ...EXAMPLES['azure-monitor'], allowHttp: true }, /unknown setting "allowHttp"/);
});

test('secrets: { env } or a long literal, never echoed', () => {
  const hook = { type: 'webhook', name: 'w', url: 'https://x.example.com/h' };
  const short = refused({ ...hook, secret: 'tiny-secret' }, /secret is shorter than 16 characters/, 'secret');
  assert.ok(!short.message.includes('tiny-secret'));
  refused({ ...hook }, /secret is required/);
  refused({ ...hook, secret: { env: 'BAD-NAME' } }, /must be \{ "env": "NAME" \}/);
  refused({ ...hook, secret: { env: 'OK', extra: 1 } }, /must be \{ "env": "NAME" \}/);
  const literal = parseSinkConfig({ ...hook, secret: 'a-literal-secret-long-enough' });
  assert.equal(JSON.stringify(redactSinkConfig(literal)).includes('a-literal-secret'), false);
  assert.deepEqual(redactSinkConfig(parseSinkConfig(EXAMPLES.webhook)), EXAMPLES.webhook);
});

test('Azure Monitor identifiers', () => {
  refused(
    { ...EXAMPLES['azure-monitor'], dcrImmutableId: 'my-dcr' },
    /dcrImmutableId must be "dcr-" and 32 hex digits/,
  );
  refused(
    { ...EXAMPLES['azure-monitor'], streamName: 'LanyardEvents' },
    /streamName must be a DCR stream name/,
  );
  refused(
    { ...EXAMPLES['azure-monitor'], maxRequestBytes: 2_000_000 },
    /maxRequestBytes must be a whole number from 1024 to 1048576/,
  );
  refused({ ...EXAMPLES['azure-monitor'], scope: 'https://monitor.azure.us' }, /scope must be/);
});

test('sink names are unique in a list', () => {
  assert.throws(
    () => parseSinkConfigs([EXAMPLES.webhook, { ...EXAMPLES['ocsf-file'], name: 'soar' }]),
    (error: unknown) => error instanceof InvalidInput && /two sinks are named "soar"/.test(error.message),
  );
  assert.throws(() => parseSinkConfigs({}), InvalidInput);
});

test('createSink builds each type; missing secrets and credentials are refused clearly', async () => {
  const env = { LANYARD_HEC_TOKEN: 'hec-token-value', LANYARD_WEBHOOK_SECRET: 'webhook-secret-value' };
  for (const type of ['syslog', 'splunk-hec', 'webhook', 'ocsf-file'] as const) {
    const config = parseSinkConfig(type === 'syslog' ? { ...EXAMPLES.syslog, tls: {} } : EXAMPLES[type]);
    const sink = createSink(config, { env });
    assert.equal(sink.name, config.name);
    await sink.close?.();
  }
  assert.throws(
    () => createSink(parseSinkConfig(EXAMPLES['splunk-hec']), { env: {} }),
    (error: unknown) =>
      error instanceof InvalidInput &&
      /sink "splunk": token: environment variable LANYARD_HEC_TOKEN is not set/.test(error.message),
  );
  assert.throws(
    () => createSink(parseSinkConfig(EXAMPLES['azure-monitor']), {}),
    (error: unknown) => error instanceof InvalidInput && /needs an Azure credential/.test(error.message),
  );
  assert.throws(
    () => createSink(parseSinkConfig(EXAMPLES.syslog), {}),
    (error: unknown) =>
      error instanceof InvalidInput &&
      /sink "qradar": tls.caFile \/etc\/lanyard\/siem-ca.pem could not be read/.test(error.message),
  );
});

test('a parsed configuration delivers through createSink', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lanyard-sink-config-'));
  try {
    const path = join(dir, 'out.jsonl');
    const sink = createSink(parseSinkConfig({ type: 'ocsf-file', name: 'f', path }), { version: '1' });
    const event = testEvent();
    await sink.deliver([event]);
    await sink.close?.();
    assert.equal(JSON.parse(await readFile(path, 'utf8')).metadata.uid, event.id);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
