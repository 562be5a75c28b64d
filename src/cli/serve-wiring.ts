// The service's composition root (`lanyard serve` and `lanyard worker`): the store, pg-boss over it, the scan
// worker, the schedules kept in step with the integrations and, for serve, the HTTP endpoints. Stops on SIGINT or
// SIGTERM: takes no more jobs, interrupts the running scans (each records what it read, and its job runs again),
// then closes the store.
import { once } from 'node:events';
import pino from 'pino';
import { openJobs } from '../jobs/boss.ts';
import { SCAN_QUEUE } from '../jobs/scan-queue.ts';
import { type AfterScan, createScanWorker, type WorkerLog } from '../jobs/scan-worker.ts';
import { syncSchedules } from '../jobs/schedules.ts';
import { integrationStatus } from '../jobs/status.ts';
import { buildApp } from '../server/app.ts';
import { createHealthCheck } from '../server/health.ts';
import { isLoopback } from '../server/loopback.ts';
import { createMetrics } from '../server/metrics.ts';
import { createMonitoringService, type MonitoringService } from '../services/monitoring-service.ts';
import type { Store } from '../store/index.ts';
import { buildMonitoring, loadMonitoringSettings } from './monitoring-settings.ts';
import { loadRiskSettings } from './risk-settings.ts';
import { type GlobalOptions, openConfiguredStore } from './runtime.ts';
import { createCliScanService } from './scan-wiring.ts';

export interface ServiceOptions {
  role: 'serve' | 'worker';
  concurrency: number;
  host?: string;
  port?: number;
  /** After each job's scan: alerts and the outbox relay (wired by the caller; none by default). */
  afterScan?: AfterScan;
  /** Stops the service (default: the first SIGINT or SIGTERM). */
  signal?: AbortSignal;
}

/** How often the schedules are brought in step with integrations created, deleted or changed elsewhere. */
const SCHEDULE_SYNC_MS = 60_000;

const say = (line: string) => process.stderr.write(`${line}\n`);

export async function runService(globals: GlobalOptions, options: ServiceOptions): Promise<void> {
  const log = pino({ name: `lanyard-${options.role}` });
  const stop = options.signal ?? stopSignal();
  const { tiers } = await loadRiskSettings(globals);
  // Sinks and alert channels as `lanyard scan` builds them: a missing secret stops the start, by name.
  const monitoringSettings = await loadMonitoringSettings(globals);
  const monitoringWiring = {
    ...(await buildMonitoring(monitoringSettings)),
    ...(monitoringSettings.alerts ? { alerts: monitoringSettings.alerts } : {}),
  };
  // Never through another process's share of the embedded database: one service holds it, and a worker takes
  // the jobs its predecessor left active as orphans only because it holds the lock (scan-worker.ts).
  const store = await openConfiguredStore(globals, { exclusive: true });
  // Undone in reverse: HTTP, schedules, the worker (its scans record what they read), pg-boss, the store.
  const closers: Array<() => Promise<void>> = [
    () => store.close(),
    async () => {
      await Promise.all([
        ...monitoringWiring.sinks.map((sink) => sink.close?.()),
        ...monitoringWiring.channels.map((channel) => channel.close?.()),
      ]);
    },
  ];
  try {
    const jobs = await openJobs(store, {
      role: options.role === 'serve' ? 'scheduler' : 'worker',
      onError: (error) => log.error({ err: error }, 'queue error'),
      onWarning: (message) => log.warn({ queue: message }, 'queue warning'),
    });
    closers.push(() => jobs.stop());
    // The CLI beside the service (`lanyard integration run`, listings) reaches the embedded database through it.
    if (options.role === 'serve' && store.share) {
      const shared = await store.share();
      closers.push(() => shared.close());
    }
    const metrics = createMetrics({ backlog: () => store.outbox.backlog() });
    // The rounds between scans (outbox delivery, the daily digest) go through one monitoring service.
    const between = createMonitoringService({
      store,
      lastUse: store.lastUse,
      now: Date.now,
      ...monitoringWiring,
      onDeliveries: (rounds) => metrics.delivered(rounds),
    });

    // Bound before any job is taken, so a port in use fails the start, not a scan. A worker listens only when
    // given a port: several on one machine would otherwise fight over the default one.
    if (options.role === 'serve' || options.port !== undefined) {
      const health = createHealthCheck({
        storeKind: store.kind,
        integrations: () => integrationStatus(store),
        queue: async () => {
          const queue = await jobs.boss.getQueue(SCAN_QUEUE);
          return { queued: queue?.queuedCount ?? 0, active: queue?.activeCount ?? 0 };
        },
      });
      const app = buildApp({ health, metrics });
      const host = options.host ?? '127.0.0.1';
      await app.listen({ host, port: options.port ?? 8787 });
      closers.push(() => app.close());
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      log.info({ url, store: store.kind, concurrency: options.concurrency }, 'listening');
      say(
        options.role === 'serve'
          ? `lanyard serve: ${url}/healthz and ${url}/metrics, ${store.kind === 'pglite' ? 'embedded database' : 'PostgreSQL'}, ${options.concurrency} scan(s) at a time`
          : `lanyard worker: ${url}/healthz and ${url}/metrics`,
      );
      if (!isLoopback(host)) {
        say(
          `warning: listening on ${host}, which other machines may reach; /healthz and /metrics still answer only requests from this machine, and there is no authenticated API yet`,
        );
      }
    }
    if (options.role === 'serve') {
      closers.push(await keepSchedules(store, jobs.boss, log));
      // The serving process alone sends the digest: several workers would each send it.
      if (monitoringWiring.alerts?.digest.enabled) closers.push(keepDigesting(between, log));
    }

    const worker = createScanWorker({
      jobs,
      store,
      scans: createCliScanService(store, {}, tiers, {
        ...monitoringWiring,
        onDeliveries: (rounds) => metrics.delivered(rounds),
      }),
      concurrency: options.concurrency,
      observer: metrics,
      ...(options.afterScan ? { afterScan: options.afterScan } : {}),
      log,
    });
    await worker.start();
    closers.push(() => worker.stop());
    if (monitoringWiring.sinks.length) closers.push(keepDelivering(between, log));
    if (options.role === 'worker') say(`lanyard worker: taking scan jobs, ${options.concurrency} at a time`);

    if (!stop.aborted) await once(stop, 'abort');
    say('stopping: no new scans; running scans are interrupted and recorded, and their jobs run again');
  } finally {
    for (const close of closers.reverse()) {
      await close().catch((error) => log.error({ err: error }, 'stopping failed'));
    }
  }
  say('stopped');
}

