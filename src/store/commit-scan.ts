// Finishes a scan in one transaction: assembles its staged facts into identities in SQL, writes the versions
// that changed, records the scan and drops its staging rows. Readers see the previous scan until the commit.
// An aspect whose part did not complete is carried forward from the previous version, never emptied, and a
// scan that would remove an unusual share of the inventory removes nothing until the user confirms it.
import { eq, getTableColumns, sql } from 'drizzle-orm';
import { Conflict, InvalidInput, NotFound } from '../core/errors.ts';
import type { ScanPart } from '../core/scan-parts.ts';
import { type Db, type Executor, rows } from './connect.ts';
import { type ScanChanges, scans } from './schema.ts';
import type { ScanRecord, ScanResult } from './types.ts';

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
      await assemble(tx, { scanId, integrationId, parts: result.parts ?? [] });
      let removals = status === 'succeeded';
      if (removals && !result.removal?.allowMass) {
        const share = result.removal?.maxShare ?? DEFAULT_MAX_REMOVAL_SHARE;
        const refused = await refuseMassRemoval(tx, integrationId, share);
        if (refused) {
          removals = false;
          status = 'partial';
          reason = refused;
          summary = withWarning(summary, refused);
        }
      }
      changes = await writeVersions(tx, { scanId, integrationId, seq, removals });
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
 *
 * Where the part that reads an aspect did not complete (the scan was cut, a list was refused), an object without
 * a fact for that aspect keeps the previous version's owners or federated credentials; an object Lanyard never
 * saw before gets the aspect listed in `unknown` instead of an empty list that would read as "none".
 * Each step is computed once per row (materialized), since jsonb work dominates the cost at 100,000 identities.
 */
async function assemble(
  tx: Executor,
  at: { scanId: number; integrationId: string; parts: readonly ScanPart[] },
): Promise<void> {
  const { scanId, integrationId } = at;
  const incompleteKinds = (aspect: ScanPart['aspect']) =>
    at.parts
      .filter((part) => part.aspect === aspect && !part.complete)
      .map((part) => part.kind)
      .join(',');
  const ownersIncomplete = incompleteKinds('owners');
  const federatedIncomplete = incompleteKinds('federated');
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
    flagged as materialized (
      select l.object_id, l.owners_id, l.federated, i.data as idata,
        l.owners_id is null
          and (i.data->>'kind') = any(string_to_array(${ownersIncomplete}::text, ',')) as carry_owners,
        not coalesce(l.federated, false)
          and (i.data->>'kind') = any(string_to_array(${federatedIncomplete}::text, ',')) as carry_federated
      from latest l
      join scan_facts i on i.id = l.identity_id
    ),
    -- The previous version is looked up only for the objects that carry an aspect forward (an index probe
    -- each); a plain join would make the planner compare every staged object with every version.
    base as materialized (
      select f.*, p.data as pdata
      from flagged f
      left join lateral (
        select v.data from identity_versions v
        where (f.carry_owners or f.carry_federated)
          and v.integration_id = ${integrationId}::uuid and v.ended_seq is null and v.object_id = f.object_id
      ) p on true
    ),
    merged as materialized (
      select x.object_id,
        jsonb_agg(x.e order by x.e->>'type' collate "C", x.e->>'keyId' collate "C", x.e->>'location' collate "C")
          as credentials
      from (
        -- The latest fact about a credential wins: federated facts over the listing, the listing over the
        -- previous version's federated credentials carried forward.
        select distinct on (c.object_id, c.e->>'type', c.e->>'location', c.e->>'keyId') c.object_id, c.e
        from (
          select b.object_id, e, 0::bigint as prio
          from base b cross join lateral jsonb_array_elements(b.idata->'credentials') e
          where b.federated or (b.carry_federated and b.pdata is not null)
          union all
          select b.object_id, e, -1::bigint
          from base b cross join lateral jsonb_array_elements(b.pdata->'credentials') e
          where b.carry_federated and e->>'type' = 'federated'
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
      select b.object_id, b.idata->>'kind' as kind, b.idata->>'appId' as app_id,
        b.idata->>'displayName' as display_name,
        (b.idata - 'unknown') || jsonb_build_object(
          'owners', coalesce(
            o.data,
            case when b.carry_owners then b.pdata->'owners' end,
            b.idata->'owners'
          ),
          'credentials', coalesce(m.credentials, b.idata->'credentials')
        ) || coalesce(
          (select jsonb_build_object('unknown', jsonb_agg(a order by a))
           from unnest(array[
             case when b.carry_owners and (b.pdata is null or b.pdata->'unknown' @> '["owners"]')
               then 'owners' end,
             case when b.carry_federated and (b.pdata is null or b.pdata->'unknown' @> '["federated"]')
               then 'federated' end
           ]) a
           where a is not null
           having count(*) > 0),
          '{}'::jsonb
        ) as data
      from base b
      left join scan_facts o on o.id = b.owners_id
      left join merged m on m.object_id = b.object_id
    )
    insert into lanyard_assembled (object_id, kind, app_id, display_name, data, hash)
    select object_id, kind, app_id, display_name, data, md5(data::text) from assembled`);
  await tx.execute(sql`analyze lanyard_assembled`);
}

/**
 * Why this scan may not remove what it did not see, or null when it may: removing more than `maxShare` of the
 * open identities at once is far likelier a Graph or permission fault than a real clean-up.
 */
async function refuseMassRemoval(
  tx: Executor,
  integrationId: string,
  maxShare: number,
): Promise<string | null> {
  const [tally] = await rows<{ open: number; gone: number }>(
    tx,
    sql`select count(*)::int as open, count(*) filter (where a.object_id is null)::int as gone
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
