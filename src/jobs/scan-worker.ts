// Takes scan jobs and runs them: one scan per job through the scan service, then the after-scan hook (alerts,
// outbox relay). A scan another process is running is waited for and becomes this job's result; one whose
// process died (its lease expired) is recorded abandoned and scanned again. A transient failure is retried with
// backoff; a job whose worker died is failed by pg-boss (PostgreSQL: heartbeat) or at the next start (PGlite)
// and runs again.
import { setTimeout as delay } from 'node:timers/promises';
import type { Job } from 'pg-boss';
import { type ErrorCode, LanyardError, NotFound, ScanInProgress } from '../core/errors.ts';
import type { RunScanOptions, RunScanOutcome, ScanSummary } from '../services/scan-service.ts';
import type { ScanRecord, Store } from '../store/index.ts';
import type { Jobs } from './boss.ts';
import { SCAN_QUEUE, type ScanJobData, type ScanJobOutput } from './scan-queue.ts';

/** The scan service as the worker uses it (createCliScanService in the CLI's composition root). */
export interface ScanRunner {
  run(integration: string, options?: RunScanOptions): Promise<RunScanOutcome>;
}

/** Told of every scan this process ran (not of those it waited for: their process counts them). */
export interface ScanObserver {
  scanFinished(summary: Pick<ScanSummary, 'integration' | 'status' | 'durationMs' | 'resourceUnits'>): void;
  /** Events the after-scan hook delivered or failed to deliver, per sink. */
  delivered?(rounds: ReadonlyArray<{ sink: string; delivered: number; failed: number }>): void;
}

export interface AfterScanContext {
  jobId: string;
  data: ScanJobData;
  output: ScanJobOutput;
  /** Present when this process ran the scan. */
  summary?: ScanSummary;
}

/** Runs after each job's scan (the lead wires alerts and the outbox relay here); its failure fails no scan. */
export type AfterScan = (
  context: AfterScanContext,
) => Promise<{ deliveries?: ReadonlyArray<{ sink: string; delivered: number; failed: number }> } | undefined>;

/** pino's shape, so a pino logger passes as it is. */
export interface WorkerLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ScanWorkerDeps {
  jobs: Pick<Jobs, 'boss' | 'kind' | 'schema' | 'timings'>;
  store: { scans: Pick<Store['scans'], 'get'> };
  scans: ScanRunner;
  /** Jobs this process runs at once (default 1). */
  concurrency?: number;
  observer?: ScanObserver;
  afterScan?: AfterScan;
  log?: WorkerLog;
  /** How often a scan another process runs is looked at (default 2 s). */
  waitPollMs?: number;
}

