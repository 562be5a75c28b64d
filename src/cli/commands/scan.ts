// `lanyard scan`: scan one integration (or all), show progress, print a summary or one JSON object.
import type { Command } from 'commander';
import { InvalidInput, LanyardError } from '../../core/errors.ts';
import { inert, inertJson } from '../../core/inert-text.ts';
import type { ScanSummary } from '../../services/scan-service.ts';
import { createProgressReporter } from '../progress.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';
import { createCliScanService } from '../scan-wiring.ts';

function renderSummary(summary: ScanSummary): string {
  const counts = Object.entries(summary.counts)
    .map(([key, value]) => `  ${key.padEnd(28)} ${value}`)
    .join('\n');
  return [
    `scan ${summary.scanId} of "${inert(summary.integration)}": ${summary.status}${summary.reason ? ` (${inert(summary.reason)})` : ''}`,
    counts,
    `  ${'requests'.padEnd(28)} ${summary.requests}`,
    `  ${'resource units'.padEnd(28)} ${summary.resourceUnits}`,
    `  ${'duration'.padEnd(28)} ${(summary.durationMs / 1000).toFixed(1)} s`,
    ...summary.warnings.map((w) => `  warning: ${inert(w)}`),
  ]
    .filter((line) => line !== '')
    .join('\n');
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan integrations now and store a new version of their inventory')
    .option('--integration <name>', 'scan only this integration (default: every integration)')
    .option('--json', 'print one JSON summary object per scan')
    .option('--quiet', 'no progress output')
    .action(async (options) => {
      const summaries = await withStore(program.opts<GlobalOptions>(), async (store) => {
        const names = options.integration
          ? [options.integration as string]
          : (await store.integrations.list()).map((i) => i.name);
        if (names.length === 0) {
          throw new InvalidInput('there is no integration to scan', {
            fix: 'add one with `lanyard integration create azure ...` (or try `npm run demo`)',
          });
        }
        const service = createCliScanService(store);
        const interrupt = new AbortController();
        const onSignal = () => interrupt.abort();
        process.once('SIGINT', onSignal);
        const results = [];
        try {
          for (const name of names) {
            const progress = createProgressReporter({ quiet: Boolean(options.quiet || options.json) });
            const result = await service.run(name, {
              onProgress: (p) => progress.update(p),
              signal: interrupt.signal,
            });
            progress.stop();
            results.push(result);
          }
        } finally {
          process.off('SIGINT', onSignal);
        }
        return results;
      });
      for (const { summary } of summaries) {
        process.stdout.write(`${options.json ? inertJson(summary) : renderSummary(summary)}\n`);
      }
      // The summary is printed either way; the exit code still tells scripts the scan did not succeed.
      const failed = summaries.find((s) => s.error !== undefined);
      if (failed) throw failed.error instanceof LanyardError ? failed.error : new Error(String(failed.error));
      if (summaries.some((s) => s.summary.status !== 'succeeded')) process.exitCode = 1;
    });
}
