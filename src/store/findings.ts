// Findings as the store keeps them (schema.ts `findings`, `suppressions`, `check_evaluations`): an evaluation
// opens, keeps or reopens what failed and resolves what no longer fails, but leaves alone what a check could not
// judge, so a scan that missed owners does not "resolve" an ownerless finding.
import { sql } from 'drizzle-orm';
import type { Severity } from '../core/checks/check.ts';
import type { Evaluation, Finding } from '../core/checks/evaluate.ts';
import type { LanyardEvent } from '../core/events.ts';
import type { IdentityKind } from '../core/inventory.ts';
import { type Db, rows } from './connect.ts';
import { createOutbox } from './outbox.ts';
import type { FindingState } from './schema.ts';

/** Rows per upsert: one JSON parameter, one round trip. */
const CHUNK = 2_000;

/** A finding as stored: what the evaluation found (evaluate.ts Finding), with its state and history. */
export interface FindingRecord extends Finding {
  id: number;
  integrationId: string;
  state: FindingState;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  /** The suppression in force for it, if any. */
  suppression: SuppressionRecord | null;
}

export interface SuppressionRecord {
  id: number;
  integrationId: string;
  checkId: string;
  objectId: string | null;
  keyId: string | null;
  reason: string;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  liftedAt: string | null;
  liftedBy: string | null;
}

export interface NewSuppression {
  integrationId: string;
  checkId: string;
  objectId: string | null;
  keyId: string | null;
  reason: string;
  expiresAt: Date;
  createdBy: string;
}

export interface FindingsQuery {
  integrationId?: string;
  /** Default open only. */
  states?: FindingState[];
  /** When suppressions are judged in force (default now). */
  now?: Date;
}

/** What one evaluation changed: findings that became open (new or again) and those it resolved. */
export interface Reconciled {
  opened: FindingRecord[];
  resolved: FindingRecord[];
}

export interface CheckTallyRecord {
  integrationId: string;
  checkId: string;
  scanId: number | null;
  evaluatedAt: string;
  passed: number;
  failed: number;
  unknown: number;
  notApplicable: number;
  unknownReasons: { reason: string; count: number }[];
}

/** Events to record with what they report, in the same transaction: none is lost, none is sent for nothing. */
export interface EventsOf {
  sinks: readonly string[];
  of(reconciled: Reconciled): LanyardEvent[];
}

export interface FindingsStore {
  /** Applies an evaluation of every identity of the integration (its latest inventory) in one transaction. */
  reconcile(
    integrationId: string,
    scanId: number | null,
    evaluation: Evaluation,
    evaluatedAt: Date,
    events?: EventsOf,
  ): Promise<Reconciled>;
  list(query?: FindingsQuery): Promise<FindingRecord[]>;
  tallies(integrationId?: string): Promise<CheckTallyRecord[]>;
  suppress(suppression: NewSuppression): Promise<SuppressionRecord>;
  /** Lifts an active suppression; false when none by that id is in force. */
  lift(id: number, by: string, at: Date): Promise<boolean>;
  suppressions(integrationId?: string): Promise<SuppressionRecord[]>;
}

const iso = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

interface SuppressionRow {
  id: number;
  integration_id: string;
  check_id: string;
  object_id: string | null;
  key_id: string | null;
  reason: string;
  expires_at: Date | string;
  created_by: string;
  created_at: Date | string;
  lifted_at: Date | string | null;
  lifted_by: string | null;
}

function suppressionOf(row: SuppressionRow): SuppressionRecord {
  return {
    id: Number(row.id),
    integrationId: row.integration_id,
    checkId: row.check_id,
    objectId: row.object_id,
    keyId: row.key_id,
    reason: row.reason,
    expiresAt: iso(row.expires_at)!,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    liftedAt: iso(row.lifted_at),
    liftedBy: row.lifted_by,
  };
}

