// Moves events from the outbox to the sinks: per sink, claims a batch of due events, delivers it, and either
// deletes them (accepted) or schedules them again with backoff (failed). A sink that is down only delays its
// own events; the others keep flowing. Nothing is removed before the sink accepted it.
import { backoff, DeliveryFailed, type EventSink } from '../deliver/sink.ts';
import type { OutboxStore } from '../store/outbox.ts';

export interface RelayDeps {
  outbox: Pick<OutboxStore, 'claim' | 'delivered' | 'failed'>;
  sinks: readonly EventSink[];
  now: () => Date;
  /** Events per delivery (default 500: one HEC request or syslog write of a few hundred KB). */
  batchSize?: number;
  /** How long a claim holds before another relay may take the events (default 60 s). */
  leaseMs?: number;
  retry?: { baseMs: number; maxMs: number };
  random?: () => number;
}

export interface SinkRound {
  sink: string;
  delivered: number;
  failed: number;
  error?: string;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createOutboxRelay({
  outbox,
  sinks,
  now,
  batchSize = 500,
  leaseMs = 60_000,
  retry = { baseMs: 1_000, maxMs: 300_000 },
  random = Math.random,
}: RelayDeps) {
  /** One batch for one sink, of events after `afterId` (the last one a round of this drain went past). */
  async function deliverBatch(sink: EventSink, afterId = 0): Promise<SinkRound & { lastId?: number }> {
    const claimed = await outbox.claim(sink.name, batchSize, now(), leaseMs, afterId);
    if (!claimed.length) return { sink: sink.name, delivered: 0, failed: 0 };
    const lastId = claimed[claimed.length - 1]!.outboxId;
    try {
      await sink.deliver(claimed.map((c) => c.event));
      await outbox.delivered(
        sink.name,
        claimed.map((c) => c.outboxId),
      );
      return { sink: sink.name, delivered: claimed.length, failed: 0, lastId };
    } catch (error) {
      const accepted = new Set(error instanceof DeliveryFailed ? error.delivered : []);
      const done = claimed.filter((c) => accepted.has(c.event.id));
      const left = claimed.filter((c) => !accepted.has(c.event.id));
      await outbox.delivered(
        sink.name,
        done.map((c) => c.outboxId),
      );
      // A refusal that retrying cannot fix (a bad token) still waits and retries: the user may fix the
      // configuration, and dropping events is the one thing the outbox never does.
      const attempts = Math.max(...left.map((c) => c.attempts)) + 1;
      const wait = Math.max(
        backoff(attempts, retry, random),
        error instanceof DeliveryFailed ? (error.retryAfterMs ?? 0) : 0,
        error instanceof DeliveryFailed && !error.retryable ? retry.maxMs : 0,
      );
      await outbox.failed(
        sink.name,
        left.map((c) => c.outboxId),
        new Date(now().getTime() + wait),
        describe(error),
      );
      return { sink: sink.name, delivered: done.length, failed: left.length, error: describe(error) };
    }
  }

  return {
    deliverBatch: (sink: EventSink) => deliverBatch(sink),
    /**
     * Delivers until every sink has nothing due or failed once this round: the backlog of a sink that works
     * drains in one call, a sink that fails is left for its retry time.
     */
    async drain(): Promise<SinkRound[]> {
      return Promise.all(
        sinks.map(async (sink) => {
          const total: SinkRound = { sink: sink.name, delivered: 0, failed: 0 };
          let afterId = 0;
          for (;;) {
            const round = await deliverBatch(sink, afterId);
            afterId = round.lastId ?? afterId;
            total.delivered += round.delivered;
            total.failed += round.failed;
            if (round.error) total.error = round.error;
            if (round.failed || round.delivered < batchSize) return total;
          }
        }),
      );
    },
  };
}
