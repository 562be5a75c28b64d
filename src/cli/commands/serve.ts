// `lanyard serve` (scheduler, workers and the HTTP endpoints in one process) and `lanyard worker` (workers only,
// for scale-out on a shared PostgreSQL). The service itself loads only when one of them runs.
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.ts';
import { inert } from '../../core/inert-text.ts';
import type { GlobalOptions } from '../runtime.ts';

function positiveInteger(flag: string, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < 1 || value > max) {
      throw new InvalidInput(`${flag} must be a whole number from 1 to ${max}, not "${inert(text)}"`);
    }
    return value;
  };
}

function port(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) {
    throw new InvalidInput(`--port must be a port number (0 picks a free one), not "${inert(text)}"`);
  }
  return value;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      "run the service: scans on each integration's schedule and on Run Now, /healthz and /metrics over HTTP",
    )
    .option(
      '--host <address>',
      'address to listen on (anything but loopback is reachable from the network)',
      '127.0.0.1',
    )
    .option('--port <port>', 'port to listen on', port, 8787)
    .option('--concurrency <n>', 'scans this process runs at once', positiveInteger('--concurrency', 64), 1)
    .action(async (options: { host: string; port: number; concurrency: number }) => {
      const { runService } = await import('../serve-wiring.ts');
      await runService(program.opts<GlobalOptions>(), { role: 'serve', ...options });
    });
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take scan jobs from a shared PostgreSQL (scale-out beside `lanyard serve`); no schedules')
    .option('--concurrency <n>', 'scans this process runs at once', positiveInteger('--concurrency', 64), 1)
    .option('--port <port>', 'serve /healthz and /metrics on this port (default: no HTTP)', port)
    .option(
      '--host <address>',
      'address for --port to listen on (anything but loopback is reachable from the network)',
      '127.0.0.1',
    )
    .action(async (options: { concurrency: number; port?: number; host: string }) => {
      const globals = program.opts<GlobalOptions>();
      if (!(globals.database ?? process.env.LANYARD_DATABASE_URL)) {
        throw new InvalidInput(
          'lanyard worker needs a shared PostgreSQL: the embedded database belongs to one process, and `lanyard serve` runs its scans itself',
          {
            fix: 'give --database postgres://… (or LANYARD_DATABASE_URL) on every machine, with `lanyard serve` on one of them',
          },
        );
      }
      const { runService } = await import('../serve-wiring.ts');
      await runService(globals, { role: 'worker', ...options });
    });
}
