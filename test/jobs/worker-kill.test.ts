// A worker killed with SIGKILL in the middle of a scan leaves nothing stuck and nothing half-applied: its scan is
// recorded failed (abandoned), its job runs again on the next worker, and that run's inventory equals a fault-free
// scan's. PGlite: the next process takes the lock and fails the orphaned job at start; PostgreSQL: the job's
// heartbeat stops, pg-boss fails it, and the scan's lease runs out.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createCliScanService } from '../../src/cli/scan-wiring.ts';
import { openJobs } from '../../src/jobs/boss.ts';
import { followScanJob } from '../../src/jobs/follow.ts';
import { requestScan, type ScanJobOutput } from '../../src/jobs/scan-queue.ts';
import { createScanWorker } from '../../src/jobs/scan-worker.ts';
import { emulatorIntegration } from '../services/emulator-integration.ts';
import { forEachDatabase } from '../support/databases.ts';
import { dropJobsSchema, FAST } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));
const PARTS = { access: false, signIns: false };

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator({ tenants: [{ seed: 8, apps: 1500 }] });
});
after(() => emulator.close());

/** Starts a worker process and kills it once its scan has staged facts; resolves with that scan's id. */
async function workerKilledMidScan(options: object): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(options), '3000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let scanId = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const staging = /^staging (\d+)$/.exec(line);
    if (staging) {
      scanId = Number(staging[1]);
      // Well inside the scan: the emulator's latency keeps it reading for seconds more.
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill('SIGKILL');
      break;
    }
  }
  await exited;
  return scanId;
}

forEachDatabase('a worker killed mid-scan', (db) => {
  after(() => dropJobsSchema(db));

  test("leaves no scan running: the next worker runs the job again, and its inventory is a fault-free scan's", async () => {
    let store = await db.open();
    await store.integrations.create(emulatorIntegration(emulator, 'tenant'));
    let jobs = await openJobs(store, { role: 'client', timings: FAST });
    const { jobId } = await requestScan(jobs.boss, { integration: 'tenant', requestedBy: 'test' });
    await jobs.stop();
    // PGlite: the worker process needs the data directory's lock.
    if (db.name === 'pglite') await store.close();

    emulator.control.injectFaults({ latencyMs: 20 });
    let killed: number;
    try {
      killed = await workerKilledMidScan(db.options);
    } finally {
      emulator.control.clearFaults();
    }
    assert.ok(killed > 0, 'the worker began its scan');

    if (db.name === 'pglite') store = await db.open();
    jobs = await openJobs(store, { role: 'worker', timings: FAST });
    const worker = createScanWorker({
      jobs,
      store,
      scans: createCliScanService(store, PARTS),
      waitPollMs: 200,
    });
    await worker.start();
    try {
      const started = Date.now();
      const job = await followScanJob(jobs.boss, jobId, { pollMs: 200 });
      const recoveredInMs = Date.now() - started;
      const output = job.output as unknown as ScanJobOutput;
      assert.equal(job.state, 'completed');
      assert.ok(job.retryCount >= 1, 'the job ran again');
      assert.equal(output.status, 'succeeded');
      assert.notEqual(output.scanId, killed);

      const scans = await store.scans.list();
      assert.deepEqual(
        scans.filter((s) => s.status === 'running'),
        [],
        'no scan is left running',
      );
      const dead = scans.find((s) => s.id === killed);
      assert.equal(dead?.status, 'failed');
      assert.match(dead?.reason ?? '', /^abandoned/);
      assert.equal(dead?.changes ?? null, null, 'the killed scan applied nothing');

      // A fault-free scan of the unchanged tenant finds nothing to change: the job's inventory is the same.
      const inventory = await store.inventory.list();
      const check = await createCliScanService(store, PARTS).run('tenant');
      assert.equal(check.summary.status, 'succeeded');
      assert.deepEqual(check.record.changes, { added: 0, changed: 0, removed: 0 });
      assert.deepEqual(await store.inventory.list(), inventory);
      assert.ok(inventory.length > 1500);
      process.stderr.write(
        `# ${db.name}: the killed worker's job completed ${recoveredInMs} ms after the next worker started\n`,
      );
    } finally {
      await worker.stop();
      await jobs.stop();
      await store.close();
    }
  });
});
