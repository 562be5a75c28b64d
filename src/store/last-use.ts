// Last use as Lanyard keeps it (schema.ts `last_use`, `integrations.sign_in_watch`): observations only move
// forward, and the watch says since when a missing observation means "not seen" rather than "unknown".
import { sql } from 'drizzle-orm';
import {
  type LastUseRecord,
  type LastUseWatch,
  NOT_WATCHED,
  type SignInObservation,
} from '../core/last-use.ts';
import type { ScanPart } from '../core/scan-parts.ts';
import { type Db, type Executor, rows } from './connect.ts';
import type { SignInWatchState } from './schema.ts';
import type { Store } from './types.ts';

/** Observations per upsert: one JSON parameter, one round trip. */
const OBSERVE_CHUNK = 5_000;

export function createLastUse(db: Db, guard: () => void): Store['lastUse'] {
  return {
    async observe(integrationId: string, observations: readonly SignInObservation[]): Promise<void> {
      guard();
      for (let start = 0; start < observations.length; start += OBSERVE_CHUNK) {
        const chunk = observations.slice(start, start + OBSERVE_CHUNK).map((o) => ({
          a: o.appId.toLowerCase(),
          k: o.keyId?.toLowerCase() ?? '',
          t: o.at,
        }));
        // Grouped first: an upsert may touch each row once per statement.
        await db.execute(sql`
          insert into last_use as l (integration_id, app_id, key_id, last_used_at)
          select ${integrationId}::uuid, f->>'a', f->>'k', max((f->>'t')::timestamptz)
          from jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) f
          group by f->>'a', f->>'k'
          on conflict (integration_id, app_id, key_id)
          do update set last_used_at = greatest(l.last_used_at, excluded.last_used_at)`);
      }
    },

    async watch(integrationId: string): Promise<LastUseWatch> {
      const [row] = await rows<{ sign_in_watch: SignInWatchState | null }>(
        db,
        sql`select sign_in_watch from integrations where id = ${integrationId}::uuid`,
      );
      return row?.sign_in_watch ?? NOT_WATCHED;
    },

    async forApps(integrationId: string, appIds: readonly string[]): Promise<Map<string, LastUseRecord>> {
      const wanted = [...new Set(appIds.map((id) => id.toLowerCase()))];
      const out = new Map<string, { identityAt: string | null; credentials: Map<string, string> }>();
      if (wanted.length === 0) return out;
      const found = await rows<{ app_id: string; key_id: string; last_used_at: Date | string }>(
        db,
        sql`select app_id, key_id, last_used_at from last_use
            where integration_id = ${integrationId}::uuid
              and app_id in (select jsonb_array_elements_text(${JSON.stringify(wanted)}::jsonb))`,
      );
      for (const row of found) {
        let record = out.get(row.app_id);
        if (!record) {
          record = { identityAt: null, credentials: new Map() };
          out.set(row.app_id, record);
        }
        const at = new Date(row.last_used_at).toISOString();
        if (row.key_id === '') record.identityAt = at;
        else record.credentials.set(row.key_id, at);
      }
      return out;
    },
  };
}

/** What a scan's sign-in part tells the watch: read through a time, or why it could not be read. */
export type SignInOutcome = { since: string; readThrough: string } | undefined;

/**
 * Moves the watch on when a committed scan read sign-ins completely; records why not when its part failed.
 * Watching begins where the first complete reading's window began: the sign-in log of that window was read
 * whole, so a credential seen nowhere in it was not used since then. Part of the scan's commit, so a failed scan changes nothing.
 */
export async function advanceWatch(
  tx: Executor,
  integrationId: string,
  parts: readonly ScanPart[],
  reading: SignInOutcome,
): Promise<void> {
  const part = parts.find((p) => p.aspect === 'last-use');
  if (!part) return;
  if (part.complete && reading) {
    await tx.execute(sql`
      update integrations set sign_in_watch = jsonb_build_object(
        'monitoredSince', coalesce(sign_in_watch->>'monitoredSince', ${reading.since}::text),
        'readThrough', ${reading.readThrough}::text,
        'unknownReason', null)
      where id = ${integrationId}::uuid`);
    return;
  }
  const reason = part.reason ?? 'the sign-in activity could not be read';
  await tx.execute(sql`
    update integrations set sign_in_watch = jsonb_build_object(
      'monitoredSince', sign_in_watch->>'monitoredSince',
      'readThrough', sign_in_watch->>'readThrough',
      'unknownReason', ${reason}::text)
    where id = ${integrationId}::uuid`);
}
