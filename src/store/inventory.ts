// Reads of the versioned inventory: what is true now, at a scan or on a date, one identity's history, a diff.
// A version is visible at commit point `seq` of its integration when addedSeq <= seq < endedSeq (or still open).
import { type SQL, sql } from 'drizzle-orm';
import { InvalidInput, NotFound } from '../core/errors.ts';
import type { Identity } from '../core/inventory.ts';
import { type Db, rows } from './connect.ts';
import { inventoryFilterSql } from './inventory-filter-sql.ts';
import type {
  HistoryEntry,
  InventoryDiff,
  InventoryMatch,
  InventoryPage,
  InventoryPageQuery,
  InventoryQuery,
  Store,
} from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const epochMs = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;
const BY_NAME = sql`lower(v.display_name) collate "C", v.object_id collate "C"`;
const MAX_PAGE = 5_000;

type Cursor = [sortName: string, objectId: string, integrationId: string];

/** Opaque to callers: the sort key of the last row of a page. */
function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(cursor) &&
      cursor.length === 3 &&
      cursor.every((part) => typeof part === 'string') &&
      UUID.test(cursor[2] as string)
    )
      return cursor as Cursor;
  } catch {}
  throw new InvalidInput('the page cursor is not one this listing gave', {
    field: 'after',
    fix: 'start again from the first page',
  });
}

