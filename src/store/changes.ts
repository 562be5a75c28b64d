// What each scan changed, read from the versions it began and ended (`lanyard changes`): a scan with commit
// point N changed the versions added at N (with the one of the same object ended at N: a change; none: an
// addition) and removed those ended at N as 'removed' (only a succeeded scan removes: commit-scan.ts). Scans and
// their pairs come a page at a time, so memory stays flat whatever the history or the size of a scan.
import { type SQL, sql } from 'drizzle-orm';
import type { Identity } from '../core/inventory.ts';
import { type Db, rows } from './connect.ts';
import type { ScanChanges } from './schema.ts';

export interface ChangeScan {
  id: number;
  /** Commit point in its integration; null for a failed scan, which recorded nothing. */
  seq: number | null;
  status: 'succeeded' | 'partial' | 'failed';
  reason: string | null;
  finishedAt: Date;
  integration: { id: string; name: string; tenantId: string };
  /** The committed scan before it (commit point seq - 1): what it is compared with. Null for the first. */
  previous: { id: number; finishedAt: Date } | null;
  /** What the commit counted: versions added, changed and removed. */
  counts: ScanChanges | null;
}

/** Where a page of scans ended: pass it back for the next. */
export interface ScanCursor {
  /** The database's own text of the time, so a microsecond time is not cut to milliseconds. */
  finishedAt: string;
  id: number;
}

export interface VersionPair {
  objectId: string;
  /** Null when the scan added the identity. */
  before: Identity | null;
  /** Null when the scan removed it. */
  after: Identity | null;
  /** The version did not change, but one of its credentials entered the expiry window: before is after. */
  unchanged?: true;
  /** Changed pairs: the workload's other object (same appId, other kind) at the previous commit and at this one. */
  partner?: { before: Identity | null; after: Identity | null };
}

export interface PairCursor {
  rank: number;
  name: string;
  objectId: string;
}

export interface ChangesReader {
  /** Scans finished at or after `since` (not running ones), oldest first; `next` when there are more. */
  scans(query: {
    since: Date;
    integrationId?: string;
    after?: ScanCursor;
    limit: number;
  }): Promise<{ scans: ChangeScan[]; next?: ScanCursor }>;
  /**
   * The pairs of versions one committed scan began and ended, and, with `expiring`, the unchanged identities
   * whose credentials' end fell into (from, until] (a window only their dates, not a new version, can show).
   */
  pairs(
    scan: { integrationId: string; seq: number },
    query: { after?: PairCursor; limit: number; expiring?: { from: Date; until: Date } },
  ): Promise<{ pairs: VersionPair[]; next?: PairCursor }>;
}

// The Store contract (types.ts) gains the reader here, so that file needs no edit while this one is reviewed.
const MAX_PAGE = 5_000;
const epochMs = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;
/** Pairs come in publisher order (own, microsoft, third-party, unknown), then by name and object id. */
const RANK = sql`case t.publisher when 'own' then 0 when 'microsoft' then 1 when 'third-party' then 2 else 3 end`;
// Graph's dates are ISO 8601; anything else is no date, not an error (as in inventory-filter-sql.ts).
const ENDS = sql`(case when c->>'endDateTime' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}'
  then (c->>'endDateTime')::timestamptz end)`;

function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new RangeError(`a page holds 1 to ${MAX_PAGE} rows, not ${limit}`);
}

