// Finishes a scan in one transaction: assembles its staged facts into identities in SQL, writes the versions
// that changed, records the scan and drops its staging rows. Readers see the previous scan until the commit.
// An aspect whose part did not complete is carried forward from the previous version, never emptied, and a
// scan that would remove an unusual share of the inventory removes nothing until the user confirms it.
import { eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import { stagingTables } from '../core/aspects.ts';
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts';
import { assembledRows, type CommitPoint, identifier } from './assemble-sql.ts';
import { type Db, type Executor, rows } from './connect.ts';
import { recordGrantHistory } from './grant-history.ts';
import { rememberSubscriptions } from './integrations.ts';
import { advanceWatch } from './last-use.ts';
import { type ScanChanges, scans } from './schema.ts';
import { applySignInRanges } from './sign-in-ranges.ts';
import { saveTenantReadings } from './tenant-readings.ts';
import type { ScanRecord, ScanResult } from './types.ts';

/** Versions a commit must change before PGlite's statistics are refreshed (PostgreSQL's autovacuum does it there). */
const REANALYZE_AFTER = 1_000;
/** Share of an integration's identities a succeeded scan may remove without confirmation. */
export const DEFAULT_MAX_REMOVAL_SHARE = 0.2;

const STATUSES = new Set(['succeeded', 'partial', 'failed']);
const { seq: _seq, ...recordColumns } = getTableColumns(scans);

export async function commitScan(
  db: Db,
  kind: 'pglite' | 'postgres',
  scanId: number,
  result: ScanResult,
): Promise<ScanRecord> {
  if (!STATUSES.has(result.status)) {
    throw new InvalidInput(`a scan finishes as succeeded, partial or failed, not "${result.status}"`);
  }
  if (!(result.finishedAt instanceof Date) || Number.isNaN(result.finishedAt.getTime())) {
    throw new InvalidInput('a scan needs the time it finished');
  }
  const [scan] = await rows<{ integration_id: string }>(
    db,
    sql`select integration_id from scans where id = ${scanId}`,
  );
  if (!scan) throw new NotFound(`no scan ${scanId}`);
  const integrationId = scan.integration_id;
  return db.transaction(async (tx) => {
    // PostgreSQL: room to sort and hash a large tenant in memory rather than in temporary files. PGlite: its
    // WebAssembly memory grows to the largest sort and never shrinks, so small sorts that spill keep a
    // 100,000-application commit at 460 MB instead of 615 MB, and took no longer (bench/README.md, CLI).
    await tx.execute(kind === 'pglite' ? sql`set local work_mem = '8MB'` : sql`set local work_mem = '64MB'`);
    // Lock the integration first (as deleting it does), then the scan: finishes of one integration commit
    // one after another, so the versions follow commit order.
    await tx.execute(sql`select 1 from integrations where id = ${integrationId} for update`);
    const [locked] = await rows<{ status: string; reason: string | null }>(
      tx,
      sql`select status, reason from scans where id = ${scanId} for update`,
    );
    if (!locked) throw new NotFound(`no scan ${scanId}`);
    // A newer scan can begin only once this one stopped running (single flight), so a scan that finds itself
    // abandoned here is the one that would commit over a newer one.
    if (locked.status === 'failed' && locked.reason?.startsWith('abandoned')) {
      throw new Conflict(
        `scan ${scanId} was recorded as abandoned (${locked.reason}); nothing of it was committed`,
        {
          fix: 'run the scan again; keep the process running it from being suspended past its lease',
        },
      );
    }
    if (locked.status !== 'running') throw new InvalidInput(`scan ${scanId} is already ${locked.status}`);
    let status = result.status;
    let reason = result.reason ?? null;
    let summary = result.summary ?? null;
    let seq: number | null = null;
    let changes: ScanChanges | null = null;
    if (status !== 'failed') {
      const [next] = await rows<{ seq: number }>(
        tx,
        sql`select (coalesce(max(seq), 0) + 1)::int as seq from scans where integration_id = ${integrationId}`,
      );
      seq = next!.seq;
      const at = { scanId, integrationId, seq, parts: result.parts ?? [] };
      // An integration's first inventory compares with nothing: its identities go straight into the versions,
      // without the temporary table a comparison needs (a 100,000-application tenant's worth of jsonb).
      const [previous] = await rows(
        tx,
        sql`select 1 from identity_versions where integration_id = ${integrationId}::uuid and ended_seq is null limit 1`,
      );
      if (!previous) {
        changes = { added: await insertFirstVersions(tx, at), changed: 0, removed: 0 };
      } else {
        changes = await compareAndWrite(tx, at, result, (refused) => {
          status = 'partial';
          reason = refused;
          summary = withWarning(summary, refused);
        });
      }
      // Before the watch moves on: it tells the integration's first reading (a baseline) from the next ones.
      await applySignInRanges(tx, integrationId, result.parts ?? [], result.signIns, result.signInEvents);
      await advanceWatch(tx, integrationId, result.parts ?? [], result.signIns);
      await recordGrantHistory(tx, at);
      await rememberSubscriptions(tx, integrationId, at.parts, result.azureSubscriptions);
      if (result.tenantReadings?.length)
        await saveTenantReadings(tx, integrationId, scanId, result.finishedAt, result.tenantReadings);
    }
    await keepSyncState(tx, integrationId, result, status);
    if (
      kind === 'pglite' &&
      changes &&
      changes.added + changes.changed + changes.removed >= REANALYZE_AFTER
    ) {
      // PGlite runs no autovacuum, so no autoanalyze: without statistics the planner takes a 225,000-row
      // inventory for a few thousand rows and scans it where an index would answer (`identity <id>`: 260 ms
      // instead of 1). The data column needs none: it is never filtered on directly.
      await tx.execute(
        sql`analyze identity_versions (integration_id, object_id, kind, app_id, display_name, ended_seq)`,
      );
    }
    await dropStaging(tx, kind, scanId);
    const [record] = await tx
      .update(scans)
      .set({
        status,
        reason,
        summary,
        finishedAt: result.finishedAt,
        seq,
        changes,
        parts: result.parts ?? null,
        leaseExpiresAt: null,
        ...(result.mode ? { mode: result.mode } : {}),
      })
      .where(eq(scans.id, scanId))
      .returning(recordColumns);
    return record!;
  });
}

/** What was read and what was stored before: the versions that change, end or begin with this scan. */
async function compareAndWrite(
  tx: Executor,
  at: CommitPoint,
  result: ScanResult,
  onRefused: (reason: string) => void,
): Promise<ScanChanges> {
  await tx.execute(sql`
    create temporary table lanyard_assembled (
      object_id text not null, kind text not null, app_id text not null, display_name text not null,
      data jsonb not null, hash text not null
    ) on commit drop`);
  await tx.execute(sql`
    insert into lanyard_assembled (object_id, kind, app_id, display_name, data, hash)
    ${assembledRows(at)}`);
  await tx.execute(sql`analyze lanyard_assembled`);
  // An incremental scan saw only what changed: it may remove only what Graph reported deleted.
  const only = result.mode === 'incremental' ? [...new Set(result.removedObjectIds ?? [])] : null;
  let removals = result.status === 'succeeded' && (only === null || only.length > 0);
  if (removals && !result.removal?.allowMass) {
    const share = result.removal?.maxShare ?? DEFAULT_MAX_REMOVAL_SHARE;
    const refused = await refuseMassRemoval(tx, at.integrationId, share, only);
    if (refused) {
      removals = false;
      onRefused(refused);
    }
  }
  return writeVersions(tx, { ...at, removals, only });
}

/**
 * integrations.sync_state, in the commit's transaction so the links never run ahead of the data: a succeeded scan
 * leaves where the next incremental one resumes; a full scan that did not succeed clears it, since what it kept
 * from before (a part it could not read, removals it held back) would otherwise never be read again; an
 * incremental one that did not succeed, and any failed scan, leave it as it was, so its changes are read again.
 */
async function keepSyncState(
  tx: Executor,
  integrationId: string,
  result: ScanResult,
  status: ScanResult['status'],
): Promise<void> {
  if (status === 'succeeded' && result.syncState) {
    await tx.execute(
      sql`update integrations set sync_state = ${JSON.stringify(result.syncState)}::jsonb where id = ${integrationId}::uuid`,
    );
  } else if (result.mode === 'full' && status !== 'failed') {
    await tx.execute(sql`update integrations set sync_state = null where id = ${integrationId}::uuid`);
  }
}

/** The first inventory of an integration: every identity is a new version. */
async function insertFirstVersions(tx: Executor, at: CommitPoint): Promise<number> {
  return count(
    tx,
    sql`insert into identity_versions
          (integration_id, object_id, kind, app_id, display_name, data, hash, added_scan_id, added_seq)
        select ${at.integrationId}::uuid, a.object_id, a.kind, a.app_id, a.display_name, a.data, a.hash,
          ${at.scanId}::int, ${at.seq}::int
        from (${assembledRows(at)}) a
        returning 1`,
  );
}

/**
 * Why this scan may not remove what it did not see, or null when it may: removing more than `maxShare` of the
 * open identities at once is far likelier a Graph or permission fault than a real clean-up.
 */
async function refuseMassRemoval(
  tx: Executor,
  integrationId: string,
  maxShare: number,
  only: readonly string[] | null,
): Promise<string | null> {
  const [tally] = await rows<{ open: number; gone: number }>(
    tx,
    sql`select count(*)::int as open, count(*) filter (where a.object_id is null and ${removable(only)})::int as gone
        from identity_versions v
        left join lanyard_assembled a on a.object_id = v.object_id
        where v.integration_id = ${integrationId} and v.ended_seq is null`,
  );
  if (!tally || tally.gone === 0 || tally.gone <= tally.open * maxShare) return null;
  const percent = (n: number) => `${Math.round((n / tally.open) * 1000) / 10} %`;
  return (
    `would remove ${tally.gone} of ${tally.open} identities (${percent(tally.gone)}), more than the ` +
    `${Math.round(maxShare * 1000) / 10} % allowed at once: nothing was removed; if they are really gone, ` +
    'scan again with --allow-mass-removal'
  );
}

function withWarning<T>(summary: T, warning: string): T {
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) return summary;
  const object = summary as { warnings?: unknown };
  const warnings = Array.isArray(object.warnings) ? object.warnings : [];
  return { ...object, status: 'partial', reason: warning, warnings: [...warnings, warning] } as T;
}

