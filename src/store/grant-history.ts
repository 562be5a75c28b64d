// Grants as relationships with their own history (schema.ts `grant_history`): when each grant a service
// principal holds was first seen and when it went away, kept apart from the identity's versions so "who could
// do this, and since when" is one query, also for grants revoked long ago.
import { sql } from 'drizzle-orm';
import type { Grant } from '../core/access.ts';
import type { ScanPart } from '../core/scan-parts.ts';
import { type Db, type Executor, rows } from './connect.ts';
import type { GrantRecord, Store } from './types.ts';

/**
 * Brings the history up to the versions this commit left open: grants seen for the first time begin, grants no
 * longer held end. Only when the scan read every service principal's access: a grant that went unread is
 * carried forward by the versions, and must not read here as revoked.
 */
export async function recordGrantHistory(
  tx: Executor,
  at: { scanId: number; integrationId: string; seq: number; parts: readonly ScanPart[] },
): Promise<void> {
  const access = at.parts.filter((part) => part.aspect === 'access');
  if (access.length === 0 || access.some((part) => !part.complete)) return;
  const { scanId, integrationId, seq } = at;
  await tx.execute(sql`
    create temporary table lanyard_grants on commit drop as
    select distinct on (v.object_id, k.grant_key) v.object_id, k.grant_key, g as grant
    from identity_versions v
    cross join lateral jsonb_array_elements(v.data->'access') g
    cross join lateral (select md5((jsonb_build_array(
      g->'kind', g->'resourceId', g->'permissionId', g->'permission', g->'scope')
      -- Eligible (PIM) and active assignments of one role are two grants; active keys stay as they were.
      || case when g ? 'eligible' then jsonb_build_array(g->'eligible') else '[]'::jsonb end)::text) as grant_key) k
    where v.integration_id = ${integrationId}::uuid and v.ended_seq is null and v.data ? 'access'`);
  await tx.execute(sql`
    update grant_history h set revoked_scan_id = ${scanId}::int, revoked_seq = ${seq}::int
    where h.integration_id = ${integrationId}::uuid and h.revoked_seq is null
      and not exists (
        select 1 from lanyard_grants t where t.object_id = h.object_id and t.grant_key = h.grant_key)`);
  await tx.execute(sql`
    insert into grant_history (integration_id, object_id, grant_key, "grant", granted_scan_id, granted_seq)
    select ${integrationId}::uuid, t.object_id, t.grant_key, t.grant, ${scanId}::int, ${seq}::int
    from lanyard_grants t
    where not exists (
      select 1 from grant_history h
      where h.integration_id = ${integrationId}::uuid and h.revoked_seq is null
        and h.object_id = t.object_id and h.grant_key = t.grant_key)`);
}

export function createGrantHistory(db: Db): Store['grants'] {
  return {
    async history(integrationId: string, objectId: string): Promise<GrantRecord[]> {
      const found = await rows<{
        grant: Grant;
        granted_scan_id: number;
        granted_at: Date | string | null;
        revoked_scan_id: number | null;
        revoked_at: Date | string | null;
      }>(
        db,
        sql`select h."grant", h.granted_scan_id, g.finished_at as granted_at, h.revoked_scan_id,
              r.finished_at as revoked_at
            from grant_history h
            join scans g on g.id = h.granted_scan_id
            left join scans r on r.id = h.revoked_scan_id
            where h.integration_id = ${integrationId}::uuid and h.object_id = ${objectId}
            order by h.granted_seq, h.id`,
      );
      const date = (value: Date | string | null) => (value === null ? null : new Date(value));
      return found.map((row) => ({
        grant: row.grant,
        grantedScanId: row.granted_scan_id,
        grantedAt: date(row.granted_at),
        revokedScanId: row.revoked_scan_id,
        revokedAt: date(row.revoked_at),
      }));
    },
  };
}
