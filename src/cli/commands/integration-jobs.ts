// `lanyard integration run|schedule`: ask the service for a scan now, or set when it scans by itself. Both are
// plain queue operations on the store's database (pg-boss), loaded only when a command runs.
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.ts';
import { inert, inertJson } from '../../core/inert-text.ts';
import type { ScanJob, ScanJobOutput } from '../../jobs/scan-queue.ts';
import { integrationNamed } from '../../services/integration-service.ts';
import type { Store } from '../../store/index.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

export function registerIntegrationJobs(integration: Command, globals: () => GlobalOptions): void {
  integration
    .command('run')
    .argument('<name>')
    .description(
      'scan now, through the service (Run Now): asking while a scan of it is queued or runs returns that one',
    )
    .option('--full', 'read every object rather than only what changed since the last scan')
    .option('--wait', 'follow the scan to its end; exit non-zero unless it succeeded')
    .option('--json', 'print the job as JSON')
    .action(async (name: string, options: { full?: boolean; wait?: boolean; json?: boolean }) => {
      const exitCode = await withStore(globals(), (store) => runNow(store, name, options));
      if (exitCode !== 0) process.exitCode = exitCode;
    });

  integration
    .command('schedule')
    .argument('<name>')
    .argument('[cron...]', 'a cron expression in UTC, quoted: "0 3 * * *" (daily at 03:00, the default)')
    .description('show or set when an integration is scanned by `lanyard serve` (cron, UTC)')
    .option('--json', 'print JSON')
    .action(async (name: string, words: string[], options: { json?: boolean }) => {
      const { setSchedule, validateSchedule } = await import('../../jobs/schedules.ts');
      const expression = words.join(' ');
      // Checked before the database is opened: a typo needs no lock, no connection.
      if (expression) validateSchedule(expression);
      const result = await withStore(globals(), async (store) => {
        if (!expression) {
          const found = await integrationNamed(store.integrations, name, 'name');
          return { cron: found.schedule, next: validateSchedule(found.schedule), changed: false };
        }
        const { openJobs } = await import('../../jobs/boss.ts');
        const jobs = await openJobs(store, { role: 'client' });
        try {
          return { ...(await setSchedule(store, name, expression, jobs.boss)), changed: true };
        } finally {
          await jobs.stop();
        }
      });
      if (options.json) {
        const next = result.next.map((d) => d.toISOString());
        process.stdout.write(
          `${inertJson({ integration: name, schedule: result.cron, timeZone: 'UTC', next })}\n`,
        );
        return;
      }
      const next = result.next.map((d) => d.toISOString().replace('T', ' ').slice(0, 16)).join(', ');
      process.stdout.write(
        `${result.changed ? 'scheduled' : 'schedule of'} "${inert(name)}": ${inert(result.cron)} (UTC); next runs ${next}\n`,
      );
    });
}

async function runNow(
  store: Store,
  name: string,
  options: { full?: boolean; wait?: boolean; json?: boolean },
): Promise<number> {
  const integration = await integrationNamed(store.integrations, name, 'name');
  const { openJobs } = await import('../../jobs/boss.ts');
  const { requestScan } = await import('../../jobs/scan-queue.ts');
  const { followScanJob, liveWorkers } = await import('../../jobs/follow.ts');
  const jobs = await openJobs(store, { role: 'client' });
  try {
    const request = await requestScan(jobs.boss, {
      integration: name,
      requestedBy: requester(),
      ...(options.full ? { full: true } : {}),
    });
    const say = (line: string) => process.stderr.write(`${line}\n`);
    if (!request.existing) say(`queued scan job ${request.jobId} for "${inert(name)}"`);
    else if (request.state === 'active') {
      const scan = (await store.scans.list(integration.id)).findLast((s) => s.status === 'running');
      say(
        `a scan of "${inert(name)}" is already running${scan ? ` (scan ${scan.id}, since ${scan.startedAt.toISOString()})` : ''}: job ${request.jobId}`,
      );
    } else say(`a scan of "${inert(name)}" is already queued: job ${request.jobId}`);

    // Holding the embedded database itself (no share of a running serve reached), this process is alone on it:
    // no service runs, so nothing takes the job now.
    const holdsEmbedded = store.kind === 'pglite' && store.share !== undefined;
    const workers = holdsEmbedded ? 0 : await liveWorkers(jobs.boss);
    if (workers === 0) {
      if (options.wait && holdsEmbedded) {
        throw new InvalidInput(
          `scan job ${request.jobId} is queued, but no service is running to take it, and waiting here would keep the embedded database from it`,
          {
            fix: `start \`lanyard serve\` (it runs the job), or scan in this terminal with \`lanyard scan --integration ${name}\``,
          },
        );
      }
      say('no `lanyard serve` or `lanyard worker` is running: the job runs when one starts');
    }
    if (!options.wait) {
      if (options.json)
        process.stdout.write(
          `${inertJson({ jobId: request.jobId, existing: request.existing, state: request.state })}\n`,
        );
      else process.stdout.write(`${request.jobId}\n`);
      return 0;
    }
    const settled = await followScanJob(jobs.boss, request.jobId, {
      onChange: (job) => {
        if (job.state === 'active') say(`running (attempt ${job.retryCount + 1})`);
        if (job.state === 'retry')
          say(`failed; retrying after ${new Date(job.startAfter).toISOString()}: ${failure(job)}`);
      },
    });
    return report(settled, options.json === true);
  } finally {
    await jobs.stop();
  }
}

/** Prints how the job ended; the exit code is 0 only for a scan that succeeded. */
function report(job: ScanJob, json: boolean): number {
  const output = job.state === 'completed' ? (job.output as unknown as ScanJobOutput) : undefined;
  if (json) {
    process.stdout.write(`${inertJson({ jobId: job.id, state: job.state, output: job.output })}\n`);
  } else if (output) {
    const detail = output.scanId === null ? '' : `scan ${output.scanId} `;
    const reason = output.reason ? ` (${inert(output.reason)})` : '';
    const figures =
      output.status === 'skipped'
        ? ''
        : `, ${(output.durationMs / 1000).toFixed(1)} s, ${output.resourceUnits} RU${output.joined ? ', run by another process' : ''}`;
    process.stdout.write(`${detail}${output.status}${reason}${figures}\n`);
  } else {
    process.stdout.write(
      `job ${job.id} ${job.state} after ${job.retryCount + 1} attempts: ${failure(job)}\n`,
    );
  }
  return output?.status === 'succeeded' ? 0 : 1;
}

function failure(job: ScanJob): string {
  const output = job.output as { message?: unknown; reason?: unknown } | null;
  return inert(String(output?.message ?? output?.reason ?? 'no reason recorded'));
}

function requester(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `cli@${hostname()}`;
  }
}
