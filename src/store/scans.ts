// Scans: begin one, stream its facts into the staging table, list and read the records.
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { asc, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import { sortGrants } from '../core/access.ts';
import {
  type AspectFact,
  type StagingTable,
  stagingTables,
  VERSIONED_ASPECTS,
  type VersionedAspectDeclaration,
  versionedAspects,
} from '../core/aspects.ts';
import { InvalidInput, NotFound, ScanInProgress } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';
import { identifier, unionByKeySql } from './assemble-sql.ts';
import { canonicalIdentity, sortOwners } from './canonical-order.ts';
import { commitScan } from './commit-scan.ts';
import { type Db, type Executor, rows } from './connect.ts';
import { assertFact } from './fact-guard.ts';
import { connectionLost, driverError, pgErrorCode } from './pg-errors.ts';
import { integrations, scans } from './schema.ts';
import type { BeginScanOptions, ScanRecord, ScanResult, ScanWriter, Store } from './types.ts';

/** Facts per upsert: one JSON parameter, so a batch is one round trip whatever its size. */
const STAGE_CHUNK = 2_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Long enough to ride out a slow commit or a stalled event loop; short enough that a crash frees the scan soon. */
export const DEFAULT_LEASE_MS = 60_000;

const { seq: _seq, ...recordColumns } = getTableColumns(scans);

export function createScans(db: Db, kind: Store['kind'], guard: () => void): Store['scans'] {
  return {
    async begin(integrationId: string, startedAt: Date, options: BeginScanOptions = {}): Promise<ScanWriter> {
      guard();
      const [integration] = UUID.test(integrationId)
        ? await db
            .select({ id: integrations.id })
            .from(integrations)
            .where(eq(integrations.id, integrationId))
        : [];
      if (!integration) {
        throw new NotFound(`no integration with id ${integrationId}`, {
          fix: 'see `lanyard integration list`',
        });
      }
      const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
      const holder = options.holder ?? `${hostname()} pid ${process.pid}`;
      await recoverAbandonedScans(db, integrationId);
      let id: number;
      try {
        const [row] = await db
          .insert(scans)
          .values({ integrationId, startedAt, holder, leaseExpiresAt: leaseFromNow(leaseMs) })
          .returning({ id: scans.id });
        id = row!.id;
      } catch (error) {
        if (pgErrorCode(error) === '23505') throw await inProgress(db, integrationId, driverError(error));
        throw error;
      }
      return createWriter(db, kind, id, guard, {
        leaseMs,
        renewEveryMs: options.renewEveryMs ?? leaseMs / 3,
      });
    },
    list: (integrationId?: string) => {
      const query = db.select(recordColumns).from(scans);
      return (integrationId ? query.where(eq(scans.integrationId, integrationId)) : query).orderBy(
        asc(scans.id),
      );
    },
    async get(id: number): Promise<ScanRecord | undefined> {
      if (!Number.isSafeInteger(id) || id <= 0 || id > 2 ** 31 - 1) return undefined;
      const [found] = await db.select(recordColumns).from(scans).where(eq(scans.id, id));
      return found;
    },
  };
}

const leaseFromNow = (ms: number) => sql`now() + make_interval(secs => ${ms / 1000}::double precision)`;

/**
 * Records as failed every running scan of the integration whose lease has expired: its process stopped without
 * finishing (killed, crashed, its machine lost). Its staged facts go with it; nothing of it was committed.
 */
export async function recoverAbandonedScans(db: Executor, integrationId?: string): Promise<number> {
  const which = integrationId ? sql`and integration_id = ${integrationId}::uuid` : sql``;
  const abandoned = await rows<{ id: number }>(
    db,
    sql`update scans set status = 'failed', finished_at = now(), lease_expires_at = null,
          reason = 'abandoned: ' || coalesce(holder, 'the process running it') ||
            ' stopped renewing its lease at ' || to_char(lease_expires_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC'
        where status = 'running' and lease_expires_at < now() ${which}
        returning id`,
  );
  for (const { id } of abandoned) {
    for (const table of stagingTables()) {
      await db.execute(sql`delete from ${identifier(table)} where scan_id = ${id}::int`);
    }
  }
  return abandoned.length;
}

async function inProgress(db: Db, integrationId: string, cause: Error): Promise<ScanInProgress> {
  const [running] = await rows<{ id: number; holder: string | null; started_at: Date | string }>(
    db,
    sql`select id, holder, started_at from scans where integration_id = ${integrationId}::uuid and status = 'running'`,
  );
  // The running scan may have finished between the insert and this read: the caller can simply ask again.
  const scanId = running?.id ?? 0;
  const since = running ? new Date(running.started_at).toISOString() : 'a moment ago';
  return new ScanInProgress(
    `scan ${scanId} of this integration is already running (since ${since}, ${running?.holder ?? 'another process'})`,
    { scanId, cause, fix: 'wait for it to finish; one scan of an integration runs at a time' },
  );
}

function createWriter(
  db: Db,
  kind: Store['kind'],
  id: number,
  guard: () => void,
  { leaseMs, renewEveryMs }: { leaseMs: number; renewEveryMs: number },
): ScanWriter {
  let finished = false;
  let lost = false;
  // Renewed in the background; a renewal that finds the scan no longer running means another process recorded it
  // as abandoned, and this writer must not write on.
  const renew = () => {
    rows(
      db,
      sql`update scans set lease_expires_at = ${leaseFromNow(leaseMs)}
          where id = ${id}::int and status = 'running' returning id`,
    ).then(
      (renewed) => {
        if (renewed.length === 0 && !finished) lost = true;
      },
      () => {}, // a dropped connection: the next renewal tries again, well within the lease
    );
  };
  const renewal = renewEveryMs > 0 ? setInterval(renew, renewEveryMs) : undefined;
  renewal?.unref();
  const open = () => {
    guard();
    if (finished) throw new InvalidInput(`scan ${id} is already finished`);
    if (lost) {
      throw new InvalidInput(`scan ${id} lost its lease: another process recorded it as abandoned`, {
        fix: 'run the scan again',
      });
    }
  };
  return {
    id,
    async stage(facts: IdentityFact[]): Promise<void> {
      open();
      for (const fact of facts) assertFact(fact);
      for (let start = 0; start < facts.length; start += STAGE_CHUNK) {
        const merged = mergeFacts(facts.slice(start, start + STAGE_CHUNK));
        try {
          for (const [table, staged] of merged) await upsertStaged(db, id, table, staged);
        } catch (error) {
          if (pgErrorCode(error) === '23503') {
            throw new NotFound(`scan ${id} no longer exists: its integration was deleted`, {
              cause: driverError(error),
            });
          }
          throw new Error(`staging facts of scan ${id} failed: ${driverError(error).message}`, {
            cause: driverError(error),
          });
        }
      }
    },
    async finish(result: ScanResult): Promise<ScanRecord> {
      open();
      clearInterval(renewal);
      const record = await commitRetrying(db, kind, id, result);
      finished = true;
      return record;
    },
  };
}

/** How long a commit keeps trying while PostgreSQL is away: a restart or a failover takes seconds. */
const COMMIT_RETRY_MS = 30_000;

/**
 * Commits, trying again while the connection to PostgreSQL is lost (a server restarted or failed over under the
 * scan; test/reliability/postgres-restart.test.ts). Without this, the scan whose staging the restart cut was left
 * `running` until its lease ran out, its failure unrecorded and its reason lost, and every caller asking for a
 * scan of the integration meanwhile waited on it. The commit is one transaction, so a retry never applies half of
 * it; one whose answer alone was lost is found committed and not made twice. Still away after COMMIT_RETRY_MS:
 * the error stands, and the lease records the scan abandoned.
 */
async function commitRetrying(
  db: Db,
  kind: Store['kind'],
  id: number,
  result: ScanResult,
): Promise<ScanRecord> {
  const deadline = Date.now() + COMMIT_RETRY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      if (attempt > 0) {
        const [done] = await db.select(recordColumns).from(scans).where(eq(scans.id, id));
        if (done && done.status !== 'running' && !done.reason?.startsWith('abandoned')) return done;
      }
      return await commitScan(db, kind, id, result);
    } catch (error) {
      if (kind !== 'postgres' || !connectionLost(error) || Date.now() >= deadline) throw error;
    }
    await delay(Math.min(250 * 2 ** attempt, 2_000));
  }
}

