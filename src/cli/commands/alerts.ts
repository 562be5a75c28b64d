// `lanyard alerts digest`: sends the daily digest of the email channels (the alerts they held for it), for a
// machine that scans from cron instead of running `lanyard serve`, which sends it by itself at `hourUtc`.
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.ts';
import { inert } from '../../core/inert-text.ts';
import { createMonitoringService } from '../../services/monitoring-service.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alerts to the owners of identities (the "alerts" of monitoring.json)');

  alerts
    .command('digest')
    .description(
      "send the email channels' daily digest: what they held before today's hourUtc (UTC), or all with --now",
    )
    .option('--now', 'send everything held so far, without waiting for hourUtc')
    .action(async (options: { now?: boolean }) => {
      const globals = program.opts<GlobalOptions>();
      const { buildMonitoring, loadMonitoringSettings } = await import('../monitoring-settings.ts');
      const settings = await loadMonitoringSettings(globals);
      if (!settings.alerts?.digest.enabled) {
        const where = settings.fromFile
          ? `is off in ${settings.path}`
          : `is off: there is no ${settings.path}`;
        throw new InvalidInput(`the daily digest ${where}`, {
          fix: 'add "digest": { "enabled": true, "hourUtc": 8 } to its "alerts", with an email channel (README: Daily digest)',
        });
      }
      const config = settings.alerts;
      const { channels } = await buildMonitoring({ sinks: [], alerts: config });
      try {
        const summaries = await withStore(globals, (store) =>
          createMonitoringService({
            store,
            lastUse: store.lastUse,
            now: Date.now,
            channels,
            alerts: config,
          }).sendDigest(options.now ? { immediately: true } : {}),
        );
        if (!summaries.length) process.stdout.write('No email channel holds alerts for the digest.\n');
        for (const summary of summaries) {
          const [first] = summary.failed;
          const failed = first
            ? `, ${summary.failed.length} not sent and still held (${inert(first.reason)})`
            : '';
          process.stdout.write(
            `${inert(summary.channel)}: ${summary.sent.length} alert${summary.sent.length === 1 ? '' : 's'} sent in the digest${failed}\n`,
          );
        }
        if (summaries.some((summary) => summary.failed.length)) process.exitCode = 1;
      } finally {
        await Promise.all(channels.map((channel) => channel.close?.()));
      }
    });
}
