// The syslog sink against real TCP and TLS syslog servers reading RFC 6587 octet-counted frames.
import assert from 'node:assert/strict';
import net from 'node:net';
import { before, describe, test } from 'node:test';
import { parseCef } from '../../src/deliver/formats/cef.ts';
import { DEFAULT_SD_ID, parseSyslog } from '../../src/deliver/formats/syslog.ts';
import { HOSTILE_NAME, hostileEvent, manyEvents, testEvent } from '../../src/deliver/formats/test-events.ts';
import { DeliveryFailed, type EventSink } from '../../src/deliver/sink.ts';
import { createSyslogSink } from '../../src/deliver/sinks/syslog.ts';
import { makeTestCertificates, startSyslogReceiver, type TestCertificates } from './receivers.ts';

const deps = { version: '9.9.9', hostname: 'lanyard-test' };

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
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

describe('syslog over TCP', () => {
  test('RFC 5424 messages with CEF inside, one per frame, hostile names escaped, one connection reused', async () => {
    const receiver = await startSyslogReceiver();
    const sink = createSyslogSink(
      { type: 'syslog', name: 'siem', host: '127.0.0.1', port: receiver.port, facility: 'local4' },
      deps,
    );
    try {
      const plain = testEvent({ severity: 'medium' });
      const hostile = hostileEvent({ severity: 'critical' });
      await sink.deliver([plain, hostile]);
      await sink.deliver([testEvent()]);
      await receiver.waitFor(3);
      assert.deepEqual(receiver.errors, []);
      assert.equal(receiver.connections, 1, 'the connection is kept between batches');
      assert.deepEqual(receiver.ids.slice(0, 2), [plain.id, hostile.id]);

      const first = parseSyslog(receiver.messages[0]!);
      assert.equal(first.pri, 20 * 8 + 4, 'local4.warning');
      assert.equal(first.version, 1);
      assert.equal(first.timestamp, '2026-11-01T12:34:56.789Z');
      assert.equal(first.hostname, 'lanyard-test');
      assert.equal(first.appName, 'lanyard');
      assert.equal(first.procId, String(process.pid));
      assert.equal(first.msgId, 'credential.added');
      assert.equal(first.structuredData[DEFAULT_SD_ID]!.eventId, plain.id);
      const cef = parseCef(first.msg);
      assert.deepEqual(cef.header.slice(0, 5), ['CEF:0', 'Lanyard', 'Lanyard', '9.9.9', 'credential.added']);
      assert.equal(cef.header[6], '5');
      assert.equal(cef.extensions.externalId, plain.id);
      assert.equal(cef.extensions.duser, 'Payroll Sync');
      assert.equal(cef.extensions.cs1, 'contoso-prod');

      // The hostile one: still exactly one frame, one SD element, its fields where they belong.
      const raw = receiver.messages[1]!;
      assert.ok(!/[\r\n\u001b]/.test(raw), 'no raw line break or ESC in the message');
      const second = parseSyslog(raw);
      assert.equal(second.pri, 20 * 8 + 2, 'local4.crit');
      assert.deepEqual(Object.keys(second.structuredData), [DEFAULT_SD_ID]);
      assert.equal(
        second.structuredData[DEFAULT_SD_ID]!.displayName,
        HOSTILE_NAME.replace(/[\r\n\u001b]/g, '\ufffd'),
      );
      const hostileCef = parseCef(second.msg);
      assert.equal(hostileCef.header.length, 7);
      assert.equal(hostileCef.header[1], 'Lanyard');
      assert.equal(hostileCef.extensions.externalId, hostile.id);
      assert.equal(hostileCef.extensions.duser, HOSTILE_NAME.replace('\u001b', '\ufffd'));
      assert.equal(hostileCef.extensions.cs1, 'contoso-prod', 'the forged cs1= stayed inside duser');
      assert.ok(second.msg.includes('ünïcødé 名前 🚀'), 'unicode arrives intact');
    } finally {
      await sink.close?.();
      await receiver.close();
    }
  });

  test('after the receiver drops the connection the sink reconnects; a failed write is retryable', async () => {
    const receiver = await startSyslogReceiver();
    const sink = createSyslogSink(
      { type: 'syslog', name: 'siem', host: '127.0.0.1', port: receiver.port },
      deps,
    );
    try {
      await sink.deliver([testEvent()]);
      await receiver.waitFor(1);
      receiver.dropConnections();
      const batch = [testEvent(), testEvent()];
      // The reset may reach the sink before or during the next write: either it reconnects at once, or that
      // write fails retryable and the relay's next attempt reconnects.
      for (let attempt = 1; ; attempt += 1) {
        try {
          await sink.deliver(batch);
          break;
        } catch (error) {
          assert.ok(error instanceof DeliveryFailed && error.retryable, `attempt ${attempt}: ${error}`);
          assert.ok(attempt < 3, 'reconnected within three attempts');
        }
      }
      await receiver.waitFor(3);
      assert.equal(receiver.connections, 2);
      assert.deepEqual(
        receiver.ids.slice(-2),
        batch.map((e) => e.id),
      );
    } finally {
      await sink.close?.();
      await receiver.close();
    }
  });

  test('a receiver that is down is a retryable failure naming it', async () => {
    const port = await closedPort();
    const sink = createSyslogSink({ type: 'syslog', name: 'siem', host: '127.0.0.1', port }, deps);
    const error = await rejection(sink.deliver([testEvent()]));
    assert.equal(error.retryable, true);
    assert.equal(error.code, 'LANYARD_UNREACHABLE');
    assert.match(error.message, new RegExp(`tcp://127\\.0\\.0\\.1:${port} refused the connection`));
    await sink.close?.();
  });

  test('5,000 events in batches of 500 all arrive, in order, as 5,000 frames', async () => {
    const receiver = await startSyslogReceiver({ keepMessages: false });
    const sink = createSyslogSink(
      { type: 'syslog', name: 'bench', host: '127.0.0.1', port: receiver.port },
      deps,
    );
    try {
      const events = manyEvents(5000);
      const started = performance.now();
      for (let i = 0; i < events.length; i += 500) await sink.deliver(events.slice(i, i + 500));
      await receiver.waitFor(5000);
      const seconds = (performance.now() - started) / 1000;
      assert.deepEqual(
        receiver.ids,
        events.map((e) => e.id),
      );
      assert.deepEqual(receiver.errors, []);
      assert.ok(seconds < 5, `took ${seconds.toFixed(2)} s`);
    } finally {
      await sink.close?.();
      await receiver.close();
    }
  });
});

