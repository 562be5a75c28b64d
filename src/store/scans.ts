// Scans: begin one, stream its facts into the staging table, list and read the records.
import { hostname } from 'node:os';
import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { type Grant, sortGrants } from '../core/access.ts';
import { InvalidInput, NotFound, ScanInProgress } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';
import type { Credential, Identity, Owner } from '../core/inventory.ts';
import { canonicalIdentity, sortOwners } from './canonical-order.ts';
import { commitScan, mergeCredentialsSql } from './commit-scan.ts';
import { type Db, type Executor, rows } from './connect.ts';
import { assertFact } from './fact-guard.ts';
import { driverError, pgErrorCode } from './pg-errors.ts';
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
    await db.execute(sql`delete from scan_objects where scan_id = ${id}::int`);
    await db.execute(sql`delete from scan_access where scan_id = ${id}::int`);
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
          if (merged.access.length > 0) {
            await db.execute(sql`
              insert into scan_access as s (scan_id, object_id, grants)
              select ${id}::int, f->>'o', f->'a'
              from jsonb_array_elements(${JSON.stringify(merged.access)}::jsonb) f
              on conflict (scan_id, object_id) do update set grants = excluded.grants`);
          }
          if (merged.objects.length > 0)
            await db.execute(sql`
            insert into scan_objects as s (scan_id, object_id, identity, owners, federated)
            select ${id}::int, f->>'o', f->'i', f->'w', f->'f'
            from jsonb_array_elements(${JSON.stringify(merged.objects)}::jsonb) f
            on conflict (scan_id, object_id) do update set
              identity = coalesce(excluded.identity, s.identity),
              owners = coalesce(excluded.owners, s.owners),
              federated = case
                when excluded.federated is null then s.federated
                when s.federated is null then excluded.federated
                else ${mergeCredentialsSql(sql`s.federated`, sql`excluded.federated`)}
              end`);
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
      const record = await commitScan(db, kind, id, result);
      finished = true;
      return record;
    },
  };
}

/** One staged object: i = identity, w = owners, f = federated credentials; absent keys leave the row's value. */
interface StagedObject {
  o: string;
  i?: Identity;
  w?: Owner[];
  f?: Credential[];
}

/**
 * Folds a chunk's facts into one row per object, the later fact winning as it would across chunks: an upsert
 * may touch each row once per statement.
 */
function mergeFacts(facts: readonly IdentityFact[]): {
  objects: StagedObject[];
  /** Each object's latest access fact: staged in a table of its own, so it never rewrites the object's row. */
  access: Array<{ o: string; a: Grant[] }>;
} {
  const byObject = new Map<string, StagedObject>();
  const access = new Map<string, Grant[]>();
  const row = (objectId: string): StagedObject => {
    const found = byObject.get(objectId);
    if (found) return found;
    const created: StagedObject = { o: objectId };
    byObject.set(objectId, created);
    return created;
  };
  for (const fact of facts) {
    switch (fact.aspect) {
      case 'identity':
        row(fact.identity.objectId).i = canonicalIdentity(fact.identity);
        break;
      case 'owners':
        row(fact.objectId).w = sortOwners(fact.owners);
        break;
      case 'federated': {
        const target = row(fact.objectId);
        target.f = latestByKey([...(target.f ?? []), ...fact.credentials]);
        break;
      }
      case 'access':
        access.set(fact.objectId, sortGrants(fact.grants));
        break;
    }
  }
  return { objects: [...byObject.values()], access: [...access].map(([o, a]) => ({ o, a })) };
}

const credentialKey = (c: Credential) => `${c.type}\u0000${c.location}\u0000${c.keyId}`;

/** One credential per (type, location, keyId), the last one given winning. */
function latestByKey(credentials: readonly Credential[]): Credential[] {
  return [...new Map(credentials.map((c) => [credentialKey(c), c])).values()];
}
