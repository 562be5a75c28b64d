// Runs store tests on both databases: PGlite in a temporary directory and PostgreSQL in a fresh schema,
// each removed afterwards. PostgreSQL: LANYARD_TEST_DATABASE_URL (default postgres@127.0.0.1:5432/postgres).
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.ts';

export type DatabaseName = 'pglite' | 'postgres';
export const DATABASE_NAMES: readonly DatabaseName[] = ['pglite', 'postgres'];

export const TEST_DATABASE_URL =
  process.env.LANYARD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly name: DatabaseName;
  /** What openStore needs to reach this database (also from a child process). */
  readonly options: StoreOptions;
  /** Opens a store on this database; stores left open are closed by cleanup. */
  open(): Promise<Store>;
  /** Closes what is open and removes the directory or drops the schema. */
  cleanup(): Promise<void>;
}

export async function createTestDatabase(name: DatabaseName): Promise<TestDatabase> {
  const options = name === 'pglite' ? await freshPgliteDir() : freshPostgresSchema();
  const open = new Set<Store>();
  return {
    name,
    options,
    async open() {
      const store = await openStore(options);
      const close = store.close.bind(store);
      open.add(store);
      return Object.assign(store, {
        close: async () => {
          open.delete(store);
          await close();
        },
      });
    },
    async cleanup() {
      await Promise.allSettled([...open].map((store) => store.close()));
      if (options.dataDir) await rm(join(options.dataDir, '..'), { recursive: true, force: true });
      if (options.schema) await dropSchema(options.schema);
    },
  };
}

/**
 * Declares `title (pglite)` and `title (postgres)` suites; `define` declares the tests once, with a handle on
 * the suite's database (created before its tests, removed after them).
 */
export function forEachDatabase(title: string, define: (db: TestDatabase) => void): void {
  for (const name of DATABASE_NAMES) {
    describe(`${title} (${name})`, () => {
      let database: TestDatabase | undefined;
      const current = () => {
        if (!database) throw new Error('the test database is not ready: use it inside a test or hook');
        return database;
      };
      before(async () => {
        database = await createTestDatabase(name);
      });
      after(async () => {
        await database?.cleanup();
      });
      define({
        name,
        get options() {
          return current().options;
        },
        open: () => current().open(),
        cleanup: () => current().cleanup(),
      });
    });
  }
}

/**
 * A new PGlite directory, copied from a template made once per machine and schema version: creating a PGlite
 * database takes seconds here, copying one a fraction of that.
 */
async function freshPgliteDir(): Promise<StoreOptions> {
  const parent = await mkdtemp(join(tmpdir(), 'lanyard-test-'));
  const dataDir = join(parent, 'data');
  await seedPgliteDir(dataDir);
  return { dataDir };
}

/** Fills `dataDir` (which must not exist yet) with a migrated, empty PGlite database. */
export async function seedPgliteDir(dataDir: string): Promise<void> {
  await cp(await pgliteTemplate(), dataDir, { recursive: true });
}

async function pgliteTemplate(): Promise<string> {
  // The package does not export its package.json; it sits beside dist/.
  const pgliteVersion = await readFile(
    new URL('../package.json', import.meta.resolve('@electric-sql/pglite')),
  );
  const journal = await readFile(new URL('../../src/store/migrations/meta/_journal.json', import.meta.url));
  const key = createHash('sha256').update(pgliteVersion).update(journal).digest('hex').slice(0, 16);
  const template = join(tmpdir(), `lanyard-pglite-template-${key}`);
  if (await exists(template)) return template;
  // Build aside and rename into place, so test processes starting together never copy a half-made template.
  const parent = await mkdtemp(join(tmpdir(), 'lanyard-template-'));
  const building = join(parent, 'data');
  const store = await openStore({ dataDir: building });
  await store.close();
  try {
    await rename(building, template);
  } catch (error) {
    if (!(await exists(template))) throw error;
  }
  await rm(parent, { recursive: true, force: true });
  return template;
}

function freshPostgresSchema(): StoreOptions {
  const schema = `lanyard_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return { url: TEST_DATABASE_URL, schema };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
