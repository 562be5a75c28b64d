// The network ranges each application signs in from (schema.ts `sign_in_ranges`), kept as long as the integration,
// and the suspicious sign-ins a reading shows against them. Applied in the scan's commit, only when its sign-in
// part completed: the ranges and their `signin.suspicious` events are written together or not at all, so a scan
// that failed (or whose sign-in part did) loses no range and sends nothing, and the next scan reads that window
// again (the watch did not move on). Only ranges and counts are kept, never an address or a sign-in.
import { sql } from 'drizzle-orm';
import type { LanyardEvent } from '../core/events.ts';
import type { IdentityKind } from '../core/inventory.ts';
import type { ScanPart } from '../core/scan-parts.ts';
import {
  detectSuspiciousSignIns,
  type SignInDetectionSettings,
  type SignInTally,
  type SuspiciousSignIn,
} from '../core/sign-in-ranges.ts';
import { type Executor, rows } from './connect.ts';
import { createOutbox } from './outbox.ts';

/** Ranges per statement: one JSON parameter each. */
const CHUNK = 2_000;

/** The identity an event is about: the service principal that signed in (else its application). */
export interface SignInSubject {
  objectId: string;
  appId: string;
  displayName: string;
  kind: IdentityKind;
}

/** The events to record for what a reading shows, in the commit's transaction (the services build them). */
export interface SignInEventsOf {
  sinks: readonly string[];
  of(found: readonly SuspiciousSignIn[], subjects: ReadonlyMap<string, SignInSubject>): LanyardEvent[];
}

export interface SignInRangesOptions {
  settings?: SignInDetectionSettings;
  /** Absent (or no sinks): the ranges are kept and nothing is recorded for a SIEM. */
  events?: SignInEventsOf;
}

/**
 * Detects what the reading shows against the ranges already kept, keeps its ranges and records the events, in the
 * caller's transaction. Must run before the watch moves on (last-use.ts advanceWatch): an integration whose watch
 * has never read through anything is on its first reading. Returns what it found.
 */
export async function applySignInRanges(
  tx: Executor,
  integrationId: string,
  parts: readonly ScanPart[],
  reading: { since: string; activity?: SignInTally } | undefined,
  options: SignInRangesOptions = {},
): Promise<SuspiciousSignIn[]> {
  const part = parts.find((p) => p.aspect === 'last-use');
  if (!part?.complete || !reading?.activity) return [];
  const { activity } = reading;
  const [watch] = await rows<{ read_through: string | null }>(
    tx,
    sql`select sign_in_watch->>'readThrough' as read_through from integrations where id = ${integrationId}::uuid`,
  );
  const apps = [...new Set(activity.ranges.map((r) => r.appId))];
  const known = new Map<string, Set<string>>();
  if (apps.length) {
    const found = await rows<{ app_id: string; ip_range: string }>(
      tx,
      sql`select app_id, ip_range from sign_in_ranges
          where integration_id = ${integrationId}::uuid
            and app_id in (select jsonb_array_elements_text(${JSON.stringify(apps)}::jsonb))`,
    );
    for (const row of found) known.set(row.app_id, (known.get(row.app_id) ?? new Set()).add(row.ip_range));
  }
  const suspicious = detectSuspiciousSignIns({
    tally: activity,
    known,
    firstReading: !watch?.read_through,
    since: reading.since,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  await keepRanges(tx, integrationId, activity);
  const events = options.events;
  if (events?.sinks.length && suspicious.length) {
    const subjects = await subjectsOf(tx, integrationId, [...new Set(suspicious.map((s) => s.appId))]);
    // Ids are fixed by what they report: the same sign-ins read again (readings overlap) record nothing new.
    await createOutbox(tx, () => {}).enqueue(events.of(suspicious, subjects), events.sinks);
  }
  return suspicious;
}

async function keepRanges(tx: Executor, integrationId: string, activity: SignInTally): Promise<void> {
  for (let start = 0; start < activity.ranges.length; start += CHUNK) {
    const chunk = activity.ranges.slice(start, start + CHUNK).map((r) => ({
      a: r.appId,
      r: r.range,
      f: r.firstAt,
      l: r.lastAt,
      n: r.signIns,
    }));
    // A range the previous reading counted is updated without counting again; a range seen for the first time
    // counts at least the sign-in that brought it.
    await tx.execute(sql`
      with f as (
        select x->>'a' as app_id, x->>'r' as ip_range, (x->>'f')::timestamptz as first_at,
          (x->>'l')::timestamptz as last_at, (x->>'n')::int as n
        from jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) x
      ), updated as (
        update sign_in_ranges r set
          first_seen_at = least(r.first_seen_at, f.first_at),
          last_seen_at = greatest(r.last_seen_at, f.last_at),
          sign_ins = r.sign_ins + f.n
        from f
        where r.integration_id = ${integrationId}::uuid and r.app_id = f.app_id and r.ip_range = f.ip_range
        returning r.app_id, r.ip_range
      )
      insert into sign_in_ranges (integration_id, app_id, ip_range, first_seen_at, last_seen_at, sign_ins)
      select ${integrationId}::uuid, f.app_id, f.ip_range, f.first_at, f.last_at, greatest(f.n, 1)
      from f where not exists (select 1 from updated u where u.app_id = f.app_id and u.ip_range = f.ip_range)`);
  }
}

/** The open identity of each application, its service principal first (that is what signs in). */
async function subjectsOf(
  tx: Executor,
  integrationId: string,
  appIds: readonly string[],
): Promise<Map<string, SignInSubject>> {
  const found = await rows<{ app_id: string; object_id: string; display_name: string; kind: IdentityKind }>(
    tx,
    sql`select distinct on (lower(app_id)) lower(app_id) as app_id, object_id, display_name, kind
        from identity_versions
        where integration_id = ${integrationId}::uuid and ended_seq is null
          and lower(app_id) in (select jsonb_array_elements_text(${JSON.stringify(appIds)}::jsonb))
        order by lower(app_id), (kind = 'servicePrincipal') desc, object_id`,
  );
  return new Map(
    found.map((row) => [
      row.app_id,
      { objectId: row.object_id, appId: row.app_id, displayName: row.display_name, kind: row.kind },
    ]),
  );
}