/**
 * PGlite has no autovacuum: deleted staging rows would leave their space unused and the directory would grow by
 * a tenant's worth of facts per scan. When no other scan is staging, truncating frees it at once. PostgreSQL's
 * autovacuum reclaims the space, and a truncate there would block other integrations' scans.
 */
async function dropStaging(tx: Executor, kind: 'pglite' | 'postgres', scanId: number): Promise<void> {
  if (kind === 'pglite') {
    const [other] = await rows(
      tx,
      sql`select 1 from scans where status = 'running' and id <> ${scanId}::int limit 1`,
    );
    if (!other) {
      await tx.execute(sql`truncate ${sql.join(stagingTables().map(identifier), sql`, `)}`);
      return;
    }
  }
  for (const table of stagingTables()) {
    await tx.execute(sql`delete from ${identifier(table)} where scan_id = ${scanId}::int`);
  }
}

/** Whether an open version `v` may be removed: any (a full scan), or only those Graph reported deleted. */
function removable(only: readonly string[] | null): SQL {
  if (only === null) return sql`true`;
  const ids = JSON.stringify(only.map((id) => id.toLowerCase()));
  return sql`lower(v.object_id) in (select jsonb_array_elements_text(${ids}::jsonb))`;
}

async function writeVersions(
  tx: Executor,
  at: {
    scanId: number;
    integrationId: string;
    seq: number;
    removals: boolean;
    only: readonly string[] | null;
  },
): Promise<ScanChanges> {
  const { scanId, integrationId, seq } = at;
  const changed = await count(
    tx,
    sql`update identity_versions v
        set ended_scan_id = ${scanId}::int, ended_seq = ${seq}::int, end_reason = 'changed'
        from lanyard_assembled a
        where v.integration_id = ${integrationId} and v.ended_seq is null
          and v.object_id = a.object_id and v.hash <> a.hash
        returning 1`,
  );
  // Only a complete (succeeded) scan may say an identity is gone: absence from a partial scan proves nothing.
  const removed = at.removals
    ? await count(
        tx,
        sql`update identity_versions v
            set ended_scan_id = ${scanId}::int, ended_seq = ${seq}::int, end_reason = 'removed'
            where v.integration_id = ${integrationId} and v.ended_seq is null
              and not exists (select 1 from lanyard_assembled a where a.object_id = v.object_id)
              and ${removable(at.only)}
            returning 1`,
      )
    : 0;
  const inserted = await count(
    tx,
    sql`insert into identity_versions
          (integration_id, object_id, kind, app_id, display_name, hash, data, added_scan_id, added_seq)
        select ${integrationId}::uuid, a.object_id, a.kind, a.app_id, a.display_name, a.hash, a.data, ${scanId}::int, ${seq}::int
        from lanyard_assembled a
        where not exists (
          select 1 from identity_versions v
          where v.integration_id = ${integrationId} and v.ended_seq is null and v.object_id = a.object_id
        )
        returning 1`,
  );
  return { added: inserted - changed, changed, removed };
}

async function count(tx: Executor, statement: ReturnType<typeof sql>): Promise<number> {
  const [row] = await rows<{ n: number }>(
    tx,
    sql`with affected as (${statement}) select count(*)::int as n from affected`,
  );
  return row!.n;
}
