// The signed webhook sink against a local receiver that verifies every signature.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvalidInput } from '../../src/core/errors.ts';
import { manyEvents, testEvent } from '../../src/deliver/formats/test-events.ts';
import { DeliveryFailed } from '../../src/deliver/sink.ts';
import {
  createWebhookSink,
  signWebhookBody,
  verifyWebhookSignature,
} from '../../src/deliver/sinks/webhook.ts';
import { startWebhookReceiver, type WebhookReceiver } from './receivers.ts';

const SECRET = 'whsec-0123456789abcdef-never-shown';
const deps = { env: { WEBHOOK_SECRET: SECRET }, version: '9.9.9' };

async function rejection(promise: Promise<unknown>): Promise<DeliveryFailed> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DeliveryFailed, `expected DeliveryFailed, got ${error}`);
    return error;
  }
  throw new Error('expected the delivery to fail');
}

describe('webhook sink', () => {
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await startWebhookReceiver({ secret: SECRET });
  });
  after(async () => {
    await receiver.close();
  });

  const sinkFor = (overrides: Record<string, unknown> = {}) =>
    createWebhookSink(
      {
        type: 'webhook',
        name: 'soc',
        url: `${receiver.url}/lanyard`,
        secret: { env: 'WEBHOOK_SECRET' },
        ...overrides,
      },
      deps,
    );

  test('posts {events} signed t=,v1= over the raw body, with the event ids in a header', async () => {
    const sink = sinkFor();
    const events = [testEvent(), testEvent({ type: 'finding.opened' }), testEvent()];
    await sink.deliver(events);
    const batch = receiver.batches.at(-1)!;
    assert.deepEqual(
      batch.events.map((e) => e.id),
      events.map((e) => e.id),
    );
    assert.deepEqual(batch.events[1], events[1]);
    assert.equal(batch.idsHeader, events.map((e) => e.id).join(','));
    const request = receiver.requests.at(-1)!;
    assert.equal(request.url, '/lanyard');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['user-agent'], 'Lanyard/9.9.9');
    assert.match(String(request.headers['x-lanyard-signature']), /^t=\d+,v1=[0-9a-f]{64}$/);
    assert.equal(receiver.rejected, 0);
    await sink.close?.();
  });

  test('a tampered body, or the right body replayed too late, is rejected by the receiver', async () => {
    const sink = sinkFor();
    await sink.deliver([testEvent({ summary: 'amount=10' })]);
    const { body, signature } = receiver.last!;
    const tampered = Buffer.from(body.toString('utf8').replace('amount=10', 'amount=99'));
    assert.notDeepEqual(tampered, body);
    const post = (b: Buffer) =>
      fetch(`${receiver.url}/lanyard`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-lanyard-signature': signature },
        body: b,
      });
    const rejectedBefore = receiver.rejected;
    assert.equal((await post(tampered)).status, 401);
    assert.equal(receiver.rejected, rejectedBefore + 1);
    // The untouched request verifies now, not ten minutes later.
    assert.equal(verifyWebhookSignature(SECRET, signature, body, Date.now()), true);
    assert.equal(verifyWebhookSignature(SECRET, signature, body, Date.now() + 600_000), false);
    await sink.close?.();
  });

  test('a receiver refusing the signature (wrong secret) is not retryable', async () => {
    const sink = createWebhookSink(
      {
        type: 'webhook',
        name: 'soc',
        url: `${receiver.url}/lanyard`,
        secret: 'another-secret-of-some-length',
      },
      deps,
    );
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(error.retryable, false);
    assert.equal(error.status, 401);
    assert.equal(error.code, 'LANYARD_AUTH_FAILED');
    assert.ok(!error.message.includes('another-secret'));
    await sink.close?.();
  });

  test('503 with Retry-After is retryable; 410 is not', async () => {
    const sink = sinkFor();
    receiver.respondWith({ status: 503, body: 'maintenance', headers: { 'retry-after': '30' } });
    const busy = await rejection(sink.deliver([testEvent()]));
    assert.equal(busy.retryable, true);
    assert.equal(busy.retryAfterMs, 30_000);
    assert.match(busy.message, /HTTP 503: maintenance/);
    receiver.respondWith({ status: 410, body: 'gone' });
    assert.equal((await rejection(sink.deliver([testEvent()]))).retryable, false);
    await sink.close?.();
  });

  test('batches are split at maxEventsPerRequest (default 100)', async () => {
    const sink = sinkFor();
    const start = receiver.batches.length;
    const events = manyEvents(250);
    await sink.deliver(events);
    const batches = receiver.batches.slice(start);
    assert.deepEqual(
      batches.map((b) => b.events.length),
      [100, 100, 50],
    );
    assert.deepEqual(
      receiver.ids.slice(-250),
      events.map((e) => e.id),
    );
    await sink.close?.();
  });

  test('messages show the origin only: a webhook path or query can be its secret', async () => {
    const sink = createWebhookSink(
      {
        type: 'webhook',
        name: 'soc',
        url: 'http://127.0.0.1:1/services/T0/B0/PATHSECRET?token=QUERYSECRET',
        secret: SECRET,
      },
      deps,
    );
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(error.retryable, true);
    assert.match(error.message, /http:\/\/127\.0\.0\.1:1/);
    assert.ok(!/PATHSECRET|QUERYSECRET/.test(error.message));
    await sink.close?.();
  });

  test('a secret from an unset environment variable fails at creation, naming the variable only', () => {
    assert.throws(
      () =>
        createWebhookSink(
          { type: 'webhook', name: 'soc', url: receiver.url, secret: { env: 'NOPE_SECRET' } },
          { env: {} },
        ),
      (error: unknown) => error instanceof InvalidInput && /NOPE_SECRET is not set/.test(error.message),
    );
    assert.throws(
      () =>
        createWebhookSink(
          { type: 'webhook', name: 'soc', url: receiver.url, secret: { env: 'SHORT_SECRET' } },
          { env: { SHORT_SECRET: 'zq9x' } },
        ),
      (error: unknown) =>
        error instanceof InvalidInput &&
        /SHORT_SECRET holds fewer than 16 characters/.test(error.message) &&
        !error.message.includes('zq9x'),
    );
  });
});

