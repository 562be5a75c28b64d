// Moves events from the outbox to the sinks: per sink, claims a batch of due events, delivers it, and either
// deletes them (accepted) or schedules them again with backoff (failed). A sink that is down only delays its
// own events; the others keep flowing. Nothing is removed before the sink accepted it.
import { backoff, DeliveryFailed, type EventSink } from '../deliver/sink.ts';
import type { ClaimedEvent, OutboxStore } from '../store/outbox.ts';

export interface RelayDeps {
  outbox: Pick<OutboxStore, 'claim' | 'delivered' | 'failed' | 'release'>;
  sinks: readonly EventSink[];
  now: () => Date;
  /** Events claimed and delivered at once (default 1,000: about 1 MB; a sink splits what its receiver takes in one request). */
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

/**
 * A promise awaited later, after other awaits: marked handled now, so a rejection meanwhile is not an
 * unhandled one (which ends the process); awaiting it still throws.
 */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

export function createOutboxRelay({
  outbox,
  sinks,
  now,
  batchSize = 1_000,
  leaseMs = 60_000,
  retry = { baseMs: 1_000, maxMs: 300_000 },
  random = Math.random,
}: RelayDeps) {
  /**
   * A batch the sink refused or failed: what it accepted of it goes, the rest waits with backoff (the longer
   * of the sink's Retry-After and ours; a refusal that will not pass waits the longest).
   */
  async function settleFailure(sink: EventSink, claimed: readonly ClaimedEvent[], error: unknown) {
    const accepted = new Set(error instanceof DeliveryFailed ? error.delivered : []);
    const done = claimed.filter((c) => accepted.has(c.event.id));
    const left = claimed.filter((c) => !accepted.has(c.event.id));
    await outbox.delivered(
      sink.name,
      done.map((c) => c.outboxId),
    );
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
    return { delivered: done.length, failed: left.length, error: describe(error) };
  }

  /**
   * Delivers one sink's due events batch after batch until none is left or one fails. The next batch is
   * claimed while the current one travels, and the current one's rows are deleted while the next travels: the
   * sink still receives them one batch after another, in order, but the database work hides behind the network.
   */
  async function drainSink(sink: EventSink): Promise<SinkRound> {
    const total: SinkRound = { sink: sink.name, delivered: 0, failed: 0 };
    const claim = (afterId: number) => observed(outbox.claim(sink.name, batchSize, now(), leaseMs, afterId));
    let next = claim(0);
    let recording: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const claimed = await next;
        if (!claimed.length) return total;
        const full = claimed.length === batchSize;
        next = full ? claim(claimed[claimed.length - 1]!.outboxId) : Promise.resolve([]);
        try {
          await sink.deliver(claimed.map((c) => c.event));
        } catch (error) {
          await recording;
          const settled = await settleFailure(sink, claimed, error);
          total.delivered += settled.delivered;
          total.failed += settled.failed;
          total.error = settled.error;
          // The batch claimed behind it goes back, due at once: the failed batch, waiting for its retry,
          // keeps any relay from taking it first (claim), so the order holds.
          const behind = await next;
          next = Promise.resolve([]);
          await outbox.release(
            sink.name,
            behind.map((c) => c.outboxId),
          );
          return total;
        }
        await recording;
        recording = observed(
          outbox.delivered(
            sink.name,
            claimed.map((c) => c.outboxId),
          ),
        );
        total.delivered += claimed.length;
        if (!full) return total;
      }
    } finally {
      // Whatever ended the loop, no write is left running behind it.
      await Promise.allSettled([recording, next]);
      await recording;
    }
  }

  return {
    /**
     * Delivers until every sink has nothing due or failed once this round: the backlog of a sink that works
     * drains in one call, a sink that fails is left for its retry time.
     */
    drain: (): Promise<SinkRound[]> => Promise.all(sinks.map(drainSink)),
  };
}
