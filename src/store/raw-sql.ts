// Runs SQL text as given over the store's own connection, for libraries that bring their own SQL (pg-boss's
// queues live in the same database as the inventory, on PGlite as on PostgreSQL).
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Connection } from './connect.ts';

export interface RawResult {
  rows: Record<string, unknown>[];
}

/** A script that opens its own transaction: `BEGIN; ...; COMMIT;` as one text. */
const OPENS_TRANSACTION = /^\s*BEGIN\b/i;

/**
 * One statement with `$1…` parameters, or a script of several statements without any (the simple protocol);
 * the rows of every statement, in order, so a RETURNING before a script's COMMIT is not lost.
 */
export function createRawSql(
  connection: Connection,
  guard: () => void,
): (text: string, values?: readonly unknown[]) => Promise<RawResult> {
  if (connection.kind === 'postgres') {
    const pool = (connection.db as unknown as { $client: pg.Pool }).$client;
    return async (text, values) => {
      guard();
      // A pool runs the whole text on one connection, so a BEGIN … COMMIT script is one transaction.
      const result = await pool.query(text, values?.length ? [...values] : undefined);
      return { rows: flatten(result as unknown as pg.QueryResult | pg.QueryResult[]) };
    };
  }
  const client = (connection.db as unknown as { $client: PGlite }).$client;
  return async (text, values) => {
    guard();
    if (values?.length) return { rows: (await client.query(text, [...values])).rows as RawResult['rows'] };
    if (!OPENS_TRANSACTION.test(text)) {
      const results = await client.exec(text);
      return { rows: results.flatMap((r) => r.rows) as RawResult['rows'] };
    }
    // PGlite is one connection: a script that fails inside its BEGIN would leave the transaction aborted for
    // whatever query comes next (the scan's, the next poll's). Run inside PGlite's own transaction, which holds
    // every other query back and rolls back on failure before letting them through. Its BEGIN and COMMIT around
    // the script's own only draw warnings.
    const results = await client.transaction((tx) => tx.exec(text));
    return { rows: results.flatMap((r) => r.rows) as RawResult['rows'] };
  };
}

function flatten(result: pg.QueryResult | pg.QueryResult[]): RawResult['rows'] {
  return Array.isArray(result) ? result.flatMap((r) => r.rows ?? []) : result.rows;
}