test('verifyWebhookSignature: exact body, right secret, within tolerance, any of several v1', () => {
  const body = '{"events":[]}';
  const t = 1_800_000_000;
  const header = signWebhookBody(SECRET, body, t);
  const at = t * 1000;
  assert.equal(verifyWebhookSignature(SECRET, header, body, at), true);
  assert.equal(verifyWebhookSignature(SECRET, header, Buffer.from(body), new Date(at)), true);
  assert.equal(verifyWebhookSignature(SECRET, header, `${body} `, at), false, 'a changed body');
  assert.equal(verifyWebhookSignature('other', header, body, at), false, 'another secret');
  assert.equal(verifyWebhookSignature(SECRET, header, body, at + 300_000), true, 'at the tolerance');
  assert.equal(verifyWebhookSignature(SECRET, header, body, at + 301_000), false, 'past it');
  assert.equal(verifyWebhookSignature(SECRET, header, body, at - 301_000), false, 'from the future');
  assert.equal(verifyWebhookSignature(SECRET, header, body, at + 30_000, 10), false, 'a tighter tolerance');
  const rotated = `${header.split(',')[0]},v1=${'0'.repeat(64)},${header.split(',')[1]}`;
  assert.equal(verifyWebhookSignature(SECRET, rotated, body, at), true);
  for (const bad of [
    '',
    'garbage',
    `t=${t}`,
    `v1=${'a'.repeat(64)}`,
    `t=abc,v1=${'a'.repeat(64)}`,
    `t=${t},v1=zz`,
  ]) {
    assert.equal(verifyWebhookSignature(SECRET, bad, body, at), false, bad);
  }
  assert.equal(verifyWebhookSignature(SECRET, undefined, body, at), false);
  assert.equal(verifyWebhookSignature('', header, body, at), false);
});
