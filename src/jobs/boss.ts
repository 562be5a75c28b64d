// pg-boss on the store's own database: its tables sit in a schema of their own beside Lanyard's, reached through
// the store's connection (store.executeRaw), so the queue runs on the embedded PGlite as well as on PostgreSQL.
import { PgBoss } from 'pg-boss';
import type { Store } from '../store/index.ts';
import { SCAN_QUEUE, scanQueueOptions } from './scan-queue.ts';

/**
 * What the process does with the queue: `client` only sends and reads jobs (the CLI); `worker` also takes them
 * and supervises (fails jobs whose worker stopped heartbeating); `scheduler` also turns schedules into jobs.
 */
export type JobsRole = 'client' | 'worker' | 'scheduler';

/** pg-boss's timings; the defaults suit a service, tests shorten them. */
export interface JobTimings {
  /** How often a worker looks for jobs (pg-boss's minimum is 0.5 s). */
  pollingSeconds: number;
  /** How often stale jobs (no heartbeat) are failed and retried. */
  superviseSeconds: number;
  /** How often due schedules become jobs. */
  cronSeconds: number;
  /** PostgreSQL: a job whose worker has not touched it for this long is failed and retried (minimum 10). */
  heartbeatSeconds: number;
  /** First wait before a failed job runs again; doubles each retry, up to retryDelayMaxSeconds. */
  retryDelaySeconds: number;
  retryDelayMaxSeconds: number;
  /** Runs of a job after its first that a failure may take. */
  retryLimit: number;
  /** A job running longer than this is failed (and its scan interrupted): a bound, not a liveness check. */
  expireSeconds: number;
}

export const DEFAULT_TIMINGS: JobTimings = {
  pollingSeconds: 2,
  superviseSeconds: 30,
  cronSeconds: 30,
  // Twice the interval at which pg-boss refreshes it, and like the scan's own lease (60 s) long enough to ride
  // out a stalled event loop.
  heartbeatSeconds: 60,
  retryDelaySeconds: 60,
  retryDelayMaxSeconds: 1_800,
  retryLimit: 3,
  // A first scan of a very large tenant reads sign-in reports for many minutes (bench/README.md); hours are
  // a runaway.
  expireSeconds: 6 * 3_600,
};

export interface Jobs {
  readonly boss: PgBoss;
  /** The PostgreSQL schema holding pg-boss's tables. */
  readonly schema: string;
  readonly kind: Store['kind'];
  readonly timings: JobTimings;
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

export interface OpenJobsOptions {
  role: JobsRole;
  timings?: Partial<JobTimings>;
  /** pg-boss's schema (default: lanyard_jobs, or `<schema>_jobs` beside a store in another schema than public). */
  schema?: string;
  /** Where pg-boss's errors and warnings go (default: nowhere; the queue retries by itself). */
  onError?: (error: Error) => void;
  onWarning?: (message: string) => void;
}

/** Starts pg-boss over the store (creating or migrating its schema) with the scan queue in place. */
export async function openJobs(
  store: Pick<Store, 'kind' | 'executeRaw'>,
  options: OpenJobsOptions,
): Promise<Jobs> {
  const timings = { ...DEFAULT_TIMINGS, ...options.timings };
  const schema = options.schema ?? (await defaultSchema(store));
  const { role } = options;
  const boss = new PgBoss({
    db: { executeSql: (text, values) => store.executeRaw(text, values) },
    schema,
    backend: store.kind === 'pglite' ? 'pglite' : 'postgres',
    supervise: role !== 'client',
    schedule: role === 'scheduler',
    superviseIntervalSeconds: timings.superviseSeconds,
    // A queue's expired and heartbeat-stale jobs are failed at most once per monitor interval.
    monitorIntervalSeconds: timings.superviseSeconds,
    cronMonitorIntervalSeconds: Math.min(timings.cronSeconds, 45),
    cronWorkerIntervalSeconds: Math.min(timings.cronSeconds, 45),
    // The CLI's short visits would only fill the registry with instances that went quiet.
    registerInstance: role !== 'client',
    instanceName: `lanyard ${role === 'scheduler' ? 'serve' : role}`,
    // Traces and metrics are Lanyard's own (src/server/metrics.ts).
    openTelemetry: { enabled: false },
  });
  boss.on('error', (error) => options.onError?.(error));
  boss.on('warning', (warning) => options.onWarning?.(warning.message));
  await boss.start();
  try {
    await ensureScanQueue(boss, store.kind, timings);
  } catch (error) {
    await boss.stop({ graceful: false });
    throw error;
  }
  return {
    boss,
    schema,
    kind: store.kind,
    timings,
    async stop({ timeoutMs = 30_000 } = {}) {
      // The connection is the store's: pg-boss leaves it open, and the caller closes the store.
      await boss.stop({ graceful: true, timeout: timeoutMs });
    },
  };
}

/** Creates the queue, or brings an existing one's options up to date (its policy never changes). */
async function ensureScanQueue(boss: PgBoss, kind: Store['kind'], timings: JobTimings): Promise<void> {
  const options = scanQueueOptions(kind, timings);
  const existing = await boss.getQueue(SCAN_QUEUE);
  if (!existing) {
    await boss.createQueue(SCAN_QUEUE, options);
    return;
  }
  const { policy: _policy, ...updatable } = options;
  const differs = Object.entries(updatable).some(
    ([key, value]) => (existing as unknown as Record<string, unknown>)[key] !== value,
  );
  if (differs) await boss.updateQueue(SCAN_QUEUE, { heartbeatSeconds: null, ...updatable });
}

/** Beside Lanyard's own schema: `lanyard_jobs` for the default (public), `<schema>_jobs` for another. */
async function defaultSchema(store: Pick<Store, 'executeRaw'>): Promise<string> {
  const { rows } = await store.executeRaw('select current_schema() as schema');
  const current = String(rows[0]?.schema ?? 'public');
  return current === 'public' ? 'lanyard_jobs' : `${current}_jobs`;
}
