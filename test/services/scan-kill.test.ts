// A scan killed inside its commit leaves the previous inventory whole: the commit is one transaction, and a
// process that dies in it commits nothing, on PGlite (recovered at the next open) and on PostgreSQL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createScanService } from '../../src/services/scan-service.ts';
import { forEachDatabase } from '../support/databases.ts';
import { emulatorIntegration } from './emulator-integration.ts';

const CHILD = fileURLToPath(new URL('./scan-child.ts', import.meta.url));

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator({ tenants: [{ seed: 8, apps: 1500 }] });
});
after(() => emulator.close());

/** Runs a scan in a child process and kills it once its commit has begun; resolves with the scan's id. */
async function scanKilledInCommit(options: object): Promise<{ scanId: number; committedFirst: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options), 'tenant'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let scanId = 0;
  let committedFirst = false;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('committed')) committedFirst = true;
    const committing = /^committing (\d+)$/.exec(line);
    if (committing) {
      scanId = Number(committing[1]);
      // Let the transaction get under way (it takes a second or more for this tenant), then kill.
      await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  return { scanId, committedFirst };
}

forEachDatabase('a scan killed in its commit', (db) => {
  test('commits nothing: the inventory is the previous scan, not a mix', async () => {
    let store = await db.open();
    await store.integrations.create(emulatorIntegration(emulator, 'tenant'));
    const service = createScanService({ store, collect: createGraphCollect(), now: () => new Date() });
    assert.equal((await service.run('tenant')).summary.status, 'succeeded');
    const before = await store.inventory.list();
    await store.close();

    // Renamed apps: a rescan that committed, even in part, would show them.
    const apps = [...emulator.tenants[0]!.applications.values()].slice(0, 50);
    const names = apps.map((app) => app.object.displayName);
    for (const app of apps) app.object.displayName = `renamed ${app.object.displayName}`;
    try {
      const { scanId, committedFirst } = await scanKilledInCommit(db.options);
      assert.ok(scanId > 0, 'the child reached its commit');
      assert.equal(committedFirst, false);
      store = await db.open();
      const record = await store.scans.get(scanId);
      assert.notEqual(record?.status, 'succeeded');
      assert.equal(record?.changes ?? null, null);
      assert.deepEqual(await store.inventory.list(), before);
      await store.close();
    } finally {
      apps.forEach((app, n) => {
        app.object.displayName = names[n];
      });
    }
  });
});
