// The Splunk HEC sink against a local HTTP Event Collector.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { HOSTILE_NAME, hostileEvent, manyEvents, testEvent } from '../../src/deliver/formats/test-events.ts';
import { DeliveryFailed } from '../../src/deliver/sink.ts';
import { createSplunkHecSink, hecEndpoint } from '../../src/deliver/sinks/splunk-hec.ts';
import { type HecReceiver, makeTestCertificates, startHecReceiver } from './receivers.ts';

const TOKEN = '5a7c1e0d-hec-token-never-in-messages';
const CHANNEL = '0d6f3b2e-1c4a-4e8b-9f7d-2a5b6c7d8e9f';
const deps = { hostname: 'lanyard-test', env: { HEC_TOKEN: TOKEN } };

async function rejection(promise: Promise<unknown>): Promise<DeliveryFailed> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeliveryFailed, `expected DeliveryFailed, got ${error}`);
    return error;
  }
  throw new Error('expected the delivery to fail');
}

function assertNoSecret(error: DeliveryFailed): void {
  assert.ok(!error.message.includes(TOKEN), 'the token is not in the message');
  assert.ok(!inspect(error).includes(TOKEN), 'nor anywhere in the error');
}

describe('Splunk HEC sink', () => {
  let hec: HecReceiver;
  before(async () => {
    hec = await startHecReceiver({ token: TOKEN });
  });
  after(async () => {
    await hec.close();
  });

  const sinkFor = (overrides: Record<string, unknown> = {}) =>
    createSplunkHecSink(
      {
        type: 'splunk-hec',
        name: 'splunk',
        url: hec.url,
        token: { env: 'HEC_TOKEN' },
        channel: CHANNEL,
        ...overrides,
      },
      deps,
    );

  test('posts newline-separated envelopes with the Splunk token and the channel', async () => {
    const sink = sinkFor({ index: 'security' });
    const before = hec.requests.length;
    const events = [testEvent(), hostileEvent(), testEvent({ type: 'scan.finished', subject: undefined })];
    await sink.deliver(events);
    const request = hec.requests[before]!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/services/collector/event');
    assert.equal(request.headers.authorization, `Splunk ${TOKEN}`);
    assert.equal(request.headers['x-splunk-request-channel'], CHANNEL);
    assert.equal(request.headers['content-type'], 'application/json');
    const got = hec.envelopes.slice(-3);
    assert.deepEqual(
      got.map((e) => e.event.id),
      events.map((e) => e.id),
    );
    for (const envelope of got) {
      assert.equal(envelope.source, 'lanyard');
      assert.equal(envelope.sourcetype, 'lanyard:event');
      assert.equal(envelope.host, 'lanyard-test');
      assert.equal(envelope.index, 'security');
      assert.equal(envelope.time, Date.parse(envelope.event.time) / 1000);
    }
    assert.equal(got[1]!.event.subject!.displayName, HOSTILE_NAME);
    assert.ok(!inspect(sink, { depth: 5 }).includes(TOKEN), 'the sink object does not expose the token');
    assert.ok(!JSON.stringify(sink).includes(TOKEN));
    await sink.close?.();
  });

  test('503 is retryable with its Retry-After; the same batch then goes through', async () => {
    const sink = sinkFor();
    const events = [testEvent(), testEvent()];
    hec.respondWith({
      status: 503,
      body: '{"text":"Server is busy","code":9}',
      headers: { 'retry-after': '7' },
    });
    const error = await rejection(sink.deliver(events));
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 7000);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'LANYARD_THROTTLED');
    assert.match(error.message, /HTTP 503, code 9: Server is busy/);
    assertNoSecret(error);
    const count = hec.count;
    await sink.deliver(events);
    assert.equal(hec.count, count + 2);
    assert.deepEqual(
      hec.ids.slice(-2),
      events.map((e) => e.id),
    );
    await sink.close?.();
  });

  test('other 5xx and 429 are retryable too', async () => {
    const sink = sinkFor();
    hec.respondWith({ status: 500, body: '{"text":"Internal server error","code":8}' });
    assert.equal((await rejection(sink.deliver([testEvent()]))).retryable, true);
    hec.respondWith({ status: 429, body: '', headers: { 'retry-after': '2' } });
    const throttled = await rejection(sink.deliver([testEvent()]));
    assert.equal(throttled.retryable, true);
    assert.equal(throttled.retryAfterMs, 2000);
    await sink.close?.();
  });

  test('a wrong token is 403, not retryable, with HEC text and code but not the token', async () => {
    const wrong = 'wrong-token-also-never-shown';
    const sink = createSplunkHecSink(
      { type: 'splunk-hec', name: 'splunk', url: hec.url, token: wrong },
      deps,
    );
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(error.retryable, false);
    assert.equal(error.status, 403);
    assert.equal(error.code, 'LANYARD_AUTH_FAILED');
    assert.match(error.message, /refused the batch \(HTTP 403, code 4: Invalid token\)/);
    assert.ok(!error.message.includes(wrong) && !inspect(error).includes(wrong));
    assert.match(error.fix ?? '', /token/);
    await sink.close?.();
  });

  test('400 invalid data is not retryable and says which event', async () => {
    const sink = sinkFor();
    hec.respondWith({
      status: 400,
      body: '{"text":"Invalid data format","code":6,"invalid-event-number":3}',
    });
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(error.retryable, false);
    assert.match(error.message, /code 6: Invalid data format \(event 3 of the request\)/);
    await sink.close?.();
  });

  test('a batch is split to stay under maxRequestBytes, and halved again on a 413', async () => {
    const sink = sinkFor({ maxRequestBytes: 4096 });
    const start = hec.requests.length;
    const events = manyEvents(20);
    await sink.deliver(events);
    const requests = hec.requests.slice(start);
    assert.ok(requests.length > 1, `split into ${requests.length} requests`);
    assert.ok(requests.every((r) => r.bytes <= 4096));
    assert.deepEqual(
      hec.ids.slice(-20),
      events.map((e) => e.id),
    );

    const next = hec.requests.length;
    const more = manyEvents(4);
    const whole = sinkFor();
    hec.respondWith({ status: 413, body: '{"text":"Content too large","code":27}' });
    await whole.deliver(more);
    assert.equal(hec.requests.length - next, 3, 'the 413, then each half');
    assert.deepEqual(
      hec.ids.slice(-4),
      more.map((e) => e.id),
    );
    await sink.close?.();
    await whole.close?.();
  });

  test('a failure after a first accepted request says which events went through', async () => {
    const sink = sinkFor({ maxRequestBytes: 4096 });
    const events = manyEvents(20);
    hec.respondWith('accept', { status: 503, body: '{"text":"Server is busy","code":9}' });
    const error = await rejection(sink.deliver(events));
    assert.ok(error.delivered.length > 0 && error.delivered.length < 20);
    assert.deepEqual(
      error.delivered,
      events.slice(0, error.delivered.length).map((e) => e.id),
    );
    assert.deepEqual(hec.ids.slice(-error.delivered.length), error.delivered);
    await sink.close?.();
  });

  test('a receiver that is down is retryable', async () => {
    const sink = createSplunkHecSink(
      { type: 'splunk-hec', name: 'splunk', url: 'http://127.0.0.1:1', token: TOKEN },
      deps,
    );
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(error.retryable, true);
    assert.match(error.message, /http:\/\/127\.0\.0\.1:1 refused the connection/);
    await sink.close?.();
  });

  test('5,000 events in batches of 500', async () => {
    const sink = sinkFor();
    const events = manyEvents(5000);
    const count = hec.count;
    const started = performance.now();
    for (let i = 0; i < events.length; i += 500) await sink.deliver(events.slice(i, i + 500));
    const seconds = (performance.now() - started) / 1000;
    assert.equal(hec.count, count + 5000);
    assert.ok(seconds < 5, `took ${seconds.toFixed(2)} s`);
    await sink.close?.();
  });
});