/** One staging row: the object and, by column name, what this chunk's facts set; absent columns keep their value. */
type StagedRow = { object_id: string } & Record<string, unknown>;

/**
 * Folds a chunk's facts into one row per object and staging table, each aspect merged by its declaration's rule
 * (aspects.ts), the later fact winning as it would across chunks: an upsert may touch each row once per statement.
 */
function mergeFacts(facts: readonly IdentityFact[]): Map<StagingTable, StagedRow[]> {
  const tables = new Map<StagingTable, Map<string, StagedRow>>();
  const row = (table: StagingTable, objectId: string): StagedRow => {
    let rowsOfTable = tables.get(table);
    if (!rowsOfTable) {
      rowsOfTable = new Map();
      tables.set(table, rowsOfTable);
    }
    const found = rowsOfTable.get(objectId);
    if (found) return found;
    const created: StagedRow = { object_id: objectId };
    rowsOfTable.set(objectId, created);
    return created;
  };
  for (const fact of facts) {
    if (fact.aspect === 'identity') {
      row('scan_objects', fact.identity.objectId)[IDENTITY_COLUMN] = canonicalIdentity(fact.identity);
      continue;
    }
    const aspect = VERSIONED_ASPECTS[fact.aspect];
    const { table, column } = aspect.staging;
    const target = row(table, fact.objectId);
    const items = canonicalItems(fact);
    target[column] =
      aspect.merge === 'replace'
        ? items
        : latestByKey(aspect.key, [...((target[column] as readonly unknown[] | undefined) ?? []), ...items]);
  }
  return new Map([...tables].map(([table, byObject]) => [table, [...byObject.values()]]));
}