describe('syslog over TLS', () => {
  let certs: TestCertificates;
  before(async () => {
    certs = await makeTestCertificates();
  });

  test('delivers when the receiver certificate chains to the configured CA', async () => {
    const receiver = await startSyslogReceiver({ tls: certs });
    const sink = createSyslogSink(
      { type: 'syslog', name: 'siem-tls', host: 'localhost', port: receiver.port, tls: { ca: certs.caPem } },
      deps,
    );
    try {
      const event = hostileEvent();
      await sink.deliver([event]);
      await receiver.waitFor(1);
      const parsed = parseSyslog(receiver.messages[0]!);
      assert.equal(parseCef(parsed.msg).extensions.externalId, event.id);
    } finally {
      await sink.close?.();
      await receiver.close();
    }
  });

  test('refuses an untrusted certificate (not retryable), unless verification is turned off', async () => {
    const receiver = await startSyslogReceiver({ tls: certs });
    let sink: EventSink | undefined;
    try {
      sink = createSyslogSink(
        { type: 'syslog', name: 'siem-tls', host: '127.0.0.1', port: receiver.port, tls: {} },
        deps,
      );
      const error = await rejection(sink.deliver([testEvent()]));
      assert.equal(error.retryable, false);
      assert.equal(error.code, 'LANYARD_TLS_UNTRUSTED');
      assert.match(error.message, /not trusted/);
      assert.equal(receiver.count, 0);
      await sink.close?.();

      sink = createSyslogSink(
        {
          type: 'syslog',
          name: 'siem-tls',
          host: '127.0.0.1',
          port: receiver.port,
          tls: { rejectUnauthorized: false },
        },
        deps,
      );
      await sink.deliver([testEvent()]);
      await receiver.waitFor(1);
    } finally {
      await sink?.close?.();
      await receiver.close();
    }
  });
});