/** How often the outbox is delivered between scans: a sink that came back catches up within this. */
const DELIVERY_MS = 15_000;

/**
 * Delivers the outbox every few seconds (each sink's failed events wait for their own retry time), so a sink
 * that was down catches up without waiting for the next scan; returns what stops it.
 */
function keepDelivering(monitoring: Pick<MonitoringService, 'deliver'>, log: WorkerLog): () => Promise<void> {
  // A long backlog is drained by the round under way: the next starts only after it.
  return repeatEvery(
    DELIVERY_MS,
    async () => {
      await monitoring.deliver();
    },
    { onError: (error) => log.error({ err: error }, 'delivery failed') },
  );
}

/**
 * Runs `round` every `ms`, one at a time (a tick while one runs is skipped), and at once with `immediately`;
 * its errors go to `onError`. What it returns stops the timer and waits for a round under way.
 */
function repeatEvery(
  ms: number,
  round: () => Promise<void>,
  options: { immediately?: boolean; onError: (error: unknown) => void },
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= round()
      .catch(options.onError)
      .finally(() => {
        running = undefined;
      });
  };
  if (options.immediately) tick();
  const timer = setInterval(tick, ms);
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/** How often the service looks whether the day's digest is due (it goes within this after `hourUtc`). */
const DIGEST_CHECK_MS = 5 * 60_000;

/** Sends the email channels' daily digest once it is due, checking every few minutes; returns what stops it. */
function keepDigesting(
  monitoring: Pick<MonitoringService, 'sendDigest'>,
  log: WorkerLog,
): () => Promise<void> {
  return repeatEvery(
    DIGEST_CHECK_MS,
    async () => {
      for (const summary of await monitoring.sendDigest()) {
        if (summary.sent.length || summary.failed.length)
          log.info(
            { channel: summary.channel, sent: summary.sent.length, failed: summary.failed.length },
            'daily digest',
          );
      }
    },
    { immediately: true, onError: (error) => log.error({ err: error }, 'the daily digest failed') },
  );
}

/** Syncs the schedules now and every minute; returns what stops it. */
async function keepSchedules(
  store: Store,
  boss: Parameters<typeof syncSchedules>[0],
  log: WorkerLog,
): Promise<() => Promise<void>> {
  const sync = async () => {
    const changes = await syncSchedules(boss, store.integrations);
    if (changes.added.length + changes.changed.length + changes.removed.length > 0) {
      log.info(changes, 'schedules updated');
    }
    for (const { integration, reason } of changes.invalid) {
      log.warn({ integration, reason }, 'an integration has an unusable schedule and is not scanned by it');
    }
  };
  await sync();
  const timer = setInterval(
    () => sync().catch((error) => log.error({ err: error }, 'schedule sync failed')),
    SCHEDULE_SYNC_MS,
  );
  return async () => clearInterval(timer);
}

/** Aborted by the first SIGINT or SIGTERM; a second one ends the process at once. */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (!controller.signal.aborted) {
      controller.abort();
      return;
    }
    say('stopping now, without waiting');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}