export function createChanges(db: Db): ChangesReader {
  return {
    async scans({ since, integrationId, after, limit }) {
      checkLimit(limit);
      const ofIntegration = integrationId ? sql`and s.integration_id = ${integrationId}::uuid` : sql``;
      const from = after
        ? sql`and (s.finished_at, s.id) > (${after.finishedAt}::timestamptz, ${after.id}::int)`
        : sql``;
      const found = await rows<{
        id: number;
        seq: number | null;
        status: ChangeScan['status'];
        reason: string | null;
        finished_ms: number;
        finished_text: string;
        changes: ScanChanges | null;
        integration_id: string;
        name: string;
        tenant_id: string;
        previous_id: number | null;
        previous_ms: number | null;
      }>(
        db,
        sql`select s.id, s.seq, s.status, s.reason, ${epochMs(sql`s.finished_at`)} as finished_ms,
              s.finished_at::text as finished_text, s.changes, i.id as integration_id, i.name, i.tenant_id,
              p.id as previous_id, ${epochMs(sql`p.finished_at`)} as previous_ms
            from scans s
            join integrations i on i.id = s.integration_id
            left join scans p on p.integration_id = s.integration_id and s.seq is not null and p.seq = s.seq - 1
            where s.status <> 'running' and s.finished_at >= ${since.toISOString()}::timestamptz
              ${ofIntegration} ${from}
            order by s.finished_at, s.id
            limit ${limit + 1}`,
      );
      const scans = found.slice(0, limit).map(
        (row): ChangeScan => ({
          id: row.id,
          seq: row.seq,
          status: row.status,
          reason: row.reason,
          finishedAt: new Date(row.finished_ms),
          integration: { id: row.integration_id, name: row.name, tenantId: row.tenant_id },
          previous:
            row.previous_id === null ? null : { id: row.previous_id, finishedAt: new Date(row.previous_ms!) },
          counts: row.changes,
        }),
      );
      const last = found.length > limit ? found[limit - 1] : undefined;
      return last ? { scans, next: { finishedAt: last.finished_text, id: last.id } } : { scans };
    },

    async pairs({ integrationId, seq }, { after, limit, expiring }) {
      checkLimit(limit);
      const versions = sql`identity_versions v where v.integration_id = ${integrationId}::uuid`;
      // Unchanged versions visible at N (added before it, not ended by it) with a credential ending in the window.
      const unchanged = expiring
        ? sql`union all
          select v.object_id, v.kind, v.app_id, v.display_name, v.data->>'publisher', v.data, null, true
          from ${versions} and v.added_seq < ${seq}::int and (v.ended_seq is null or v.ended_seq > ${seq}::int)
            and exists (select 1 from jsonb_array_elements(v.data->'credentials') c
              where ${ENDS} > ${expiring.from.toISOString()}::timestamptz
                and ${ENDS} <= ${expiring.until.toISOString()}::timestamptz)`
        : sql``;
      const from = after
        ? sql`where (t.rank, t.sort_name collate "C", t.object_id collate "C")
                > (${after.rank}::int, ${after.name} collate "C", ${after.objectId} collate "C")`
        : sql``;
      // The workload's other object as a commit point saw it: looked up for the page's changed pairs only.
      const partnerAt = (point: SQL) => sql`(
        select p.data from identity_versions p
        where p.integration_id = ${integrationId}::uuid and p.app_id = o.app_id and p.kind <> o.kind
          and p.added_seq <= ${point} and (p.ended_seq is null or p.ended_seq > ${point})
          and o.before is not null and o.after is not null
        order by p.object_id limit 1)`;
      // PostgreSQL takes the expiry branch's jsonb walk for costly and compiles the query (JIT): ~0.7 s for a
      // query that runs in tens of milliseconds. PGlite accepts the setting and has no JIT anyway.
      const found = await db.transaction(async (tx) => {
        await tx.execute(sql`set local jit = off`);
        return rows<{
          object_id: string;
          rank: number;
          sort_name: string;
          before: Identity | null;
          after: Identity | null;
          unchanged: boolean;
          partner_before: Identity | null;
          partner_after: Identity | null;
        }>(
          tx,
          sql`with touched (object_id, kind, app_id, display_name, publisher, before, after, unchanged) as (
              select coalesce(a.object_id, b.object_id), coalesce(a.kind, b.kind), coalesce(a.app_id, b.app_id),
                coalesce(a.display_name, b.display_name), coalesce(a.data, b.data)->>'publisher',
                b.data, a.data, false
              from (select v.object_id, v.kind, v.app_id, v.display_name, v.data from ${versions}
                    and v.added_seq = ${seq}::int) a
              full join (select v.object_id, v.kind, v.app_id, v.display_name, v.data from ${versions}
                    and v.ended_seq = ${seq}::int) b on a.object_id = b.object_id
              ${unchanged}
            )
            select o.object_id, o.rank, o.sort_name, o.before, o.after, o.unchanged,
              ${partnerAt(sql`${seq - 1}::int`)} as partner_before, ${partnerAt(sql`${seq}::int`)} as partner_after
            from (
              select * from (select t.*, ${RANK} as rank, lower(t.display_name) as sort_name from touched t) t
              ${from}
              order by t.rank, t.sort_name collate "C", t.object_id collate "C"
              limit ${limit + 1}
            ) o
            order by o.rank, o.sort_name collate "C", o.object_id collate "C"`,
        );
      });
      const pairs = found.slice(0, limit).map((row): VersionPair => {
        if (row.unchanged)
          return { objectId: row.object_id, before: row.before, after: row.before, unchanged: true };
        const pair: VersionPair = { objectId: row.object_id, before: row.before, after: row.after };
        if (row.before && row.after) pair.partner = { before: row.partner_before, after: row.partner_after };
        return pair;
      });
      const last = found.length > limit ? found[limit - 1] : undefined;
      return last
        ? { pairs, next: { rank: last.rank, name: last.sort_name, objectId: last.object_id } }
        : { pairs };
    },
  };
}
