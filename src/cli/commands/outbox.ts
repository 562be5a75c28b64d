// `lanyard outbox`: the events waiting for each SIEM sink (how many, since when, the last error), and
// `lanyard outbox deliver` to send them now instead of at their next retry time.
import type { Command } from 'commander';
import { inert } from '../../core/inert-text.ts';
import { createMonitoringService } from '../../services/monitoring-service.ts';
import { renderTable } from '../format/table.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

export function registerOutbox(program: Command): void {
  const outbox = program
    .command('outbox')
    .description('events waiting for each SIEM sink of monitoring.json: how many, since when, the last error')
    .action(async () => {
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const backlog = await store.outbox.backlog();
        if (!backlog.length) {
          process.stdout.write('Nothing waits: every event was delivered to every sink.\n');
          return;
        }
        const rows = backlog.map((b) => [b.sink, b.pending, b.oldest ?? '', b.failing, b.lastError ?? '']);
        process.stdout.write(
          `${renderTable(['SINK', 'PENDING', 'OLDEST', 'FAILED ONCE+', 'LAST ERROR'], rows, 80)}\n`,
        );
      });
    });

  outbox
    .command('deliver')
    .description('deliver the waiting events now, retrying failed ones without waiting for their backoff')
    .action(async () => {
      const globals = program.opts<GlobalOptions>();
      const { buildMonitoring, loadMonitoringSettings } = await import('../monitoring-settings.ts');
      const settings = await loadMonitoringSettings(globals);
      const { sinks } = await buildMonitoring({ sinks: settings.sinks, alerts: null });
      try {
        const rounds = await withStore(globals, (store) =>
          createMonitoringService({ store, lastUse: store.lastUse, now: Date.now, sinks }).deliver({
            retryNow: true,
          }),
        );
        if (!rounds.length) process.stdout.write(`No sinks configured in ${inert(settings.path)}.\n`);
        for (const round of rounds) {
          process.stdout.write(
            `${inert(round.sink)}: ${round.delivered} delivered${round.failed ? `, ${round.failed} failed (${inert(round.error ?? '')})` : ''}\n`,
          );
        }
        if (rounds.some((round) => round.failed)) process.exitCode = 1;
      } finally {
        await Promise.all(sinks.map((sink) => sink.close?.()));
      }
    });
}
