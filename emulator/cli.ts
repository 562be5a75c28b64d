// `npm run emulator -- --apps 5000 --seed 7 --port 8443`: runs the emulated Microsoft cloud until SIGINT or
// SIGTERM and prints how to reach it. Secret values are written to files (0600), never printed.
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { describeReadings, type GraphReadings, parseReadingList } from './graph/readings.ts';
import {
  type RunningEmulator,
  SCANNER_GRAPH_ROLES,
  type StartEmulatorOptions,
  startEmulator,
} from './index.ts';
import { writeGroundTruth } from './tenant/ground-truth.ts';
import type { TenantSize } from './tenant/model.ts';

export interface CliOptions {
  start: StartEmulatorOptions;
  latencyMs: number;
  groundTruth?: string;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function readings(value: string, previous: Partial<GraphReadings> | undefined): Partial<GraphReadings> {
  try {
    return parseReadingList(value, previous);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function roles(value: string): string[] {
  const list = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (list.length === 0)
    throw new InvalidArgumentError('expected Graph permissions, e.g. Application.Read.All');
  return list;
}

function date(value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('expected an ISO date, e.g. 2026-01-31T00:00:00Z');
  return ms;
}

export function createProgram(run: (options: CliOptions) => Promise<void>): Command {
  return new Command('emulator')
    .description('run the emulated Microsoft cloud (Entra login, Graph) for development, tests and demos')
    .option('--apps <n>', 'application registrations per tenant', integer(0, 1_000_000), 200)
    .option(
      '--seed <n>',
      'seed of the first tenant (the next tenants use seed+1, seed+2, …)',
      integer(0, 2 ** 31),
      1,
    )
    .option('--tenants <n>', 'number of tenants', integer(1, 100), 1)
    .addOption(
      new Option('--size <size>', 'Graph throttling size of every tenant').choices([
        'small',
        'medium',
        'large',
      ]),
    )
    .option('--port <n>', 'port to listen on (0: any free port)', integer(0, 65_535), 0)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--latency-ms <ms>', 'latency added to every Graph request', integer(0, 600_000), 0)
    .option('--no-throttle', "turn Graph's throttling off")
    .option(
      '--graph-reading <list>',
      'readings of disputed Graph behaviours (default strict): strict, lenient, or nested-expand=reject|allow, ' +
        'fic-expand=none|beta|all, limited-owners=on|off, delta-expiry=syncStateNotFound|gone|resyncRequired, ' +
        'delta-latest=reject|allow, delta-changed=changed|all, delta-relationships=hidden|shown, ' +
        'comma-separated; repeatable, later entries win',
      readings,
    )
    .option(
      '--scanner-roles <list>',
      `Graph permissions of the scanner app, comma-separated (default ${SCANNER_GRAPH_ROLES.join(',')})`,
      roles,
    )
    .option('--now <date>', 'start the emulated clock (and date the tenants) at this time', date)
    .option('--token-lifetime <seconds>', 'access token lifetime', integer(60, 86_400), 3599)
    .option('--fault-seed <n>', 'seed of the fault layer', integer(0, 2 ** 31))
    .option(
      '--out <dir>',
      'directory for the CA bundle and the scanner credentials (default: a new temp dir)',
    )
    .option('--ground-truth <file>', 'write the generated tenant as JSON (tenant N>1 gets a -N suffix)')
    .action(async (o) => {
      await run({
        start: {
          port: o.port,
          host: o.host,
          tenants: Array.from({ length: o.tenants }, (_, i) => ({
            seed: o.seed + i,
            apps: o.apps,
            size: o.size as TenantSize | undefined,
          })),
          now: o.now,
          graph: {
            ...(o.throttle ? {} : { throttle: { enabled: false } }),
            ...(o.graphReading ? { readings: o.graphReading } : {}),
          },
          scannerGraphRoles: o.scannerRoles,
          tokenLifetimeSeconds: o.tokenLifetime,
          outDir: o.out === undefined ? undefined : path.resolve(o.out),
          faultSeed: o.faultSeed,
        },
        latencyMs: o.latencyMs,
        groundTruth: o.groundTruth,
      });
    });
}

function groundTruthPath(file: string, index: number): string {
  if (index === 0) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${index + 1}${ext}`;
}

export function describe(emulator: RunningEmulator, groundTruthFiles: string[]): string {
  const { scanner } = emulator;
  const lines = [
    `Emulated Microsoft cloud listening at ${emulator.origin}`,
    '',
    `  login (authority host)  ${emulator.loginUrl}`,
    `  Graph                   ${emulator.graphUrl}/v1.0  and  ${emulator.graphUrl}/beta`,
    `  ARM                     ${emulator.armUrl}`,
    `  control                 ${emulator.origin}/_emulator/summary  (header x-emulator-admin-key)`,
    '',
    'Tenants:',
    ...emulator.tenants.map(
      (t) =>
        `  ${t.id}  ${t.defaultDomain}  ${t.applications.size} applications, ${t.servicePrincipals.size} service principals`,
    ),
    '',
    `Graph readings: ${describeReadings(emulator.graphReadings)}`,
    '',
    `Scanner app (read-only Graph permissions) in tenant ${scanner.tenantId}:`,
    `  client id         ${scanner.clientId}`,
    `  permissions       ${scanner.graphRoles.join(', ')}`,
    `  certificate+key   ${scanner.certificatePath}`,
    `  client secret     ${scanner.secretPath}`,
    '',
    `CA bundle: ${emulator.caBundlePath}`,
    `  export NODE_EXTRA_CA_CERTS=${emulator.caBundlePath}   # before starting the client process`,
    `Admin key: ${emulator.adminKey}`,
    ...groundTruthFiles.map((f) => `Ground truth written to ${f}`),
    '',
    'Scan it with Lanyard (another terminal):',
    `  npm run lanyard -- integration create azure --name emulator --tenant ${scanner.tenantId} \\`,
    `    --client-id ${scanner.clientId} --auth certificate --certificate ${scanner.certificatePath} \\`,
    `    --cloud custom --login-url ${emulator.loginUrl} --graph-url ${emulator.graphUrl} --arm-url ${emulator.armUrl} \\`,
    `    --ca-file ${emulator.caBundlePath}`,
    '  npm run lanyard -- scan --integration emulator',
    '',
    'Press Ctrl+C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

async function run(options: CliOptions): Promise<void> {
  const emulator = await startEmulator(options.start);
  if (options.latencyMs > 0) emulator.control.injectFaults({ latencyMs: options.latencyMs });
  const files: string[] = [];
  if (options.groundTruth) {
    for (const [i, tenant] of emulator.tenants.entries()) {
      const file = groundTruthPath(path.resolve(options.groundTruth), i);
      await writeGroundTruth(tenant, file);
      files.push(file);
    }
  }
  // Listen for signals before printing: whoever reads "Press Ctrl+C" may signal at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  process.stdout.write(describe(emulator, files));
  await stopped;
  await emulator.close();
  process.stdout.write('Emulator stopped.\n');
}

if (import.meta.main) {
  createProgram(run)
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`emulator: ${(error as Error).message}\n`);
      process.exitCode = 1;
    });
}
