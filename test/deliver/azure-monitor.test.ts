// The Azure Monitor sink against a local Logs Ingestion API endpoint.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { manyEvents, testEvent } from '../../src/deliver/formats/test-events.ts';
import { DeliveryFailed } from '../../src/deliver/sink.ts';
import {
  AZURE_MONITOR_MAX_BYTES,
  type AzureMonitorSinkConfig,
  createAzureMonitorSink,
} from '../../src/deliver/sinks/azure-monitor.ts';
import { type AzureMonitorReceiver, startAzureMonitorReceiver } from './receivers.ts';

const TOKEN = 'eyJhbGciOi.monitor-token-payload.signature';
const DCR = 'dcr-0123456789abcdef0123456789abcdef';
const STREAM = 'Custom-LanyardEvents';

function credential(token = TOKEN): TokenCredential & { scopes: (string | string[])[] } {
  const scopes: (string | string[])[] = [];
  return {
    scopes,
    async getToken(scope): Promise<AccessToken> {
      scopes.push(scope);
      return { token, expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<DeliveryFailed> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeliveryFailed, `expected DeliveryFailed, got ${error}`);
    return error;
  }
  throw new Error('expected the delivery to fail');
}

/** Events of about `bytes` each, through a large data field. */
function bigEvents(count: number, bytes: number) {
  return manyEvents(count, { data: { blob: 'x'.repeat(bytes) } });
}

describe('Azure Monitor sink', () => {
  let monitor: AzureMonitorReceiver;
  before(async () => {
    monitor = await startAzureMonitorReceiver({ token: TOKEN, dcrImmutableId: DCR, streamName: STREAM });
  });
  after(async () => {
    await monitor.close();
  });

  const config = (overrides: Partial<AzureMonitorSinkConfig> = {}): AzureMonitorSinkConfig => ({
    type: 'azure-monitor',
    name: 'sentinel',
    endpoint: monitor.url,
    dcrImmutableId: DCR,
    streamName: STREAM,
    ...overrides,
  });

  test('posts a gzipped JSON array to the DCR stream with api-version and the bearer token', async () => {
    const cred = credential();
    const sink = createAzureMonitorSink(config(), { credential: cred });
    const start = monitor.requests.length;
    const events = [testEvent(), testEvent({ type: 'finding.opened', severity: 'critical' })];
    await sink.deliver(events);
    const request = monitor.requests[start]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, `/dataCollectionRules/${DCR}/streams/${STREAM}?api-version=2023-01-01`);
    assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(request.headers['content-encoding'], 'gzip');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(cred.scopes, ['https://monitor.azure.com//.default']);
    const rows = monitor.records.slice(-2);
    assert.deepEqual(
      rows.map((r) => r.EventId),
      events.map((e) => e.id),
    );
    assert.equal(rows[1]!.EventType, 'finding.opened');
    assert.equal(rows[1]!.Severity, 'critical');
    assert.equal(rows[0]!.TimeGenerated, '2026-11-01T12:34:56.789Z');
    assert.deepEqual(rows[0]!.Data, events[0]!.data);

    // The token is reused while valid.
    await sink.deliver([testEvent()]);
    assert.equal(cred.scopes.length, 1);
    await sink.close?.();
  });

  for (const gzip of [true, false]) {
    test(`a batch over 1 MB is split so no request exceeds it (gzip ${gzip})`, async () => {
      const sink = createAzureMonitorSink(config({ gzip }), { credential: credential() });
      const start = monitor.requests.length;
      const accepted = monitor.acceptedBodyBytes.length;
      const events = bigEvents(120, 20_000); // ~2.4 MB of JSON
      await sink.deliver(events);
      const requests = monitor.requests.slice(start);
      assert.ok(requests.length >= 3, `${requests.length} requests`);
      assert.ok(requests.every((r) => r.bytes <= AZURE_MONITOR_MAX_BYTES));
      const sizes = monitor.acceptedBodyBytes.slice(accepted);
      assert.ok(
        sizes.every((b) => b <= AZURE_MONITOR_MAX_BYTES),
        `uncompressed sizes ${sizes}`,
      );
      assert.ok(
        sizes.some((b) => b > 900_000),
        'chunks are filled, not one event each',
      );
      assert.deepEqual(
        monitor.ids.slice(-120),
        events.map((e) => e.id),
      );
      await sink.close?.();
    });
  }

  test('413 splits further, down to what the endpoint takes', async () => {
    const small = await startAzureMonitorReceiver({
      token: TOKEN,
      dcrImmutableId: DCR,
      streamName: STREAM,
      maxBytes: 150_000,
    });
    const sink = createAzureMonitorSink(config({ endpoint: small.url, gzip: false }), {
      credential: credential(),
    });
    try {
      const events = bigEvents(40, 10_000); // ~440 KB: 413, then halves of ~220 KB: 413, then quarters
      await sink.deliver(events);
      assert.deepEqual(
        small.ids,
        events.map((e) => e.id),
      );
      assert.ok(
        small.requests.some((r) => r.bytes > 150_000),
        'the first try was refused',
      );
      assert.ok(small.acceptedBodyBytes.every((b) => b <= 150_000));
    } finally {
      await sink.close?.();
      await small.close();
    }
  });

  test('one record larger than a request alone travels with its Data replaced by a marker', async () => {
    const sink = createAzureMonitorSink(config(), { credential: credential() });
    const [huge] = bigEvents(1, 1_200_000);
    await sink.deliver([huge!]);
    const row = monitor.records.at(-1)!;
    assert.equal(row.EventId, huge!.id);
    assert.equal((row.Data as { lanyardTruncated?: boolean }).lanyardTruncated, true);
    await sink.close?.();
  });

  test('429 is retryable with Retry-After', async () => {
    const sink = createAzureMonitorSink(config(), { credential: credential() });
    monitor.respondWith({
      status: 429,
      body: '{"error":{"code":"TooManyRequests","message":"Throttled."}}',
      headers: { 'retry-after': '12' },
    });
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 12_000);
    assert.equal(error.code, 'LANYARD_THROTTLED');
    assert.match(error.message, /HTTP 429, TooManyRequests: Throttled\./);
    await sink.close?.();
  });

  test('401 gets a fresh token once, then fails without retry and without the token', async () => {
    const stale = 'eyJstale.token-that-is.rejected';
    const cred = credential(stale);
    const sink = createAzureMonitorSink(config(), { credential: cred });
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(cred.scopes.length, 2, 'asked again after the 401');
    assert.equal(error.retryable, false);
    assert.equal(error.code, 'LANYARD_AUTH_FAILED');
    assert.ok(!inspect(error).includes(stale));
    assert.ok(!inspect(sink, { depth: 5 }).includes(stale));
    await sink.close?.();
  });

  test('403 (no Monitoring Metrics Publisher role) and 404 (wrong stream) are not retryable', async () => {
    const sink = createAzureMonitorSink(config(), { credential: credential() });
    monitor.respondWith({ status: 403, body: '{"error":{"code":"OperationFailed","message":"Forbidden"}}' });
    const forbidden = await rejection(sink.deliver([testEvent()]));
    assert.equal(forbidden.retryable, false);
    assert.equal(forbidden.code, 'LANYARD_PERMISSION_MISSING');
    assert.match(forbidden.fix ?? '', /Monitoring Metrics Publisher/);
    await sink.close?.();
    const wrong = createAzureMonitorSink(config({ streamName: 'Custom-Other' }), {
      credential: credential(),
    });
    const missing = await rejection(wrong.deliver([testEvent()]));
    assert.equal(missing.status, 404);
    assert.equal(missing.retryable, false);
    await wrong.close?.();
  });

  test('a credential that fails is a delivery failure, its tokens cut out of the message', async () => {
    const failing: TokenCredential = {
      async getToken() {
        const e = new Error('AADSTS7000215: bad secret; last token eyJabc.def.ghi');
        e.name = 'AuthenticationError';
        throw e;
      },
    };
    const sink = createAzureMonitorSink(config(), { credential: failing });
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(error.retryable, true);
    assert.equal(error.code, 'LANYARD_AUTH_FAILED');
    assert.match(error.message, /AuthenticationError: AADSTS7000215/);
    assert.ok(!error.message.includes('eyJabc.def.ghi'));
    await sink.close?.();
  });
});
