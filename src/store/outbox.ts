// The event outbox (schema.ts `outbox_events`, `outbox_pending`): events are written with one pending row per
// sink, in the caller's transaction; a relay claims due rows for a lease, delivers them, and deletes them once the
// sink accepted. A relay that dies mid-delivery leaves its claim to expire, so the events go again (at least once,
// with the same event id). New events are due at once, whatever the relay's clock says.
import { sql } from 'drizzle-orm';
import type { LanyardEvent } from '../core/events.ts';
import { type Executor, rows } from './connect.ts';

const CHUNK = 2_000;

export interface ClaimedEvent {
  outboxId: number;
  attempts: number;
  event: LanyardEvent;
}

export interface OutboxBacklog {
  sink: string;
  pending: number;
  /** The oldest pending event's time, null when none. */
  oldest: string | null;
  /** Rows that failed at least once, with the last error. */
  failing: number;
  lastError: string | null;
}

export interface OutboxStore {
  /** Records events for these sinks; an event id already recorded is skipped (a retried write adds nothing). */
  enqueue(events: readonly LanyardEvent[], sinks: readonly string[], executor?: Executor): Promise<number>;
  /**
   * Claims up to `limit` due events of a sink for `leaseMs`, oldest first; none while a failed batch of the sink
   * waits for its retry, so a sink that is down is not hammered with newer events and receives them in order.
   * `afterId` skips what the caller already went past (the rows it deleted stay in the index until vacuumed, and
   * a long backlog would otherwise be walked from its start on every claim); its own batch in flight up to there,
   * a retried one leased like a failed one waiting, does not hold the next claim back.
   */
  claim(sink: string, limit: number, now: Date, leaseMs: number, afterId?: number): Promise<ClaimedEvent[]>;
  /** The sink accepted them: nothing left to do. */
  delivered(sink: string, outboxIds: readonly number[]): Promise<void>;
  /** Claimed but not sent (the batch before them failed): due again at once, attempts unchanged. */
  release(sink: string, outboxIds: readonly number[]): Promise<void>;
  /** The sink refused or failed: try again at `retryAt`, keeping why. */
  failed(sink: string, outboxIds: readonly number[], retryAt: Date, error: string): Promise<void>;
  backlog(): Promise<OutboxBacklog[]>;
  /** Deletes events every sink has received that occurred before `before`; how many. */
  prune(before: Date): Promise<number>;
  /** Of these event ids, those already recorded. */
  recorded(eventIds: readonly string[]): Promise<Set<string>>;
  /** Makes the sinks' failed events due now (a user asked to deliver now, not at the next retry time). */
  retryNow(sinks: readonly string[], now: Date): Promise<void>;
}

