// Follows a scan job to its end for `lanyard integration run --wait`: reports each change of state, returns the
// settled job.
import { setTimeout as delay } from 'node:timers/promises';
import type { PgBoss } from 'pg-boss';
import { isSettled, readScanJob, type ScanJob } from './scan-queue.ts';

export interface FollowOptions {
  /** Called with the job whenever its state or attempt changes (and once at the start). */
  onChange?: (job: ScanJob) => void;
  pollMs?: number;
  signal?: AbortSignal;
}

export async function followScanJob(boss: PgBoss, id: string, options: FollowOptions = {}): Promise<ScanJob> {
  const { onChange, pollMs = 1_000, signal } = options;
  let seen = '';
  for (;;) {
    const job = await readScanJob(boss, id);
    // Finished jobs are deleted after a day; one gone while followed ended without anyone seeing how.
    if (!job) throw new Error(`scan job ${id} no longer exists`);
    const now = `${job.state}/${job.retryCount}`;
    if (now !== seen) {
      seen = now;
      onChange?.(job);
    }
    if (isSettled(job)) return job;
    await delay(pollMs, undefined, { signal });
  }
}

/** Live pg-boss instances of Lanyard that take scan jobs (`lanyard serve` or `lanyard worker`). */
export async function liveWorkers(boss: PgBoss): Promise<number> {
  const instances = await boss.getInstances();
  return instances.filter((i) => i.live && /^lanyard (serve|worker)$/.test(i.name ?? '')).length;
}
