// Run Now and the schedules on the scan queue, on both databases: asking twice gives one job and one scan; a job
// that fails for a passing reason runs again, one that would only fail again does not; a scheduled integration
// gets its job; the schedules follow the integrations.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuthFailed, Unreachable } from '../../src/core/errors.ts';
import { type Jobs, openJobs } from '../../src/jobs/boss.ts';
import { followScanJob } from '../../src/jobs/follow.ts';
import { readScanJob, requestScan, SCAN_QUEUE, type ScanJobOutput } from '../../src/jobs/scan-queue.ts';
import { createScanWorker } from '../../src/jobs/scan-worker.ts';
import { setSchedule, syncSchedules } from '../../src/jobs/schedules.ts';
import type { Collect } from '../../src/services/scan-service.ts';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import {
  collected,
  dropJobsSchema,
  FAST,
  gate,
  plainIntegration,
  scriptedScans,
  waitFor,
} from './helpers.ts';

forEachDatabase('the scan queue', (db) => {
  let store: Store;
  let jobs: Jobs;
  before(async () => {
    store = await db.open();
    jobs = await openJobs(store, { role: 'scheduler', timings: FAST });
  });
  after(async () => {
    await jobs.stop({ timeoutMs: 1_000 });
    await store.close();
    await dropJobsSchema(db);
  });

  /** A worker over a scripted collector; stopped by the test. */
  const worker = (collect: Collect) =>
    createScanWorker({ jobs, store, scans: scriptedScans(store, collect), waitPollMs: 100 });
  const request = (integration: string) => requestScan(jobs.boss, { integration, requestedBy: 'test' });

  test('Run Now twice gives one job and one scan, queued or running; afterwards a new one', async () => {
    const { id } = await store.integrations.create(plainIntegration('twice'));
    const first = await request('twice');
    const second = await request('twice');
    assert.equal(first.existing, false);
    assert.deepEqual(second, { jobId: first.jobId, existing: true, state: 'created' });

    const release = gate();
    const started = gate();
    const running = worker(async () => {
      started.open();
      await release.opened;
      return collected();
    });
    await running.start();
    try {
      await started.opened;
      const third = await request('twice');
      assert.deepEqual(third, { jobId: first.jobId, existing: true, state: 'active' });
      release.open();
      const done = await followScanJob(jobs.boss, first.jobId, { pollMs: 100 });
      assert.equal(done.state, 'completed');
      assert.equal((done.output as unknown as ScanJobOutput).status, 'succeeded');
      assert.equal((await store.scans.list(id)).length, 1, 'one scan for three requests');
      const later = await request('twice');
      assert.equal(later.existing, false, 'a finished job holds nothing back');
      assert.notEqual(later.jobId, first.jobId);
    } finally {
      await running.stop();
    }
  });

  test('a passing failure runs again with backoff; one a retry would repeat completes as failed', async () => {
    const { id } = await store.integrations.create(plainIntegration('flaky'));
    await store.integrations.create(plainIntegration('denied'));
    let calls = 0;
    const running = worker(async (integration) => {
      if (integration.name === 'denied') throw new AuthFailed('AADSTS7000215: invalid client secret');
      if (integration.name === 'flaky' && ++calls === 1)
        throw new Unreachable('cannot reach graph.microsoft.com');
      return collected();
    });
    const flaky = await request('flaky');
    const denied = await request('denied');
    await running.start();
    try {
      const retried = await followScanJob(jobs.boss, flaky.jobId, { pollMs: 100 });
      assert.equal(retried.state, 'completed');
      assert.equal(retried.retryCount, 1);
      assert.deepEqual(
        (await store.scans.list(id)).map((s) => s.status),
        ['failed', 'succeeded'],
      );
      const refused = await followScanJob(jobs.boss, denied.jobId, { pollMs: 100 });
      assert.equal(refused.state, 'completed');
      assert.equal(refused.retryCount, 0, 'bad credentials are not retried');
      assert.equal((refused.output as unknown as ScanJobOutput).status, 'failed');
    } finally {
      await running.stop();
    }
  });

  test("a scan another process runs becomes the job's result; one whose lease ran out is scanned again", async () => {
    const { id } = await store.integrations.create(plainIntegration('shared'));
    const waiting = gate();
    const scans = scriptedScans(store, async () => collected());
    const running = createScanWorker({
      jobs,
      store,
      // Told when the job found the other scan running, so that scan finishes only then.
      scans: {
        run: (name, options) =>
          scans.run(name, {
            ...options,
            onJoin: (record) => {
              waiting.open();
              options?.onJoin?.(record);
            },
          }),
      },
      waitPollMs: 100,
    });
    // Another process's scan, alive: the job waits for it and reports it.
    const other = await store.scans.begin(id, new Date(), { holder: 'another machine', leaseMs: 60_000 });
    const joined = await request('shared');
    await running.start();
    try {
      await waiting.opened;
      await other.finish({ status: 'succeeded', summary: { durationMs: 5 }, finishedAt: new Date() });
      const done = await followScanJob(jobs.boss, joined.jobId, { pollMs: 100 });
      assert.deepEqual(done.output, {
        scanId: other.id,
        status: 'succeeded',
        reason: null,
        durationMs: 5,
        resourceUnits: 0,
        joined: true,
      });

      // A process that died: its lease runs out unrenewed, and the job records it abandoned and scans.
      const dead = await store.scans.begin(id, new Date(), {
        holder: 'a dead process',
        leaseMs: 1_500,
        renewEveryMs: 0,
      });
      const rescanned = await request('shared');
      const after = await followScanJob(jobs.boss, rescanned.jobId, { pollMs: 100 });
      const output = after.output as unknown as ScanJobOutput;
      assert.equal(output.status, 'succeeded');
      assert.equal(output.joined, undefined);
      const abandoned = await store.scans.get(dead.id);
      assert.equal(abandoned?.status, 'failed');
      assert.match(abandoned?.reason ?? '', /^abandoned: a dead process/);
    } finally {
      await running.stop();
    }
  });

  test('a stopping worker interrupts its scan, which records what it read, and the job runs again', async () => {
    const { id } = await store.integrations.create(plainIntegration('stopped'));
    const started = gate();
    const stopping = worker(async (_integration, { signal }) => {
      started.open();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      throw signal.reason;
    });
    const { jobId } = await request('stopped');
    await stopping.start();
    await started.opened;
    await stopping.stop();
    const [interrupted] = await store.scans.list(id);
    assert.deepEqual([interrupted?.status, interrupted?.reason], ['partial', 'interrupted']);
    assert.equal((await readScanJob(jobs.boss, jobId))?.state, 'retry');

    const next = worker(async () => collected());
    await next.start();
    try {
      const done = await followScanJob(jobs.boss, jobId, { pollMs: 100 });
      assert.equal(done.state, 'completed');
      assert.equal((done.output as unknown as ScanJobOutput).status, 'succeeded');
    } finally {
      await next.stop();
    }
  });

  test('schedules follow the integrations, and a scheduled integration gets its job', async () => {
    await store.integrations.create(plainIntegration('nightly'));
    let sync = await syncSchedules(jobs.boss, store.integrations);
    assert.ok(sync.added.includes('nightly'));
    const schedules = async () =>
      Object.fromEntries((await jobs.boss.getSchedules(SCAN_QUEUE)).map((s) => [s.key, s.cron]));
    assert.equal((await schedules()).nightly, '0 3 * * *', 'daily by default');
    assert.deepEqual(await syncSchedules(jobs.boss, store.integrations), {
      added: [],
      changed: [],
      removed: [],
      invalid: [],
    });

    // Every second (a seconds field first): the cron pass, each second here, sends a job.
    await setSchedule(store, 'nightly', '* * * * * *', jobs.boss);
    assert.equal((await schedules()).nightly, '* * * * * *');
    const job = await waitFor(
      async () => (await jobs.boss.findJobs(SCAN_QUEUE, { key: 'nightly' }))[0],
      'a scheduled job',
    );
    assert.deepEqual(job.data, { integration: 'nightly', requestedBy: 'schedule' });

    // Changed, broken or gone elsewhere: the next sync follows.
    await store.executeRaw(`update integrations set schedule = '0 4 * *' where name = 'nightly'`);
    sync = await syncSchedules(jobs.boss, store.integrations);
    assert.deepEqual(
      sync.invalid.map((i) => i.integration),
      ['nightly'],
    );
    assert.equal((await schedules()).nightly, undefined, 'an unusable schedule is not kept');
    await store.executeRaw(`update integrations set schedule = '30 2 * * 1' where name = 'nightly'`);
    sync = await syncSchedules(jobs.boss, store.integrations);
    assert.ok(sync.added.includes('nightly'));
    await store.integrations.delete('nightly');
    sync = await syncSchedules(jobs.boss, store.integrations);
    assert.ok(sync.removed.includes('nightly'));
    assert.equal((await schedules()).nightly, undefined);
  });
});