/** Where the listing itself is staged: the object's row, beside the aspects staged there. */
const IDENTITY_COLUMN = 'identity';

/**
 * A fact's list in the order the store keeps it, so equal content is equal jsonb (canonical-order.ts). Written
 * per aspect: the order is the store's, not the declaration's. Merged lists are sorted when merged in SQL.
 */
function canonicalItems(fact: AspectFact): readonly unknown[] {
  switch (fact.aspect) {
    case 'owners':
      return sortOwners(fact.owners);
    case 'federated':
      return fact.credentials;
    case 'access':
      return sortGrants(fact.grants);
  }
}

/** One entry per key, the last one given winning. */
function latestByKey(key: readonly string[], entries: readonly unknown[]): unknown[] {
  const keyOf = (entry: unknown) =>
    key.map((property) => String((entry as Record<string, unknown>)[property])).join('\u0000');
  return [...new Map(entries.map((entry) => [keyOf(entry), entry])).values()];
}

/**
 * Upserts one chunk's rows of a staging table as one JSON parameter, merging each column with what earlier
 * chunks staged by the rule of the aspect staged in it.
 */
async function upsertStaged(
  db: Executor,
  scanId: number,
  table: StagingTable,
  staged: readonly StagedRow[],
): Promise<void> {
  const aspects = versionedAspects().filter((aspect) => aspect.staging.table === table);
  const columns = [
    ...(table === 'scan_objects' ? [{ column: IDENTITY_COLUMN, merged: latestValue(IDENTITY_COLUMN) }] : []),
    ...aspects.map((aspect) => ({ column: aspect.staging.column, merged: mergedStaging(aspect) })),
  ];
  await db.execute(sql`
    insert into ${identifier(table)} as s (scan_id, object_id, ${sql.join(
      columns.map(({ column }) => identifier(column)),
      sql`, `,
    )})
    select ${scanId}::int, f->>'object_id', ${sql.join(
      columns.map(({ column }) => sql`f->'${identifier(column)}'`),
      sql`, `,
    )}
    from jsonb_array_elements(${JSON.stringify(staged)}::jsonb) f
    on conflict (scan_id, object_id) do update set
      ${sql.join(
        columns.map(({ column, merged }) => sql`${identifier(column)} = ${merged}`),
        sql`,\n      `,
      )}`);
}

/** The value a staged column takes when a later chunk brings one. */
function mergedStaging(aspect: VersionedAspectDeclaration): SQL {
  const column = aspect.staging.column;
  if (aspect.merge === 'replace') return latestValue(column);
  const earlier = sql`s.${identifier(column)}`;
  const later = sql`excluded.${identifier(column)}`;
  return sql`case
        when ${later} is null then ${earlier}
        when ${earlier} is null then ${later}
        else ${unionByKeySql(aspect, earlier, later)}
      end`;
}

const latestValue = (column: string): SQL =>
  sql`coalesce(excluded.${identifier(column)}, s.${identifier(column)})`;
