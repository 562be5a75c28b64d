// `lanyard scan`: scan one integration (or all), show progress, print a summary or one JSON object.
import type { Command } from 'commander';
import { parseDuration } from '../../core/duration.ts';
import { InvalidInput, LanyardError, Unreachable } from '../../core/errors.ts';
import { inert, inertJson } from '../../core/inert-text.ts';
import type { ScanSummary } from '../../services/scan-service.ts';
import { createProgressReporter } from '../progress.ts';
import { loadRiskSettings } from '../risk-settings.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';
import { createCliScanService } from '../scan-wiring.ts';
import { DEMO_INTEGRATION } from './demo.ts';

function renderSummary(summary: ScanSummary): string {
  const counts = Object.entries(summary.counts)
    .map(([key, value]) => `  ${key.padEnd(28)} ${value}`)
    .join('\n');
  return [
    `scan ${summary.scanId} of "${inert(summary.integration)}": ${summary.status}${summary.reason ? ` (${inert(summary.reason)})` : ''}`,
    summary.mode
      ? `  ${summary.mode === 'incremental' ? 'incremental' : 'full'}${summary.modeReason ? `: ${inert(summary.modeReason)}` : ''}` +
        (summary.carriedParts?.length
          ? ` (kept from the last full scan: ${summary.carriedParts.map((p) => inert(p)).join(', ')})`
          : '')
      : '',
    counts,
    `  ${'requests'.padEnd(28)} ${summary.requests}`,
    `  ${'resource units'.padEnd(28)} ${summary.resourceUnits}`,
    `  ${'duration'.padEnd(28)} ${(summary.durationMs / 1000).toFixed(1)} s`,
    summary.findings
      ? `  ${'findings'.padEnd(28)} ${summary.findings.opened} new, ${summary.findings.resolved} resolved (lanyard findings)`
      : '',
    ...summary.warnings.map((w) => `  warning: ${inert(w)}`),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function parsePercent(text: string): number {
  const value = Number(text.replace(/\s*%$/, ''));
  if (!/^\d+(\.\d+)?\s*%?$/.test(text) || value > 100) {
    throw new InvalidInput(`--max-removal must be a percentage from 0 to 100, not "${inert(text)}"`, {
      fix: 'e.g. --max-removal 30',
    });
  }
  return value / 100;
}

/** `--full-every`: a duration of at least an hour (a shorter interval makes every scan full anyway). */
function parseFullEvery(text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms >= 3_600_000) return ms;
  } catch {}
  throw new InvalidInput(`--full-every must be a duration of an hour or more, not "${inert(text)}"`, {
    fix: 'e.g. --full-every 7d (the default), 1d or 2w; --full reads everything now',
  });
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan integrations now and store a new version of their inventory')
    .option('--integration <name>', 'scan only this integration (default: every integration)')
    .option('--json', 'print one JSON summary object per scan')
    .option('--quiet', 'no progress output')
    .option(
      '--max-removal <percent>',
      'a scan that would remove more than this share of the identities removes none (default 20)',
    )
    .option('--allow-mass-removal', 'let this scan remove any share of the identities it no longer sees')
    .option(
      '--full',
      'read every object, even where the last scan left delta links to read only what changed since',
    )
    .option(
      '--full-every <duration>',
      'read every object when the last full scan is older than this, e.g. 1d or 2w (default 7d)',
    )
    .option(
      '--no-access',
      'skip what each service principal holds (app roles, delegated grants, directory and Azure roles): it keeps what the previous scan read',
    )
    .option(
      '--no-last-use',
      'skip when identities and credentials last signed in (read from Graph with AuditLog.Read.All and Entra ID P1/P2)',
    )
    .action(async (options) => {
      const fullEveryMs =
        options.fullEvery !== undefined ? parseFullEvery(String(options.fullEvery)) : undefined;
      const removal = {
        ...(options.maxRemoval !== undefined ? { maxShare: parsePercent(String(options.maxRemoval)) } : {}),
        ...(options.allowMassRemoval ? { allowMass: true } : {}),
      };
      // The checks that run after the scan tier privileges as `lanyard risk` does, with the user's overrides.
      const { tiers } = await loadRiskSettings(program.opts<GlobalOptions>());
      // Sinks and alert channels are built before the scan, so a missing token stops it at once, by name.
      // Loaded here, not at start: the mail and SIEM clients are no part of `--help` or a typo's error.
      const { buildMonitoring, loadMonitoringSettings } = await import('../monitoring-settings.ts');
      const monitoringSettings = await loadMonitoringSettings(program.opts<GlobalOptions>());
      const monitoring = {
        ...(await buildMonitoring(monitoringSettings)),
        ...(monitoringSettings.alerts ? { alerts: monitoringSettings.alerts } : {}),
      };
      const closeMonitoring = () =>
        Promise.all([
          ...monitoring.sinks.map((sink) => sink.close?.()),
          ...monitoring.channels.map((channel) => channel.close?.()),
        ]);
      // Ctrl+C: the scan under way records what it read as partial (it removes nothing), and no further one starts.
      const interrupt = new AbortController();
      const summaries = await withStore(program.opts<GlobalOptions>(), async (store) => {
        const names = options.integration
          ? [options.integration as string]
          : (await store.integrations.list()).map((i) => i.name);
        if (names.length === 0) {
          throw new InvalidInput('there is no integration to scan', {
            fix: 'add one with `lanyard integration create azure ...` (or try `npm run demo`)',
          });
        }
        const service = createCliScanService(
          store,
          { access: options.access !== false, signIns: options.lastUse !== false },
          tiers,
          monitoring,
        );
        const onSignal = () => interrupt.abort();
        process.once('SIGINT', onSignal);
        const results = [];
        try {
          for (const name of names) {
            const progress = createProgressReporter({ quiet: Boolean(options.quiet || options.json) });
            const result = await service.run(name, {
              onProgress: (p) => progress.update(p),
              signal: interrupt.signal,
              removal,
              ...(options.full ? { full: true } : {}),
              ...(fullEveryMs !== undefined ? { fullEveryMs } : {}),
              onJoin: (running) => {
                if (options.quiet || options.json) return;
                process.stderr.write(
                  `scan ${running.id} of "${inert(name)}" is already running (since ${running.startedAt.toISOString()}, ` +
                    `${inert(running.holder ?? 'another process')}); waiting for it to finish\n`,
                );
              },
            });
            progress.stop();
            results.push(result);
            if (interrupt.signal.aborted) break;
          }
        } finally {
          process.off('SIGINT', onSignal);
        }
        return results;
      }).finally(closeMonitoring);
      for (const { summary } of summaries) {
        process.stdout.write(`${options.json ? inertJson(summary) : renderSummary(summary)}\n`);
      }
      if (interrupt.signal.aborted) {
        process.stderr.write(
          'interrupted: what was read is recorded as a partial scan, which removed nothing; the previous data is kept\n',
        );
        // 128 + SIGINT, as shells report a command stopped by Ctrl+C.
        process.exitCode = 130;
        return;
      }
      // The summary is printed either way; the exit code still tells scripts the scan did not succeed.
      const failed = summaries.find((s) => s.error !== undefined);
      if (failed) {
        const { error } = failed;
        if (error instanceof Unreachable && failed.summary.integration === DEMO_INTEGRATION) {
          // The demo's emulated cloud lives only as long as `lanyard demo`; unreachable is expected after it.
          throw new Unreachable(
            `"${DEMO_INTEGRATION}" is the built-in demo tenant, and its emulated cloud has stopped`,
            {
              cause: error,
              fix: 'run `npm run demo` (or `lanyard demo`) again: it starts the emulated cloud and rescans the demo tenant',
            },
          );
        }
        throw error instanceof LanyardError ? error : new Error(String(error));
      }
      if (summaries.some((s) => s.summary.status !== 'succeeded')) process.exitCode = 1;
    });
}