export function createInventory(db: Db): Store['inventory'] {
  /** The commit point a scan stands for; only committed (succeeded or partial) scans have one. */
  async function pointOf(scanId: number): Promise<{ integrationId: string; seq: number }> {
    const [scan] =
      Number.isSafeInteger(scanId) && scanId > 0 && scanId < 2 ** 31
        ? await rows<{ integration_id: string; status: string; seq: number | null }>(
            db,
            sql`select integration_id, status, seq from scans where id = ${scanId}::int`,
          )
        : [];
    if (!scan)
      throw new NotFound(`no scan ${scanId}`, {
        fix: 'see the scan ids in `lanyard integration show <name>`',
      });
    if (scan.seq === null) {
      throw new InvalidInput(`scan ${scanId} is ${scan.status}: it recorded no inventory`, {
        fix: 'choose a succeeded or partial scan',
      });
    }
    return { integrationId: scan.integration_id, seq: scan.seq };
  }

  /** A query over the versions (aliased `v`) visible for the query; undefined when none can be. */
  async function visible(query: InventoryQuery): Promise<SQL | undefined> {
    const { integrationId, asOf } = query;
    if (integrationId !== undefined && !UUID.test(integrationId)) return undefined;
    const ids = query.integrationIds?.filter((id) => UUID.test(id));
    if (ids && ids.length === 0) return undefined;
    const ofSet = ids
      ? sql`and v.integration_id::text = any(string_to_array(${ids.join(',').toLowerCase()}::text, ','))`
      : sql``;
    const ofIntegration = integrationId ? sql`and v.integration_id = ${integrationId}::uuid ${ofSet}` : ofSet;
    if (!asOf) return sql`select v.* from identity_versions v where v.ended_seq is null ${ofIntegration}`;
    if ('scanId' in asOf) {
      const point = await pointOf(asOf.scanId);
      if (integrationId && point.integrationId !== integrationId) {
        throw new InvalidInput(`scan ${asOf.scanId} belongs to another integration`);
      }
      return sql`select v.* from identity_versions v
        where v.integration_id = ${point.integrationId}::uuid ${ofSet}
          and v.added_seq <= ${point.seq}::int and (v.ended_seq is null or v.ended_seq > ${point.seq}::int)`;
    }
    if (!(asOf.date instanceof Date) || Number.isNaN(asOf.date.getTime())) {
      throw new InvalidInput('the as-of date is not a valid date');
    }
    // Per integration, the latest committed scan finished at or before the date.
    const ofScans = integrationId ? sql`and s.integration_id = ${integrationId}::uuid` : sql``;
    return sql`select v.* from identity_versions v
      join (
        select distinct on (s.integration_id) s.integration_id, s.seq from scans s
        where s.seq is not null and s.finished_at <= ${asOf.date.toISOString()}::timestamptz ${ofScans}
        order by s.integration_id, s.seq desc
      ) p on p.integration_id = v.integration_id
      where v.added_seq <= p.seq and (v.ended_seq is null or v.ended_seq > p.seq) ${ofSet}`;
  }

  return {
    async page(query: InventoryPageQuery): Promise<InventoryPage> {
      if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE) {
        throw new InvalidInput(`a page holds 1 to ${MAX_PAGE} rows, not ${query.limit}`, { field: 'limit' });
      }
      const versions = await visible(query);
      if (!versions) return { rows: [] };
      const after = query.after === undefined ? undefined : decodeCursor(query.after);
      const from = after
        ? sql`and (lower(v.display_name) collate "C", v.object_id collate "C", v.integration_id)
                > (${after[0]} collate "C", ${after[1]} collate "C", ${after[2]}::uuid)`
        : sql``;
      const found = await rows<{
        data: Identity;
        integration_id: string;
        name: string;
        tenant_id: string;
        sort_name: string;
      }>(
        db,
        sql`select v.data, v.integration_id, i.name, i.tenant_id, lower(v.display_name) as sort_name
            from (${versions}) v join integrations i on i.id = v.integration_id
            where true ${inventoryFilterSql(query.filter ?? {}, query.now)} ${from}
            order by ${BY_NAME}, v.integration_id
            limit ${query.limit + 1}`,
      );
      const page = found.slice(0, query.limit).map((row) => ({
        integration: { id: row.integration_id, name: row.name, tenantId: row.tenant_id },
        identity: row.data,
      }));
      const last = found.length > query.limit ? found[query.limit - 1] : undefined;
      return last
        ? { rows: page, next: encodeCursor([last.sort_name, last.data.objectId, last.integration_id]) }
        : { rows: page };
    },

    async search(text: string, limit: number, query: InventoryQuery = {}): Promise<InventoryMatch[]> {
      const versions = await visible(query);
      const needle = text.trim().toLowerCase();
      if (!versions || !needle) return [];
      const like = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const found = await rows<{ integration_id: string; data: Identity }>(
        db,
        sql`select v.integration_id, v.data from (${versions}) v
            where lower(v.display_name) like ${like}
            order by ${BY_NAME}, v.integration_id
            limit ${limit}`,
      );
      return found.map((row) => ({ integrationId: row.integration_id, identity: row.data }));
    },

    async list(query: InventoryQuery = {}): Promise<Identity[]> {
      const versions = await visible(query);
      if (!versions) return [];
      const found = await rows<{ data: Identity }>(
        db,
        sql`select v.data from (${versions}) v order by ${BY_NAME}`,
      );
      return found.map((row) => row.data);
    },

    async find(lookup: string, query: InventoryQuery = {}): Promise<InventoryMatch[]> {
      const versions = await visible(query);
      const text = lookup.trim();
      if (!versions || !text) return [];
      // Graph writes GUIDs in lower case; a pasted upper-case id still matches.
      const id = UUID.test(text) ? text.toLowerCase() : text;
      const found = await rows<{ integration_id: string; data: Identity }>(
        db,
        sql`select v.integration_id, v.data from (${versions}) v
            where v.object_id = ${id} or v.app_id = ${id} or lower(v.display_name) = lower(${text})
            order by v.integration_id, ${BY_NAME}`,
      );
      return found.map((row) => ({ integrationId: row.integration_id, identity: row.data }));
    },

    async byAppIds(
      integrationId: string,
      appIds: readonly string[],
      query: Pick<InventoryQuery, 'asOf'> = {},
    ): Promise<Identity[]> {
      // App ids are GUIDs (no comma); Graph writes them in lower case, a pasted upper-case one still matches.
      const wanted = [
        ...new Set(appIds.filter((id) => id && !id.includes(',')).flatMap((id) => [id, id.toLowerCase()])),
      ];
      const versions = wanted.length ? await visible({ ...query, integrationId }) : undefined;
      if (!versions) return [];
      const found = await rows<{ data: Identity }>(
        db,
        sql`select v.data from (${versions}) v
            where v.app_id = any(string_to_array(${wanted.join(',')}::text, ','))
            order by v.object_id collate "C"`,
      );
      return found.map((row) => row.data);
    },

    async history(integrationId: string, objectId: string): Promise<HistoryEntry[]> {
      if (!UUID.test(integrationId)) return [];
      const versions = await rows<{
        data: Identity;
        added_scan_id: number;
        added_at: number;
        ended_scan_id: number | null;
        ended_at: number | null;
        end_reason: 'changed' | 'removed' | null;
      }>(
        db,
        // Epoch milliseconds: raw rows carry timestamps as driver-specific text.
        sql`select v.data, v.added_scan_id, ${epochMs(sql`sa.finished_at`)} as added_at,
                   v.ended_scan_id, ${epochMs(sql`se.finished_at`)} as ended_at, v.end_reason
            from identity_versions v
            join scans sa on sa.id = v.added_scan_id
            left join scans se on se.id = v.ended_scan_id
            where v.integration_id = ${integrationId}::uuid and v.object_id = ${objectId}
            order by v.added_seq`,
      );
      const entries: HistoryEntry[] = [];
      let present = false;
      for (const version of versions) {
        entries.push({
          scanId: version.added_scan_id,
          at: new Date(version.added_at),
          change: present ? 'changed' : 'added',
          identity: version.data,
        });
        present = version.end_reason !== 'removed';
        if (version.end_reason === 'removed') {
          entries.push({
            scanId: version.ended_scan_id!,
            at: new Date(version.ended_at!),
            change: 'removed',
            identity: null,
          });
        }
      }
      return entries;
    },

    async diff(fromScanId: number, toScanId: number): Promise<InventoryDiff> {
      const from = await pointOf(fromScanId);
      const to = await pointOf(toScanId);
      if (from.integrationId !== to.integrationId) {
        throw new InvalidInput(`scans ${fromScanId} and ${toScanId} belong to different integrations`);
      }
      const at = (seq: number) => sql`
        select object_id, hash, data from identity_versions
        where integration_id = ${from.integrationId}::uuid
          and added_seq <= ${seq}::int and (ended_seq is null or ended_seq > ${seq}::int)`;
      const pairs = await rows<{ before: Identity | null; after: Identity | null }>(
        db,
        sql`with a as (${at(from.seq)}), b as (${at(to.seq)})
            select a.data as before, b.data as after
            from a full join b on a.object_id = b.object_id
            where a.hash is distinct from b.hash
            order by coalesce(b.object_id, a.object_id) collate "C"`,
      );
      const diff: InventoryDiff = { added: [], removed: [], changed: [] };
      for (const { before, after } of pairs) {
        if (before && after) diff.changed.push({ before, after });
        else if (after) diff.added.push(after);
        else if (before) diff.removed.push(before);
      }
      return diff;
    },
  };
}