export function createOutbox(db: Executor, guard: () => void): OutboxStore {
  return {
    async enqueue(events, sinks, executor = db) {
      guard();
      let added = 0;
      for (let start = 0; start < events.length; start += CHUNK) {
        const chunk = events.slice(start, start + CHUNK);
        const inserted = await rows<{ n: number }>(
          executor,
          sql`with added as (
                insert into outbox_events (event_id, type, occurred_at, event)
                select (e->>'id')::uuid, e->>'type', (e->>'time')::timestamptz, e
                from jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) e
                on conflict (event_id) do nothing
                returning id
              ), pending as (
                insert into outbox_pending (sink, outbox_id, next_attempt_at)
                select s, added.id, to_timestamp(0) from added
                cross join jsonb_array_elements_text(${JSON.stringify(sinks)}::jsonb) s
              )
              select count(*)::int as n from added`,
        );
        added += inserted[0]?.n ?? 0;
      }
      return added;
    },

    async claim(sink, limit, now, leaseMs, afterId = 0) {
      guard();
      const leaseEnd = new Date(now.getTime() + leaseMs).toISOString();
      // Claimed by moving next_attempt_at past the lease: another relay skips them until it ends.
      const claimed = await rows<{ outbox_id: number | string; attempts: number; event: LanyardEvent }>(
        db,
        sql`with due as (
              select sink, outbox_id from outbox_pending
              where sink = ${sink} and outbox_id > ${afterId}
                and next_attempt_at <= ${now.toISOString()}::timestamptz
                and not exists (select 1 from outbox_pending w where w.sink = ${sink} and w.attempts > 0
                  and w.outbox_id > ${afterId} and w.next_attempt_at > ${now.toISOString()}::timestamptz)
              order by outbox_id limit ${limit}
              for update skip locked
            ), claimed as (
              update outbox_pending p set next_attempt_at = ${leaseEnd}::timestamptz
              from due where p.sink = due.sink and p.outbox_id = due.outbox_id
              returning p.outbox_id, p.attempts
            )
            select c.outbox_id, c.attempts, e.event from claimed c
            join outbox_events e on e.id = c.outbox_id
            order by c.outbox_id`,
      );
      return claimed.map((row) => ({
        outboxId: Number(row.outbox_id),
        attempts: row.attempts,
        event: row.event,
      }));
    },

    async delivered(sink, outboxIds) {
      guard();
      if (!outboxIds.length) return;
      await db.execute(sql`
        delete from outbox_pending where sink = ${sink}
          and outbox_id in (select jsonb_array_elements_text(${JSON.stringify(outboxIds)}::jsonb)::bigint)`);
    },

    async release(sink, outboxIds) {
      guard();
      if (!outboxIds.length) return;
      await db.execute(sql`
        update outbox_pending set next_attempt_at = to_timestamp(0)
        where sink = ${sink}
          and outbox_id in (select jsonb_array_elements_text(${JSON.stringify(outboxIds)}::jsonb)::bigint)`);
    },

    async failed(sink, outboxIds, retryAt, error) {
      guard();
      if (!outboxIds.length) return;
      await db.execute(sql`
        update outbox_pending set attempts = attempts + 1, next_attempt_at = ${retryAt.toISOString()}::timestamptz,
          last_error = ${error.slice(0, 500)}
        where sink = ${sink}
          and outbox_id in (select jsonb_array_elements_text(${JSON.stringify(outboxIds)}::jsonb)::bigint)`);
    },

    async prune(before) {
      guard();
      const deleted = await rows<{ n: number }>(
        db,
        sql`with gone as (
              delete from outbox_events e where e.occurred_at < ${before.toISOString()}::timestamptz
                and not exists (select 1 from outbox_pending p where p.outbox_id = e.id)
              returning 1
            )
            select count(*)::int as n from gone`,
      );
      return deleted[0]?.n ?? 0;
    },

    async recorded(eventIds) {
      if (!eventIds.length) return new Set();
      const found = await rows<{ event_id: string }>(
        db,
        sql`select event_id::text from outbox_events
            where event_id in (select jsonb_array_elements_text(${JSON.stringify(eventIds)}::jsonb)::uuid)`,
      );
      return new Set(found.map((row) => row.event_id));
    },

    async retryNow(sinks, now) {
      guard();
      await db.execute(sql`
        update outbox_pending set next_attempt_at = ${now.toISOString()}::timestamptz
        where attempts > 0 and sink in (select jsonb_array_elements_text(${JSON.stringify(sinks)}::jsonb))`);
    },

    async backlog() {
      const found = await rows<{
        sink: string;
        pending: number;
        oldest: Date | string | null;
        failing: number;
        last_error: string | null;
      }>(
        db,
        sql`select p.sink, count(*)::int as pending, min(e.occurred_at) as oldest,
              count(*) filter (where p.attempts > 0)::int as failing,
              (array_agg(p.last_error order by p.outbox_id desc) filter (where p.last_error is not null))[1] as last_error
            from outbox_pending p join outbox_events e on e.id = p.outbox_id
            group by p.sink order by p.sink`,
      );
      return found.map((row) => ({
        sink: row.sink,
        pending: row.pending,
        oldest: row.oldest === null ? null : new Date(row.oldest).toISOString(),
        failing: row.failing,
        lastError: row.last_error,
      }));
    },
  };
}
