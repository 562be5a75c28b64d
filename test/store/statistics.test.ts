// PGlite runs no autovacuum, so nothing would ever gather the planner's statistics: a commit that changes many
// versions gathers them itself, or lookups by id scan the whole inventory (`identity <id>`: 260 ms, not 1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { createTestDatabase } from '../support/databases.ts';
import { identity, newIntegration } from './fixtures.ts';

async function rowsEstimate(dataDir: string): Promise<number> {
  const db = new PGlite(dataDir);
  try {
    const { rows } = await db.query<{ reltuples: number }>(
      `select reltuples::float8 as reltuples from pg_class where relname = 'identity_versions'`,
    );
    return Number(rows[0]?.reltuples ?? -1);
  } finally {
    await db.close();
  }
}

for (const [count, analysed] of [
  [1_500, true],
  [20, false],
] as const) {
  test(`PGlite: a commit of ${count} new versions ${analysed ? 'gathers' : 'leaves'} the statistics`, async () => {
    const database = await createTestDatabase('pglite');
    try {
      const store = await database.open();
      const { id } = await store.integrations.create(newIntegration());
      const writer = await store.scans.begin(id, new Date());
      await writer.stage(
        Array.from({ length: count }, (_, n) => ({
          aspect: 'identity' as const,
          identity: identity(`obj-${String(n).padStart(5, '0')}`),
        })),
      );
      await writer.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
      await store.close();
      const estimate = await rowsEstimate((database.options as { dataDir: string }).dataDir);
      // Never analysed, PostgreSQL reports -1 (or 0) rows; analysed, the table's size.
      if (analysed) assert.equal(estimate, count);
      else assert.ok(estimate <= 0, `estimate ${estimate}`);
    } finally {
      await database.cleanup();
    }
  });
}