interface FindingRow {
  id: number | string;
  integration_id: string;
  check_id: string;
  object_id: string;
  kind: IdentityKind;
  app_id: string;
  display_name: string;
  key_id: string;
  severity: Severity;
  message: string;
  state: FindingState;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
  resolved_at: Date | string | null;
}

const findingOf = (row: FindingRow, suppression: SuppressionRecord | null = null): FindingRecord => ({
  id: Number(row.id),
  integrationId: row.integration_id,
  checkId: row.check_id,
  objectId: row.object_id,
  kind: row.kind,
  appId: row.app_id,
  displayName: row.display_name,
  keyId: row.key_id,
  severity: row.severity,
  message: row.message,
  state: row.state,
  firstSeenAt: iso(row.first_seen_at)!,
  lastSeenAt: iso(row.last_seen_at)!,
  resolvedAt: iso(row.resolved_at),
  suppression,
});

/** Whether the suppression covers the finding: its check, and its identity and credential unless left open. */
export function suppresses(
  suppression: SuppressionRecord,
  finding: Pick<FindingRecord, 'integrationId' | 'checkId' | 'objectId' | 'keyId'>,
  now: Date,
): boolean {
  return (
    suppression.liftedAt === null &&
    Date.parse(suppression.expiresAt) > now.getTime() &&
    suppression.integrationId === finding.integrationId &&
    suppression.checkId === finding.checkId &&
    (suppression.objectId === null || suppression.objectId === finding.objectId) &&
    (suppression.keyId === null || suppression.keyId === finding.keyId)
  );
}

