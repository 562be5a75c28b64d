// Each integration's schedule (integrations.schedule, a cron expression in UTC, daily at 03:00 by default) kept
// as a pg-boss schedule of the scan queue, keyed by the integration's name.
import { PgBoss } from 'pg-boss';
import { InvalidInput, NotFound } from '../core/errors.ts';
import { inert } from '../core/inert-text.ts';
import type { Integration, Store } from '../store/index.ts';
import { SCAN_QUEUE, type ScanJobData } from './scan-queue.ts';

/** Schedules are read in UTC, whatever the server's zone, so a schedule means the same on every machine. */
const TIME_ZONE = 'UTC';
const ALIASES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);

/**
 * Checks a cron expression the way pg-boss will evaluate it (cron-parser), and returns its next runs. Five fields
 * (minute hour day-of-month month day-of-week), six with seconds first, or an alias such as @daily: the parser
 * alone would read a four-field typo as a schedule of every minute.
 */
export function validateSchedule(expression: string, from = new Date(), count = 3): Date[] {
  const cron = expression.trim().replace(/\s+/g, ' ');
  const fields = cron.split(' ').length;
  const fix =
    'give five fields, minute hour day-of-month month day-of-week, in UTC: e.g. "0 3 * * *" daily at 03:00';
  if (cron.startsWith('@') ? !ALIASES.has(cron.toLowerCase()) : fields < 5 || fields > 6) {
    throw new InvalidInput(`"${inert(expression)}" is not a cron expression`, { fix, field: 'schedule' });
  }
  try {
    // previewSchedule runs pg-boss's own check without a database; this instance never starts.
    return idleBoss().previewSchedule(cron, { from, count, tz: TIME_ZONE });
  } catch (error) {
    throw new InvalidInput(
      `"${inert(expression)}" is not a valid cron expression: ${(error as Error).message}`,
      {
        fix,
        field: 'schedule',
        cause: error,
      },
    );
  }
}

let idle: PgBoss | undefined;
function idleBoss(): PgBoss {
  idle ??= new PgBoss({
    db: {
      executeSql: () => Promise.reject(new Error('this pg-boss instance only checks cron expressions')),
    },
  });
  return idle;
}

/** Sets an integration's schedule in the store and, given the queue, at once in pg-boss. */
export async function setSchedule(
  store: Pick<Store, 'executeRaw'>,
  name: string,
  expression: string,
  boss?: PgBoss,
): Promise<{ cron: string; next: Date[] }> {
  const next = validateSchedule(expression);
  const cron = expression.trim().replace(/\s+/g, ' ');
  const { rows } = await store.executeRaw(
    'update integrations set schedule = $1 where name = $2 returning id',
    [cron, name],
  );
  if (rows.length === 0) {
    throw new NotFound(`no integration named "${inert(name)}"`, { fix: 'see `lanyard integration list`' });
  }
  if (boss) await scheduleIntegration(boss, name, cron);
  return { cron, next };
}

export interface ScheduleSync {
  added: string[];
  changed: string[];
  removed: string[];
  /** Integrations whose stored schedule pg-boss refused, with why: they keep no schedule until corrected. */
  invalid: Array<{ integration: string; reason: string }>;
}

/** Makes pg-boss's schedules of the scan queue those of the integrations: one per integration, nothing else. */
export async function syncSchedules(
  boss: PgBoss,
  integrations: Pick<Store['integrations'], 'list'>,
): Promise<ScheduleSync> {
  const wanted = new Map<string, Integration>((await integrations.list()).map((i) => [i.name, i]));
  const existing = new Map((await boss.getSchedules(SCAN_QUEUE)).map((s) => [s.key, s]));
  const sync: ScheduleSync = { added: [], changed: [], removed: [], invalid: [] };
  for (const [name, integration] of wanted) {
    const current = existing.get(name);
    if (current && current.cron === integration.schedule && current.timezone === TIME_ZONE) continue;
    try {
      validateSchedule(integration.schedule);
      await scheduleIntegration(boss, name, integration.schedule);
      (current ? sync.changed : sync.added).push(name);
    } catch (error) {
      sync.invalid.push({ integration: name, reason: (error as Error).message });
      if (current) await boss.unschedule(SCAN_QUEUE, name);
    }
  }
  for (const key of existing.keys()) {
    if (wanted.has(key)) continue;
    await boss.unschedule(SCAN_QUEUE, key);
    sync.removed.push(key);
  }
  return sync;
}

async function scheduleIntegration(boss: PgBoss, name: string, cron: string): Promise<void> {
  const data: ScanJobData = { integration: name, requestedBy: 'schedule' };
  // The singleton key makes a due schedule a no-op while the integration's previous job is still open.
  await boss.schedule(SCAN_QUEUE, cron, data, { key: name, singletonKey: name, tz: TIME_ZONE });
}
