// PostgreSQL: a scan asked for while the integration's last scan is still `running` in the database, but its
// process is dead (killed, or cut off by a database restart before it could record its end), does not wait for
// it forever. Once that scan's lease runs out unrenewed, the caller begins anew, which records the dead scan
// `failed` (abandoned), and scans. (On PGlite the data directory's lock settles this at open.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { collected, plainIntegration, scriptedScans } from '../jobs/helpers.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

describe('a scan asked for while a dead process holds the last one (postgres)', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('postgres');
  });
  after(() => db?.cleanup());

  test('waits for its lease, records it abandoned and scans, instead of waiting forever', async () => {
    const store = await db.open();
    const integration = await store.integrations.create(plainIntegration('tenant'));
    // What a dead process leaves: a running scan whose lease nobody renews.
    const deadAt = Date.now();
    const dead = await store.scans.begin(integration.id, new Date(deadAt), {
      leaseMs: 2_000,
      renewEveryMs: 0,
    });
    const joined: number[] = [];
    const outcome = await Promise.race([
      scriptedScans(store, async () => collected()).run('tenant', { onJoin: (scan) => joined.push(scan.id) }),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error('the scan still waits for the dead one after 30 s')),
          30_000,
        ).unref(),
      ),
    ]);
    assert.deepEqual(joined, [dead.id], 'it waited for the running scan first');
    assert.equal(outcome.summary.status, 'succeeded');
    assert.notEqual(outcome.summary.scanId, dead.id);
    const record = await store.scans.get(dead.id);
    assert.equal(record?.status, 'failed');
    assert.match(record?.reason ?? '', /^abandoned/);
    // It started once the dead one's lease had run out, not when it was asked for.
    const started = await store.scans.get(outcome.summary.scanId);
    assert.ok(
      started!.startedAt.getTime() >= deadAt + 2_000,
      `started ${started!.startedAt.toISOString()}, the dead scan's lease ran out ${new Date(deadAt + 2_000).toISOString()}`,
    );
  });
});
