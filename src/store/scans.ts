// Scans: begin one, stream its facts into the staging table, list and read the records.
import { asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { InvalidInput, NotFound } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';
import { canonicalIdentity, sortOwners } from './canonical-order.ts';
import { commitScan } from './commit-scan.ts';
import type { Db } from './connect.ts';
import { assertFact } from './fact-guard.ts';
import { driverError, pgErrorCode } from './pg-errors.ts';
import { integrations, scans } from './schema.ts';
import type { ScanRecord, ScanResult, ScanWriter, Store } from './types.ts';

/** Facts per INSERT: one JSON parameter each, so a batch is one round trip whatever its size. */
const STAGE_CHUNK = 2_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const { seq: _seq, ...recordColumns } = getTableColumns(scans);

export function createScans(db: Db, kind: Store['kind'], guard: () => void): Store['scans'] {
  return {
    async begin(integrationId: string, startedAt: Date): Promise<ScanWriter> {
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
      const [row] = await db.insert(scans).values({ integrationId, startedAt }).returning({ id: scans.id });
      return createWriter(db, kind, row!.id, guard);
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

function createWriter(db: Db, kind: Store['kind'], id: number, guard: () => void): ScanWriter {
  let finished = false;
  const open = () => {
    guard();
    if (finished) throw new InvalidInput(`scan ${id} is already finished`);
  };
  return {
    id,
    async stage(facts: IdentityFact[]): Promise<void> {
      open();
      for (const fact of facts) assertFact(fact);
      for (let start = 0; start < facts.length; start += STAGE_CHUNK) {
        const chunk = facts.slice(start, start + STAGE_CHUNK).map(toRow);
        try {
          // Ordinality keeps the staging ids in arrival order: the latest fact about an object wins.
          await db.execute(sql`
            insert into scan_facts (scan_id, aspect, object_id, data)
            select ${id}::int, f->>'a', f->>'o', f->'d'
            from jsonb_array_elements(${JSON.stringify(chunk)}::jsonb) with ordinality as t(f, n)
            order by n`);
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
      const record = await commitScan(db, kind, id, result);
      finished = true;
      return record;
    },
  };
}

function toRow(fact: IdentityFact): { a: string; o: string; d: unknown } {
  switch (fact.aspect) {
    case 'identity':
      return { a: 'identity', o: fact.identity.objectId, d: canonicalIdentity(fact.identity) };
    case 'owners':
      return { a: 'owners', o: fact.objectId, d: sortOwners(fact.owners) };
    case 'federated':
      return { a: 'federated', o: fact.objectId, d: fact.credentials };
  }
}
