// Finishes a scan in one transaction: assembles its staged facts into identities in SQL, writes the versions
// that changed, records the scan and drops its staging rows. Readers see the previous scan until the commit.
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { InvalidInput, NotFound } from '../core/errors.ts';
import { type Db, type Executor, rows } from './connect.ts';
import { type ScanChanges, scans } from './schema.ts';
import type { ScanRecord, ScanResult } from './types.ts';

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
    // Room to sort and hash a large tenant in memory rather than in temporary files.
    await tx.execute(sql`set local work_mem = '64MB'`);
    // Lock the integration first (as deleting it does), then the scan: finishes of one integration commit
    // one after another, so the versions follow commit order.
    await tx.execute(sql`select 1 from integrations where id = ${integrationId} for update`);
    const [locked] = await rows<{ status: string }>(
      tx,
      sql`select status from scans where id = ${scanId} for update`,
    );
    if (!locked) throw new NotFound(`no scan ${scanId}`);
    if (locked.status !== 'running') throw new InvalidInput(`scan ${scanId} is already ${locked.status}`);
    let seq: number | null = null;
    let changes: ScanChanges | null = null;
    if (result.status !== 'failed') {
      const [next] = await rows<{ seq: number }>(
        tx,
        sql`select (coalesce(max(seq), 0) + 1)::int as seq from scans where integration_id = ${integrationId}`,
      );
      seq = next!.seq;
      await assemble(tx, scanId);
      changes = await writeVersions(tx, {
        scanId,
        integrationId,
        seq,
        removals: result.status === 'succeeded',
      });
    }
    await dropStaging(tx, kind, scanId);
    const [record] = await tx
      .update(scans)
      .set({
        status: result.status,
        reason: result.reason ?? null,
        summary: result.summary ?? null,
        finishedAt: result.finishedAt,
        seq,
        changes,
      })
      .where(eq(scans.id, scanId))
      .returning(recordColumns);
    return record!;
  });
}

/**
 * Builds one identity per object into a temporary table: the latest identity fact, its owners replaced by the
 * latest owners fact (when one arrived), federated credentials appended. Staging sorted each fact's arrays
 * (see canonical-order.ts); merged credentials are sorted here the same way, by (type, keyId) in byte order.
 * Each step is computed once per row (materialized), since jsonb work dominates the cost at 100,000 identities.
 */
async function assemble(tx: Executor, scanId: number): Promise<void> {
  await tx.execute(sql`
    create temporary table lanyard_assembled (
      object_id text not null, kind text not null, app_id text not null, display_name text not null,
      data jsonb not null, hash text not null
    ) on commit drop`);
  await tx.execute(sql`
    with latest as materialized (
      select object_id,
        max(id) filter (where aspect = 'identity') as identity_id,
        max(id) filter (where aspect = 'owners') as owners_id,
        bool_or(aspect = 'federated') as federated
      from scan_facts where scan_id = ${scanId}::int
      group by object_id
    ),
    merged as materialized (
      select x.object_id,
        jsonb_agg(x.e order by x.e->>'type' collate "C", x.e->>'keyId' collate "C", x.e->>'location' collate "C")
          as credentials
      from (
        -- The latest fact about a credential wins: federated facts over the listing, later over earlier.
        select distinct on (c.object_id, c.e->>'type', c.e->>'location', c.e->>'keyId') c.object_id, c.e
        from (
          select l.object_id, e, 0::bigint as prio
          from latest l
          join scan_facts i on i.id = l.identity_id
          cross join lateral jsonb_array_elements(i.data->'credentials') e
          where l.federated
          union all
          select f.object_id, e, f.id
          from scan_facts f cross join lateral jsonb_array_elements(f.data) e
          where f.scan_id = ${scanId}::int and f.aspect = 'federated'
        ) c
        order by c.object_id, c.e->>'type', c.e->>'location', c.e->>'keyId', c.prio desc
      ) x
      group by x.object_id
    ),
    assembled as materialized (
      select l.object_id, i.data->>'kind' as kind, i.data->>'appId' as app_id,
        i.data->>'displayName' as display_name,
        i.data || jsonb_build_object(
          'owners', coalesce(o.data, i.data->'owners'),
          'credentials', coalesce(m.credentials, i.data->'credentials')
        ) as data
      from latest l
      join scan_facts i on i.id = l.identity_id
      left join scan_facts o on o.id = l.owners_id
      left join merged m on m.object_id = l.object_id
    )
    insert into lanyard_assembled (object_id, kind, app_id, display_name, data, hash)
    select object_id, kind, app_id, display_name, data, md5(data::text) from assembled`);
  await tx.execute(sql`analyze lanyard_assembled`);
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
      await tx.execute(sql`truncate scan_facts`);
      return;
    }
  }
  await tx.execute(sql`delete from scan_facts where scan_id = ${scanId}::int`);
}

async function writeVersions(
  tx: Executor,
  at: { scanId: number; integrationId: string; seq: number; removals: boolean },
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
