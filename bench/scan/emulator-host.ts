// Serves one generated tenant for the scan benchmark in its own process, so the emulator's CPU and memory
// are not counted as a scanner's. Prints one JSON line (HostReady) and serves until killed or until its
// parent closes stdin.
//   node --import tsx bench/scan/emulator-host.ts '{"apps":2000,"seed":1,"throttle":true,"latencyMs":50}'
import { type GraphReadings, LENIENT_READINGS } from '../../emulator/graph/readings.ts';
import { startEmulator } from '../../emulator/index.ts';
import { exitWithParent, report } from './children.ts';

export interface HostInput {
  apps: number;
  seed: number;
  /** Graph's real throttling (medium tenant: 5,000 RU / 10 s, keyCredentials lists 150 / min), or none. */
  throttle: boolean;
  latencyMs: number;
  /** Further latency per KiB of each reply (emulator/README.md, Faults): big pages take longer, as Graph's do. */
  latencyPerKbMs?: number;
  /** Graph's disputed behaviours (emulator/graph/readings.ts); default the lenient readings the plan was tuned on. */
  readings?: Partial<GraphReadings>;
}

export interface HostReady {
  origin: string;
  caCertPath: string;
  caBundlePath: string;
  adminKey: string;
  tenantId: string;
  clientId: string;
  /** PEM with key and certificate; the secret file holds only the secret text. */
  certificatePath: string;
  secretPath: string;
  applications: number;
  servicePrincipals: number;
  users: number;
  startSeconds: number;
  rssMB: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as HostInput;
const started = performance.now();
const emulator = await startEmulator({
  // Graph sizes tenants by users; the benchmark pins the medium budget whatever the generated user count.
  tenants: [{ seed: input.seed, apps: input.apps, size: 'medium' }],
  graph: {
    ...(input.throttle ? {} : { throttle: { enabled: false } }),
    readings: input.readings ?? LENIENT_READINGS,
  },
});
if (input.latencyMs > 0 || (input.latencyPerKbMs ?? 0) > 0) {
  emulator.control.injectFaults({ latencyMs: input.latencyMs, latencyPerKbMs: input.latencyPerKbMs ?? 0 });
}
const tenant = emulator.tenants[0]!;
exitWithParent(() => emulator.close());
report({
  origin: emulator.origin,
  caCertPath: emulator.caCertPath,
  caBundlePath: emulator.caBundlePath,
  adminKey: emulator.adminKey,
  tenantId: emulator.scanner.tenantId,
  clientId: emulator.scanner.clientId,
  certificatePath: emulator.scanner.certificatePath,
  secretPath: emulator.scanner.secretPath,
  applications: tenant.applications.size,
  servicePrincipals: tenant.servicePrincipals.size,
  users: tenant.users.size,
  startSeconds: (performance.now() - started) / 1000,
  rssMB: process.memoryUsage().rss / 1e6,
} satisfies HostReady);
