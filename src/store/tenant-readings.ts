// Tenant-wide readings of optional scan parts (schema.ts `tenant_readings`): the Conditional Access policies and
// Entra ID Protection's risk. A complete reading is saved in the commit's transaction of a scan that did not fail,
// and replaces the last one; a part that did not complete saves nothing, so the last complete reading stands, and a
// part never read has no row (unknown). The row keeps the reading it replaced beside the new one (`data.previous`),
// so what changed between the two (a service principal becoming risky, a new detection) can be told after the
// commit, by the monitoring, without a second table.
import { sql } from 'drizzle-orm';
import { type Db, type Executor, rows } from './connect.ts';

export interface TenantReadingInput {
  /** The scan part's name, e.g. `conditional-access-policies`. */
  part: string;
  data: unknown;
}

/** The last complete reading of a part, with the one it replaced (null on the first). */
export interface StoredTenantReading {
  part: string;
  scanId: number;
  readAt: string;
  data: unknown;
  previous: { scanId: number; readAt: string; data: unknown } | null;
}

export interface TenantReadingsStore {
  /** The last complete reading of each part of the integration, by part name; parts never read are absent. */
  latest(integrationId: string): Promise<Map<string, StoredTenantReading>>;
}

/** The stored JSON: the reading, and the one it replaced. */
interface StoredData {
  current: unknown;
  previous: { scanId: number; readAt: string; data: unknown } | null;
}

/** Saves complete readings in the commit's transaction; each replaces the part's last one and keeps it as previous. */
export async function saveTenantReadings(
  tx: Executor,
  integrationId: string,
  scanId: number,
  readAt: Date,
  readings: readonly TenantReadingInput[],
): Promise<void> {
  for (const reading of readings) {
    // The previous reading's own `previous` is dropped: one step back is all a comparison needs.
    await tx.execute(sql`
      insert into tenant_readings as t (integration_id, part, scan_id, read_at, data)
      values (${integrationId}::uuid, ${reading.part}, ${scanId}, ${readAt.toISOString()}::timestamptz,
        jsonb_build_object('current', ${JSON.stringify(reading.data)}::jsonb, 'previous', null))
      on conflict (integration_id, part) do update set
        scan_id = excluded.scan_id, read_at = excluded.read_at,
        data = jsonb_build_object('current', excluded.data->'current', 'previous',
          jsonb_build_object('scanId', t.scan_id, 'readAt', to_jsonb(t.read_at), 'data', t.data->'current'))`);
  }
}

export function createTenantReadings(db: Db): TenantReadingsStore {
  return {
    async latest(integrationId) {
      const found = await rows<{ part: string; scan_id: number; read_at: Date | string; data: StoredData }>(
        db,
        sql`select part, scan_id, read_at, data from tenant_readings where integration_id = ${integrationId}::uuid`,
      );
      return new Map(
        found.map((row) => {
          const previous = row.data.previous;
          return [
            row.part,
            {
              part: row.part,
              scanId: row.scan_id,
              readAt: new Date(row.read_at).toISOString(),
              data: row.data.current,
              previous: previous
                ? {
                    scanId: previous.scanId,
                    readAt: new Date(previous.readAt).toISOString(),
                    data: previous.data,
                  }
                : null,
            },
          ];
        }),
      );
    },
  };
}
