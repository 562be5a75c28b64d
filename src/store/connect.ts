// Opens the database behind the store (PGlite directory or PostgreSQL URL) and applies the migrations.
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { type PgDatabase, PgDialect, type PgQueryResultHKT, type PgSession } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { InvalidInput, Unreachable } from '../core/errors.ts';

export type Db = PgDatabase<PgQueryResultHKT>;
/** A database or a transaction on it: both run queries. */
export type Executor = Pick<Db, 'execute'>;

export interface Connection {
  kind: 'pglite' | 'postgres';
  db: Db;
  close(): Promise<void>;
  /** The PGlite instance itself, when this process runs it (what `Store.share` serves to other processes). */
  pglite?: PGlite;
}

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
/** Serialises migrations of processes starting together on one PostgreSQL database. */
const MIGRATION_LOCK_KEY = 7_120_314_511;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const PGLITE_SHARED_BUFFERS = '16MB';

/** Runs a raw query and returns its rows (node-postgres and PGlite both answer with `rows`). */
export async function rows<T>(executor: Executor, query: SQL): Promise<T[]> {
  return ((await executor.execute(query)) as unknown as { rows: T[] }).rows;
}

export async function connectPglite(dataDir: string): Promise<Connection> {
  const client = new PGlite(dataDir, {
    // PostgreSQL's default 128 MB of shared buffers become resident wasm memory in the CLI's own process;
    // 16 MB keeps a read command small, and a scan's commit sorts in work_mem, not in shared buffers.
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
  });
  await client.waitReady;
  const db = drizzlePglite(client) as unknown as Db;
  try {
    await migrate(db, 'drizzle');
  } catch (error) {
    await client.close();
    throw error;
  }
  return { kind: 'pglite', db, close: () => client.close(), pglite: client };
}

export async function connectPostgres(url: string, schema: string | undefined): Promise<Connection> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new InvalidInput(`"${schema}" is not a usable schema name`, {
      fix: 'use lower-case letters, digits and "_", starting with a letter or "_"',
    });
  }
  // Every connection resolves unqualified names in the chosen schema, so queries and migrations stay unqualified.
  const config: pg.PoolConfig = {
    connectionString: url,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const migrator = new pg.Client(config);
  try {
    await migrator.connect();
  } catch (error) {
    throw new Unreachable(`cannot reach PostgreSQL at ${redact(url)}: ${(error as Error).message}`, {
      cause: error,
      fix: 'check the URL, that the server runs and that it accepts this user',
    });
  }
  try {
    await migrator.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    if (schema) await migrator.query(`create schema if not exists "${schema}"`);
    await migrate(drizzleNodePg(migrator) as unknown as Db, schema ?? 'drizzle');
  } finally {
    await migrator.end();
  }
  const pool = new pg.Pool({ ...config, max: 10 });
  // An idle client dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return { kind: 'postgres', db: drizzleNodePg(pool) as unknown as Db, close: () => pool.end() };
}

/**
 * drizzle's migrator (journal, hashes, one transaction), fed the generated SQL with drizzle-kit's `"public".`
 * qualifiers removed: drizzle-kit writes them into foreign keys, and the tables must live in the chosen schema.
 */
async function migrate(db: Db, migrationsSchema: string): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => ({
    ...m,
    sql: m.sql.map((statement) => statement.replaceAll('"public".', '')),
  }));
  await new PgDialect().migrate(migrations, db._.session as unknown as PgSession, {
    migrationsFolder: MIGRATIONS_FOLDER,
    migrationsSchema,
  });
}

export function redact(url: string): string {
  return url.replace(/(\/\/[^/:@]*:)[^@]*@/, '$1***@');
}
