// The outbox on both databases: each sink gets every event at least once with the same id; a sink that is down
// delays only its own events and catches up; a relay that dies mid-delivery leaves its claim to expire, and the
// events go again; recording an event twice adds nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { LanyardEvent } from '../../src/core/events.ts';
import { DeliveryFailed, type EventSink } from '../../src/deliver/sink.ts';
import { createOutboxRelay } from '../../src/services/outbox-relay.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';

const event = (n: number): LanyardEvent => ({
  id: randomUUID(),
  type: 'finding.opened',
  time: new Date(Date.UTC(2026, 10, 1, 0, 0, n)).toISOString(),
  severity: 'high',
  integration: null,
  summary: `event ${n}`,
  data: { n },
});

/** Records what it accepted; refuses while `down`. */
function receiver(name: string) {
  const received: string[] = [];
  const sink = {
    name,
    down: false as boolean,
    async deliver(events: readonly LanyardEvent[]) {
      if (sink.down) throw new DeliveryFailed('503 from the receiver', { retryable: true, status: 503 });
      received.push(...events.map((e) => e.id));
    },
  } satisfies EventSink & { down: boolean };
  return { sink, received };
}

forEachDatabase('outbox', (database) => {
  let store: Store;
  before(async () => {
    store = await database.open();
  });
  after(() => store.close());

  test('every sink gets every event once in order; a sink that is down catches up when it returns', async () => {
    const sinks = [`hec-${randomUUID()}`, `syslog-${randomUUID()}`];
    const events = Array.from({ length: 1_234 }, (_, n) => event(n));
    assert.equal(await store.outbox.enqueue(events, sinks), events.length);
    assert.equal(await store.outbox.enqueue(events.slice(0, 10), sinks), 0, 'an event id is recorded once');

    const hec = receiver(sinks[0]!);
    const syslog = receiver(sinks[1]!);
    syslog.sink.down = true;
    let clock = new Date('2026-11-01T00:00:00Z');
    const relay = createOutboxRelay({
      outbox: store.outbox,
      sinks: [hec.sink, syslog.sink],
      now: () => clock,
      batchSize: 500,
      random: () => 0.5,
    });
    const first = await relay.drain();
    assert.deepEqual(
      hec.received,
      events.map((e) => e.id),
      'in order, each once',
    );
    assert.deepEqual(syslog.received, []);
    assert.equal(first.find((r) => r.sink === sinks[1])?.failed, 500);
    const backlog = (await store.outbox.backlog()).find((b) => b.sink === sinks[1])!;
    assert.equal(backlog.pending, events.length);
    assert.match(backlog.lastError ?? '', /503/);

    // Before its retry time nothing is tried; after it, everything arrives.
    syslog.sink.down = false;
    await relay.drain();
    assert.deepEqual(syslog.received, []);
    clock = new Date(clock.getTime() + 3_600_000);
    await relay.drain();
    assert.deepEqual(
      syslog.received,
      events.map((e) => e.id),
    );
    assert.ok(!(await store.outbox.backlog()).some((b) => sinks.includes(b.sink)), 'nothing left pending');

    // Delivered everywhere: pruned once old enough, and only then.
    const ids = events.map((e) => e.id);
    assert.equal(await store.outbox.prune(new Date('2026-11-01T00:00:00Z')), 0, 'younger than the cut');
    assert.equal((await store.outbox.recorded(ids)).size, events.length);
    await store.outbox.prune(new Date('2026-11-02T00:00:00Z'));
    assert.equal((await store.outbox.recorded(ids)).size, 0);
  });

  test('a sink failing mid-backlog: the batch claimed behind the failed one goes back, and all arrive in order', async () => {
    const name = `hec-${randomUUID()}`;
    const events = Array.from({ length: 250 }, (_, n) => event(n));
    await store.outbox.enqueue(events, [name]);
    const received: string[] = [];
    let calls = 0;
    const sink: EventSink = {
      name,
      async deliver(batch) {
        calls++;
        // The second batch fails after the sink took its first 10 events.
        if (calls === 2) {
          received.push(...batch.slice(0, 10).map((e) => e.id));
          throw new DeliveryFailed('connection reset', {
            retryable: true,
            delivered: batch.slice(0, 10).map((e) => e.id),
          });
        }
        received.push(...batch.map((e) => e.id));
      },
    };
    let clock = new Date('2026-11-01T00:00:00Z');
    const relay = createOutboxRelay({
      outbox: store.outbox,
      sinks: [sink],
      now: () => clock,
      batchSize: 100,
      random: () => 0.5,
    });
    const [first] = await relay.drain();
    assert.deepEqual(first, { sink: name, delivered: 110, failed: 90, error: 'connection reset' });
    // The third batch had been claimed while the second travelled: it is back, not leased for a minute, but
    // waits behind the failed batch's retry time like everything else.
    assert.deepEqual(
      await store.outbox.claim(name, 500, clock, 60_000),
      [],
      'nothing overtakes the failed batch',
    );
    // Past the failed batch's retry time (about a second), well within the lease (a minute).
    clock = new Date(clock.getTime() + 30_000);
    const [second] = await relay.drain();
    assert.equal(second!.delivered, 140);
    assert.deepEqual(
      received,
      events.map((e) => e.id),
      'every event once, in order',
    );
    assert.ok(!(await store.outbox.backlog()).some((b) => b.sink === name));
  });

  test('reopened after its process died, the embedded database hands back the claims at once; a server waits out the lease', async () => {
    const sink = `webhook-${randomUUID()}`;
    const events = [event(1), event(2)];
    await store.outbox.enqueue(events, [sink]);
    assert.equal((await store.outbox.claim(sink, 10, new Date(), 60_000)).length, 2);
    // The claiming process is gone; the next one opens the database.
    await store.close();
    store = await database.open();
    const again = await store.outbox.claim(sink, 10, new Date(), 60_000);
    // PGlite's directory lock proves nobody else holds it; on a server another relay may still be delivering.
    assert.equal(again.length, database.name === 'pglite' ? 2 : 0);
  });

  test('a relay that dies after claiming leaves the events to go again, with the same ids, once the lease ends', async () => {
    const sink = `webhook-${randomUUID()}`;
    const events = [event(1), event(2)];
    await store.outbox.enqueue(events, [sink]);
    const at = new Date('2026-11-01T00:00:00Z');
    const claimed = await store.outbox.claim(sink, 10, at, 60_000);
    assert.equal(claimed.length, 2);
    // ...the process is killed here, before delivered(): another relay finds nothing until the lease ends.
    assert.deepEqual(await store.outbox.claim(sink, 10, new Date(at.getTime() + 30_000), 60_000), []);
    const again = await store.outbox.claim(sink, 10, new Date(at.getTime() + 61_000), 60_000);
    assert.deepEqual(
      again.map((c) => c.event.id),
      events.map((e) => e.id),
    );
    await store.outbox.prune(new Date('2027-01-01T00:00:00Z'));
    assert.equal(
      (await store.outbox.recorded(events.map((e) => e.id))).size,
      2,
      'pending events are never pruned',
    );
  });
});
