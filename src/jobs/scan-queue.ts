// The `scan` queue: one job asks for one scan of one integration. Its policy keeps a single flight per
// integration: while a job of an integration is queued, waiting to retry or running, asking again (Run Now or the
// schedule) returns that job instead of adding one.
import type { JobWithMetadata, PgBoss, Queue } from 'pg-boss';
import type { Store } from '../store/index.ts';
import type { JobTimings } from './boss.ts';

export const SCAN_QUEUE = 'scan';

export interface ScanJobData {
  integration: string;
  /** Who asked: `schedule`, or the user and host of a Run Now. */
  requestedBy: string;
  /** Read every object rather than only what changed since the last scan. */
  full?: boolean;
}

/** What a finished job records: the scan it ran, or the running one it waited for (`joined`). */
export interface ScanJobOutput {
  scanId: number | null;
  status: 'succeeded' | 'partial' | 'failed' | 'skipped';
  reason: string | null;
  durationMs: number;
  resourceUnits: number;
  joined?: true;
}

export type ScanJob = JobWithMetadata<ScanJobData>;

/** Queued, waiting to retry or running: the states in which a job holds its integration's single flight. */
const OPEN_STATES: ReadonlySet<string> = new Set(['created', 'retry', 'active']);

export function scanQueueOptions(kind: Store['kind'], timings: JobTimings): Omit<Queue, 'name'> {
  return {
    // One job per singleton key (the integration) queued or active; a send while one is returns null.
    policy: 'exclusive',
    retryLimit: timings.retryLimit,
    retryDelay: timings.retryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: timings.retryDelayMaxSeconds,
    expireInSeconds: timings.expireSeconds,
    // A finished job is only how a request ended; the scan itself is recorded in the store.
    deleteAfterSeconds: 86_400,
    // On PostgreSQL a worker on another machine may die: its job is failed and retried once its heartbeat
    // stops. PGlite has one process (its lock), which fails what a dead predecessor left active at start
    // (recoverOrphanedJobs); a heartbeat there would also queue behind a long commit on the one connection.
    ...(kind === 'postgres' ? { heartbeatSeconds: timings.heartbeatSeconds } : {}),
  };
}

export interface ScanRequest {
  jobId: string;
  /** True when a job of the integration was already queued or running: this is that job. */
  existing: boolean;
  state: ScanJob['state'];
}

/**
 * Asks for a scan now. While a job of the integration is open, returns it instead; one waiting for its start
 * time (a retry's backoff) is moved to now, since a user asked.
 */
export async function requestScan(boss: PgBoss, data: ScanJobData): Promise<ScanRequest> {
  // A job may finish between the refused send and the look-up: then the send succeeds on the next round.
  for (let attempt = 0; attempt < 5; attempt++) {
    const jobId = await boss.send(SCAN_QUEUE, { ...data }, { singletonKey: data.integration });
    if (jobId) return { jobId, existing: false, state: 'created' };
    const open = await openScanJob(boss, data.integration);
    if (!open) continue;
    if (open.state !== 'active' && new Date(open.startAfter).getTime() > Date.now()) {
      await boss.update(SCAN_QUEUE, undefined, { id: open.id, startAfter: new Date() });
    }
    return { jobId: open.id, existing: true, state: open.state };
  }
  throw new Error(`the scan queue kept refusing a job for "${data.integration}" without holding one`);
}

/** The integration's queued, retrying or running job, if any. */
export async function openScanJob(boss: PgBoss, integration: string): Promise<ScanJob | undefined> {
  const [queued] = await boss.findJobs<ScanJobData>(SCAN_QUEUE, { key: integration, queued: true });
  if (queued) return queued;
  // Finished jobs stay a day (deleteAfterSeconds): at most a few hundred rows even on a 5-minute schedule.
  const jobs = await boss.findJobs<ScanJobData>(SCAN_QUEUE, { key: integration, limit: 100_000 });
  return jobs.find((job) => job.state === 'active');
}

export async function readScanJob(boss: PgBoss, id: string): Promise<ScanJob | undefined> {
  const [job] = await boss.findJobs<ScanJobData>(SCAN_QUEUE, { id });
  return job;
}

/** Done for good: completed, failed with no retry left, or cancelled. */
export const isSettled = (job: Pick<ScanJob, 'state'>): boolean => !OPEN_STATES.has(job.state);