export function createFindings(db: Db, guard: () => void): FindingsStore {
  const suppressionsOf = async (integrationId?: string) =>
    (
      await rows<SuppressionRow>(
        db,
        sql`select * from suppressions
            ${integrationId ? sql`where integration_id = ${integrationId}::uuid` : sql``}
            order by id`,
      )
    ).map(suppressionOf);

  return {
    async reconcile(integrationId, scanId, evaluation, evaluatedAt, events) {
      guard();
      const at = evaluatedAt.toISOString();
      return db.transaction(async (tx) => {
        const opened: FindingRow[] = [];
        for (let start = 0; start < evaluation.findings.length; start += CHUNK) {
          const chunk = evaluation.findings.slice(start, start + CHUNK).map((f) => ({
            c: f.checkId,
            o: f.objectId,
            t: f.kind,
            k: f.keyId,
            a: f.appId,
            n: f.displayName,
            s: f.severity,
            m: f.message,
          }));
          // `xmax = 0` tells an insert from an update; an update that reopens a resolved finding counts too.
          const upserted = await rows<FindingRow & { reopened: boolean; inserted: boolean }>(
            tx,
            sql`with upserted as (
                  insert into findings as f (integration_id, check_id, object_id, kind, key_id, app_id, display_name,
                    severity, message, state, first_seen_at, last_seen_at, last_scan_id)
                  select ${integrationId}::uuid, x->>'c', x->>'o', x->>'t', x->>'k', x->>'a', x->>'n', x->>'s', x->>'m',
                    'open', ${at}::timestamptz, ${at}::timestamptz, ${scanId}
                  from jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) x
                  on conflict (integration_id, check_id, object_id, key_id) do update set
                    kind = excluded.kind, app_id = excluded.app_id, display_name = excluded.display_name, severity = excluded.severity,
                    message = excluded.message, state = 'open', last_seen_at = excluded.last_seen_at,
                    last_scan_id = excluded.last_scan_id, resolved_at = null,
                    first_seen_at = case when f.state = 'resolved' then excluded.first_seen_at else f.first_seen_at end
                  returning f.*, (xmax = 0) as inserted,
                    (select state from findings p where p.id = f.id) = 'resolved' as reopened
                )
                select * from upserted where inserted or reopened`,
          );
          opened.push(...upserted);
        }
        const resolved = await rows<FindingRow>(
          tx,
          sql`update findings set state = 'resolved', resolved_at = ${at}::timestamptz
              where integration_id = ${integrationId}::uuid and state = 'open'
                and last_seen_at < ${at}::timestamptz
                and (check_id || ' ' || object_id) not in
                  (select jsonb_array_elements_text(${JSON.stringify(evaluation.unknownSubjects)}::jsonb))
              returning *`,
        );
        for (const tally of evaluation.tallies) {
          await tx.execute(sql`
            insert into check_evaluations (integration_id, check_id, scan_id, evaluated_at, passed, failed,
              unknown, not_applicable, unknown_reasons)
            values (${integrationId}::uuid, ${tally.checkId}, ${scanId}, ${at}::timestamptz, ${tally.passed},
              ${tally.failed}, ${tally.unknown}, ${tally.notApplicable}, ${JSON.stringify(tally.unknownReasons)}::jsonb)
            on conflict (integration_id, check_id) do update set scan_id = excluded.scan_id,
              evaluated_at = excluded.evaluated_at, passed = excluded.passed, failed = excluded.failed,
              unknown = excluded.unknown, not_applicable = excluded.not_applicable,
              unknown_reasons = excluded.unknown_reasons`);
        }
        const reconciled = {
          opened: opened.map((row) => findingOf(row)),
          resolved: resolved.map((row) => findingOf(row)),
        };
        if (events) await createOutbox(tx, guard).enqueue(events.of(reconciled), events.sinks);
        return reconciled;
      });
    },

    async list(query = {}) {
      const states = query.states ?? ['open'];
      const [found, suppressions] = await Promise.all([
        rows<FindingRow>(
          db,
          sql`select * from findings
              where state in (select jsonb_array_elements_text(${JSON.stringify(states)}::jsonb))
              ${query.integrationId ? sql`and integration_id = ${query.integrationId}::uuid` : sql``}
              order by id`,
        ),
        suppressionsOf(query.integrationId),
      ]);
      const clock = query.now ?? new Date();
      return found.map((row) => {
        const finding = findingOf(row);
        return { ...finding, suppression: suppressions.find((s) => suppresses(s, finding, clock)) ?? null };
      });
    },

    async tallies(integrationId) {
      const found = await rows<{
        integration_id: string;
        check_id: string;
        scan_id: number | null;
        evaluated_at: Date | string;
        passed: number;
        failed: number;
        unknown: number;
        not_applicable: number;
        unknown_reasons: { reason: string; count: number }[];
      }>(
        db,
        sql`select * from check_evaluations
            ${integrationId ? sql`where integration_id = ${integrationId}::uuid` : sql``}
            order by check_id, integration_id`,
      );
      return found.map((row) => ({
        integrationId: row.integration_id,
        checkId: row.check_id,
        scanId: row.scan_id,
        evaluatedAt: iso(row.evaluated_at)!,
        passed: row.passed,
        failed: row.failed,
        unknown: row.unknown,
        notApplicable: row.not_applicable,
        unknownReasons: row.unknown_reasons,
      }));
    },

    async suppress(s) {
      guard();
      const [row] = await rows<SuppressionRow>(
        db,
        sql`insert into suppressions (integration_id, check_id, object_id, key_id, reason, expires_at, created_by)
            values (${s.integrationId}::uuid, ${s.checkId}, ${s.objectId}, ${s.keyId}, ${s.reason},
              ${s.expiresAt.toISOString()}::timestamptz, ${s.createdBy})
            returning *`,
      );
      return suppressionOf(row!);
    },

    async lift(id, by, at) {
      guard();
      const lifted = await rows<{ id: number }>(
        db,
        sql`update suppressions set lifted_at = ${at.toISOString()}::timestamptz, lifted_by = ${by}
            where id = ${id} and lifted_at is null returning id`,
      );
      return lifted.length > 0;
    },

    suppressions: suppressionsOf,
  };
}
