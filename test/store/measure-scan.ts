// Measures staging and committing a large scan: `npx tsx test/store/measure-scan.ts [pglite|postgres] [identities]`
// (ROUNDS=1 for the first scan only; the default 1,2,3 also rescans with 1% changed and 1% gone, then again).
// Not a test (no assertions on time); prints the figures quoted in the store's documentation.
import type { IdentityFact } from '../../src/core/facts.ts';
import type { Store } from '../../src/store/index.ts';
import { createTestDatabase, type DatabaseName } from '../support/databases.ts';
import { federated, identity, newIntegration, owner, secret } from './fixtures.ts';

const name = (process.argv[2] ?? 'pglite') as DatabaseName;
const total = Number(process.argv[3] ?? 100_000);
/** Graph's largest page. */
const PAGE = 999;

function* pages(round: number): Generator<IdentityFact[]> {
  for (let start = 0; start < total; start += PAGE) {
    const facts: IdentityFact[] = [];
    for (let n = start; n < Math.min(start + PAGE, total); n++) {
      // Round 2 changes 1% and drops 1%.
      if (round === 2 && n % 100 === 1) continue;
      const objectId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const displayName = round === 2 && n % 100 === 0 ? `Renamed ${n}` : `Workload ${n}`;
      const credentials = [
        secret(`${objectId}-s1`),
        secret(`${objectId}-s2`, { type: 'certificate', hint: null }),
      ];
      facts.push({ aspect: 'identity', identity: identity(objectId, { displayName, credentials }) });
      facts.push({
        aspect: 'owners',
        objectId,
        owners: [owner(`u-${n % 500}`), owner(`u-${(n * 7) % 500}`)],
      });
      if (n % 10 === 0)
        facts.push({ aspect: 'federated', objectId, credentials: [federated(`${objectId}-f`, `repo:${n}`)] });
    }
    yield facts;
  }
}

async function round(store: Store, integrationId: string, n: number): Promise<void> {
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const writer = await store.scans.begin(integrationId, new Date());
  for (const facts of pages(n)) await writer.stage(facts);
  const t1 = performance.now();
  const record = await writer.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
  const t2 = performance.now();
  const heap = Math.round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20);
  console.log(
    `${name} round ${n}: stage ${((t1 - t0) / 1000).toFixed(1)} s, finish ${((t2 - t1) / 1000).toFixed(1)} s, ` +
      `changes ${JSON.stringify(record.changes)}, heap +${heap} MiB`,
  );
}

const db = await createTestDatabase(name);
try {
  const store = await db.open();
  const integration = await store.integrations.create(newIntegration());
  for (const n of (process.env.ROUNDS ?? '1,2,3').split(',').map(Number))
    await round(store, integration.id, n === 3 ? 1 : n);
  const t = performance.now();
  const listed = await store.inventory.list({ integrationId: integration.id });
  console.log(`${name} list ${listed.length}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await store.close();
} finally {
  await db.cleanup();
}
