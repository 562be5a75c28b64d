// `lanyard`: the command-line entry point. Commands parse arguments, call one service, format the result.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { LanyardError } from '../core/errors.ts';
import { inert } from '../core/inert-text.ts';
import { registerAlerts } from './commands/alerts.ts';
import { registerChanges } from './commands/changes.ts';
import { registerDemo } from './commands/demo.ts';
import { registerFindings } from './commands/findings.ts';
import { registerIdentity } from './commands/identity.ts';
import { registerIntegration } from './commands/integration.ts';
import { registerInventory } from './commands/inventory.ts';
import { registerOutbox } from './commands/outbox.ts';
import { registerRisk } from './commands/risk.ts';
import { registerScan } from './commands/scan.ts';
import { registerServe, registerWorker } from './commands/serve.ts';
import { watchBrokenPipe } from './output.ts';

/** Set by the build (scripts/build.mjs); read from package.json when run from source. */
declare const LANYARD_VERSION: string | undefined;

function version(): string {
  if (typeof LANYARD_VERSION === 'string') return LANYARD_VERSION;
  const manifest = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('lanyard')
    .description('Inventory and risk of Microsoft Entra workload identities')
    .version(version(), '-V, --version', 'print the version')
    .option(
      '--database <url>',
      'PostgreSQL URL (default: embedded PGlite under LANYARD_HOME; env LANYARD_DATABASE_URL)',
    )
    .option('--home <dir>', 'data directory (default: $LANYARD_HOME or ~/.lanyard)')
    .showHelpAfterError()
    .exitOverride();
  registerIntegration(program);
  registerScan(program);
  registerInventory(program);
  registerIdentity(program);
  registerRisk(program);
  registerChanges(program);
  registerFindings(program);
  registerOutbox(program);
  registerAlerts(program);
  registerServe(program);
  registerWorker(program);
  registerDemo(program);
  return program;
}

/** The services name the field at fault in their own terms; the CLI says which flag or argument it was. */
const FLAGS: Record<string, string> = {
  integration: '--integration',
  tenant: '--tenant',
  asOf: '--as-of',
  expiresWithin: '--expires-within',
  after: '--after',
  limit: '--limit',
  top: '--top',
  level: '--level',
  risk: '--risk',
  tier: '--tier',
  unusedFor: '--unused-for',
  subscription: '--subscription',
  pin: '--pin',
  forget: '--forget',
  since: '--since',
  severity: '--severity',
  failOn: '--fail-on',
  check: '--check',
  expires: '--expires',
  reason: '--reason',
};

/** One line naming the cause, one naming the fix, and a distinct exit code per cause. */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof LanyardError) {
    // Positional arguments are plain to see in the message; flags are named, as the user typed them.
    const flag = error.field ? FLAGS[error.field] : undefined;
    const where = flag ? `${flag}: ` : '';
    process.stderr.write(`error: ${where}${inert(error.message)}\n`);
    if (error.fix) process.stderr.write(`  fix: ${inert(error.fix)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: unexpected failure: ${inert(message)}\n`);
  if (process.env.LANYARD_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

export async function main(argv: string[]): Promise<number> {
  watchBrokenPipe();
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    // A command may set a non-zero code after printing its result (e.g. a partial scan).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(error);
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
