// The HTTP service, through fastify's inject (no sockets): /healthz and /metrics answer a client on this machine
// and nobody else, every other route is refused until authentication exists, and after a scan run by the worker
// both report it, on both databases.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testEvent } from '../../src/deliver/formats/test-events.ts';
import { type Jobs, openJobs } from '../../src/jobs/boss.ts';
import { followScanJob } from '../../src/jobs/follow.ts';
import { requestScan, SCAN_QUEUE } from '../../src/jobs/scan-queue.ts';
import { createScanWorker } from '../../src/jobs/scan-worker.ts';
import { integrationStatus } from '../../src/jobs/status.ts';
import { buildApp } from '../../src/server/app.ts';
import { createHealthCheck, type HealthReport } from '../../src/server/health.ts';
import { isLoopback } from '../../src/server/loopback.ts';
import { createMetrics } from '../../src/server/metrics.ts';
import { createOutboxRelay } from '../../src/services/outbox-relay.ts';
import type { Store } from '../../src/store/index.ts';
import { collected, dropJobsSchema, FAST, plainIntegration, scriptedScans } from '../jobs/helpers.ts';
import { forEachDatabase } from '../support/databases.ts';

const healthy = createHealthCheck({
  storeKind: 'pglite',
  integrations: async () => [],
  queue: async () => ({ queued: 0, active: 0 }),
});
const metrics = () => createMetrics({ backlog: async () => [], processMetrics: false });

test('loopback addresses are told from the others', () => {
  for (const address of ['127.0.0.1', '127.8.9.1', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost']) {
    assert.equal(isLoopback(address), true, address);
  }
  for (const address of [
    '0.0.0.0',
    '::',
    '10.0.0.5',
    '::ffff:10.0.0.5',
    '128.0.0.1',
    'example.com',
    undefined,
  ]) {
    assert.equal(isLoopback(address), false, String(address));
  }
});

test('/healthz and /metrics answer this machine only; every other route is refused until authentication exists', async () => {
  const app = buildApp({ health: healthy, metrics: metrics() });
  try {
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 200);
    for (const request of [
      { url: '/healthz', remoteAddress: '10.0.0.5' },
      { url: '/metrics', remoteAddress: '192.168.1.9' },
      { url: '/api/integrations' },
      { url: '/healthz', method: 'POST' as const },
      { url: '/' },
    ]) {
      const response = await app.inject(request);
      assert.equal(response.statusCode, 401, JSON.stringify(request));
      assert.equal(response.json().error, 'authentication required');
    }
  } finally {
    await app.close();
  }
});

test('an authenticated client would pass the same gate (the placeholder for API authentication)', async () => {
  const app = buildApp({
    health: healthy,
    metrics: metrics(),
    authenticate: async (request) =>
      request.headers.authorization === 'Bearer ok' ? { subject: 'tester' } : undefined,
  });
  try {
    const remote = { url: '/healthz', remoteAddress: '10.0.0.5' };
    assert.equal((await app.inject(remote)).statusCode, 401);
    assert.equal((await app.inject({ ...remote, headers: { authorization: 'Bearer ok' } })).statusCode, 200);
  } finally {
    await app.close();
  }
});

test('/healthz is 503 when the database does not answer, or not in time', async () => {
  const down = createHealthCheck({
    storeKind: 'postgres',
    integrations: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
    queue: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
  });
  const stuck = createHealthCheck({
    storeKind: 'postgres',
    integrations: () => new Promise(() => {}),
    queue: async () => ({ queued: 0, active: 0 }),
    timeoutMs: 50,
  });
  for (const health of [down, stuck]) {
    const app = buildApp({ health, metrics: metrics() });
    try {
      const response = await app.inject({ url: '/healthz' });
      assert.equal(response.statusCode, 503);
      const report = response.json() as HealthReport;
      assert.equal(report.status, 'unavailable');
      assert.equal(report.store.reachable, false);
      assert.ok(report.store.error);
    } finally {
      await app.close();
    }
  }
});

forEachDatabase('the service after a scan', (db) => {
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

  test('/healthz shows the last scan and /metrics the scan, its RU, deliveries and the backlog; 503 once the database is gone', async () => {
    await store.integrations.create(plainIntegration('prod'));
    // Two events for two sinks: the after-scan relay delivers to `siem`; `archive` has no relay and keeps them.
    await store.outbox.enqueue([testEvent(), testEvent()], ['siem', 'archive']);
    const delivered: unknown[] = [];
    const relay = createOutboxRelay({
      outbox: store.outbox,
      sinks: [{ name: 'siem', deliver: async (events) => void delivered.push(...events) }],
      now: () => new Date(),
    });
    const observed = createMetrics({ backlog: () => store.outbox.backlog() });
    const worker = createScanWorker({
      jobs,
      store,
      scans: scriptedScans(store, async () => collected({ resourceUnits: 42 })),
      observer: observed,
      afterScan: async () => ({ deliveries: await relay.drain() }),
    });
    const health = createHealthCheck({
      storeKind: store.kind,
      integrations: () => integrationStatus(store),
      queue: async () => {
        const queue = await jobs.boss.getQueue(SCAN_QUEUE);
        return { queued: queue?.queuedCount ?? 0, active: queue?.activeCount ?? 0 };
      },
    });
    const app = buildApp({ health, metrics: observed });
    await worker.start();
    try {
      const { jobId } = await requestScan(jobs.boss, { integration: 'prod', requestedBy: 'test' });
      assert.equal((await followScanJob(jobs.boss, jobId, { pollMs: 100 })).state, 'completed');
      assert.equal(delivered.length, 2);

      const response = await app.inject({ url: '/healthz' });
      assert.equal(response.statusCode, 200);
      const report = response.json() as HealthReport;
      assert.equal(report.status, 'ok');
      assert.deepEqual(report.store, { kind: db.name, reachable: true });
      assert.equal(report.queue.reachable, true);
      assert.equal(report.integrations.length, 1);
      assert.equal(report.integrations[0]?.name, 'prod');
      assert.equal(report.integrations[0]?.schedule, '0 3 * * *');
      assert.equal(report.integrations[0]?.lastScan?.status, 'succeeded');

      const scraped = await app.inject({ url: '/metrics' });
      assert.equal(scraped.statusCode, 200);
      assert.match(scraped.headers['content-type'] as string, /^text\/plain/);
      const text = scraped.body;
      for (const series of [
        'lanyard_scans_total{integration="prod",status="succeeded"} 1',
        'lanyard_scan_duration_seconds_count{integration="prod"} 1',
        'lanyard_scan_resource_units_total{integration="prod"} 42',
        'lanyard_deliveries_total{sink="siem",outcome="delivered"} 2',
        'lanyard_outbox_backlog{sink="archive"} 2',
        'lanyard_outbox_backlog{sink="siem"} 0',
      ]) {
        assert.ok(text.includes(series), `${series} in\n${text}`);
      }
      assert.match(text, /^process_resident_memory_bytes \d+/m);
    } finally {
      await worker.stop();
    }

    await jobs.stop({ timeoutMs: 1_000 });
    await store.close();
    const gone = await app.inject({ url: '/healthz' });
    assert.equal(gone.statusCode, 503);
    assert.equal((gone.json() as HealthReport).store.reachable, false);
    assert.equal(
      (await app.inject({ url: '/metrics' })).statusCode,
      200,
      'metrics still answer, without the backlog',
    );
    await app.close();
  });
});