/** Failures that running again would only repeat: the job completes with the failed scan as its result. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set([
  'LANYARD_INVALID_INPUT',
  'LANYARD_NOT_FOUND',
  'LANYARD_AUTH_FAILED',
  'LANYARD_PERMISSION_MISSING',
  'LANYARD_TLS_UNTRUSTED',
  'LANYARD_CREDENTIAL_UNREADABLE',
]);

const QUIET: WorkerLog = { info() {}, warn() {}, error() {} };

export function createScanWorker({
  jobs,
  store,
  scans,
  concurrency = 1,
  observer,
  afterScan,
  log = QUIET,
  waitPollMs = 2_000,
}: ScanWorkerDeps) {
  const { boss } = jobs;
  const running = new Set<AbortController>();
  let stopping = false;
  let workId: string | undefined;

  /** Waits for another process's scan: its record once finished, or undefined once its lease ran out. */
  async function awaitOthers(scanId: number, signal: AbortSignal): Promise<ScanRecord | undefined> {
    for (;;) {
      const record = await store.scans.get(scanId);
      if (!record) return undefined;
      if (record.status !== 'running') return record;
      if (record.leaseExpiresAt && record.leaseExpiresAt.getTime() < Date.now()) return undefined;
      await delay(waitPollMs, undefined, { signal });
    }
  }

  async function scan(
    { integration: name, full }: ScanJobData,
    signal: AbortSignal,
  ): Promise<{ output: ScanJobOutput; outcome?: RunScanOutcome }> {
    for (;;) {
      let other: ScanRecord | undefined;
      const stopJoining = new AbortController();
      try {
        const outcome = await scans.run(name, {
          signal: AbortSignal.any([signal, stopJoining.signal]),
          ...(full ? { full: true } : {}),
          // Joining is left to this loop, which also sees a dead process's scan through its lease.
          onJoin: (record) => {
            other = record;
            stopJoining.abort();
          },
        });
        return { output: outputOf(outcome), outcome };
      } catch (error) {
        if (!(error instanceof ScanInProgress) || !other) throw error;
      }
      log.info({ integration: name, scanId: other.id, holder: other.holder }, 'waiting for a running scan');
      const finished = await awaitOthers(other.id, signal);
      if (finished) return { output: joinedOutput(finished) };
      // Its lease expired: the next begin records it abandoned and scans again.
    }
  }

  async function handle([job]: Job<ScanJobData>[]): Promise<ScanJobOutput> {
    if (!job) throw new Error('pg-boss handed the scan worker an empty batch');
    const { integration } = job.data;
    const controller = new AbortController();
    running.add(controller);
    try {
      log.info({ jobId: job.id, integration, requestedBy: job.data.requestedBy }, 'scan job started');
      let result: Awaited<ReturnType<typeof scan>>;
      try {
        result = await scan(job.data, AbortSignal.any([job.signal, controller.signal]));
      } catch (error) {
        if (!(error instanceof NotFound)) throw error;
        // Deleted since it was asked for: nothing to scan, and nothing a retry would find.
        return { scanId: null, status: 'skipped', reason: error.message, durationMs: 0, resourceUnits: 0 };
      }
      const { output, outcome } = result;
      if (outcome && !outcome.joined) observer?.scanFinished(outcome.summary);
      await runAfterScan({
        jobId: job.id,
        data: job.data,
        output,
        ...(outcome ? { summary: outcome.summary } : {}),
      });
      log.info({ jobId: job.id, integration, ...output }, 'scan job finished');
      if (controller.signal.aborted || job.signal.aborted) {
        // Cut short by a stop (or pg-boss gave the job up): what was read is applied, and the job runs again.
        throw new Error(`scan ${output.scanId} was interrupted before it finished; the job runs again`);
      }
      if (output.status === 'failed' && retryable(outcome?.error)) {
        throw new Error(`scan ${output.scanId} failed: ${output.reason ?? 'unknown reason'}`, {
          cause: outcome?.error,
        });
      }
      return output;
    } finally {
      running.delete(controller);
    }
  }

  async function runAfterScan(context: AfterScanContext): Promise<void> {
    if (!afterScan) return;
    try {
      const result = await afterScan(context);
      if (result?.deliveries) observer?.delivered?.(result.deliveries);
    } catch (error) {
      log.error({ jobId: context.jobId, err: error }, 'the after-scan step failed; the scan stands');
    }
  }

  return {
    /** Starts taking jobs; on PGlite first fails the jobs a process that ended left active, so they run again. */
    async start(): Promise<void> {
      if (jobs.kind === 'pglite') {
        const recovered = await recoverOrphanedJobs(jobs);
        if (recovered > 0)
          log.warn({ recovered }, 'scan jobs left running by a process that ended run again');
      }
      workId = await boss.work<ScanJobData, ScanJobOutput>(
        SCAN_QUEUE,
        { batchSize: 1, localConcurrency: concurrency, pollingIntervalSeconds: jobs.timings.pollingSeconds },
        handle,
      );
    },
    /**
     * Takes no more jobs, interrupts the running scans (each records what it read as partial, and its job is
     * failed to run again) and waits for them to finish recording.
     */
    async stop(): Promise<void> {
      if (stopping || !workId) return;
      stopping = true;
      // This worker's pollers only (all of its localConcurrency share the id), not others on the queue.
      const stopped = boss.offWork(SCAN_QUEUE, { id: workId, wait: false });
      for (const controller of running) controller.abort();
      await stopped;
      await boss.offWork(SCAN_QUEUE, { id: workId, wait: true });
    },
    /** Jobs in hand now. */
    get active(): number {
      return running.size;
    },
  };
}

/**
 * PGlite only: this process holds the data directory's lock, so a job still active was left by a process that
 * ended (killed, crashed). Failing it sends it to retry, or to failed once its retries are spent.
 */
export async function recoverOrphanedJobs(jobs: Pick<Jobs, 'boss' | 'kind'>): Promise<number> {
  if (jobs.kind !== 'pglite') return 0;
  const active = await jobs.boss.findJobs<ScanJobData>(SCAN_QUEUE, { limit: 100_000 });
  const ids = active.filter((job) => job.state === 'active').map((job) => job.id);
  if (ids.length === 0) return 0;
  await jobs.boss.fail(SCAN_QUEUE, ids, { reason: 'abandoned: the process running it ended' });
  // Its backoff is for failures that may pass; a restart is the moment to run it again.
  for (const id of ids) {
    const [job] = await jobs.boss.findJobs<ScanJobData>(SCAN_QUEUE, { id });
    if (job?.state === 'retry') await jobs.boss.update(SCAN_QUEUE, undefined, { id, startAfter: new Date() });
  }
  return ids.length;
}

function retryable(error: unknown): boolean {
  return !(error instanceof LanyardError && PERMANENT.has(error.code));
}

function outputOf({ summary, joined }: RunScanOutcome): ScanJobOutput {
  return {
    scanId: summary.scanId,
    status: summary.status,
    reason: summary.reason,
    durationMs: summary.durationMs,
    resourceUnits: summary.resourceUnits,
    ...(joined ? { joined } : {}),
  };
}

function joinedOutput(record: ScanRecord): ScanJobOutput {
  const summary = (record.summary ?? {}) as Partial<ScanSummary>;
  return {
    scanId: record.id,
    status: record.status as ScanJobOutput['status'],
    reason: record.reason,
    durationMs: summary.durationMs ?? 0,
    resourceUnits: summary.resourceUnits ?? 0,
    joined: true,
  };
}