test('HEC over https trusts the configured CA', async () => {
  const certs = await makeTestCertificates();
  const hec = await startHecReceiver({ token: TOKEN, tls: certs });
  const url = hec.url.replace('127.0.0.1', 'localhost');
  const trusted = createSplunkHecSink(
    { type: 'splunk-hec', name: 's', url, token: TOKEN, tls: { ca: certs.caPem } },
    deps,
  );
  const untrusted = createSplunkHecSink({ type: 'splunk-hec', name: 's', url, token: TOKEN }, deps);
  try {
    await trusted.deliver([testEvent()]);
    assert.equal(hec.count, 1);
    const error = await rejection(untrusted.deliver([testEvent()]));
    assert.equal(error.retryable, false);
    assert.equal(error.code, 'LANYARD_TLS_UNTRUSTED');
  } finally {
    await trusted.close?.();
    await untrusted.close?.();
    await hec.close();
  }
});

test('the endpoint path is added once, whatever form the URL took', () => {
  for (const url of [
    'https://splunk:8088',
    'https://splunk:8088/',
    'https://splunk:8088/services/collector',
    'https://splunk:8088/services/collector/event',
  ]) {
    assert.equal(hecEndpoint(url).href, 'https://splunk:8088/services/collector/event');
  }
  assert.equal(hecEndpoint('https://proxy/splunk/').href, 'https://proxy/splunk/services/collector/event');
});
