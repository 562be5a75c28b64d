// Rough cost of generating a tenant: wall time and retained heap. Run:
//   npx tsx --expose-gc emulator/tenant/measure-generate.ts [apps=100000] [seed=1]
import { generateTenant } from './generate.ts';

const apps = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const gc = (globalThis as { gc?: () => void }).gc;

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const started = performance.now();
const tenant = generateTenant({ seed, apps, now: Date.UTC(2026, 0, 1) });
const elapsed = performance.now() - started;
gc?.();
const heapAfter = process.memoryUsage().heapUsed;

console.log(
  JSON.stringify({
    apps,
    applications: tenant.applications.size,
    servicePrincipals: tenant.servicePrincipals.size,
    users: tenant.users.size,
    ms: Math.round(elapsed),
    retainedHeapMB: gc ? Math.round((heapAfter - heapBefore) / 1e6) : 'run with --expose-gc',
    rssMB: Math.round(process.memoryUsage().rss / 1e6),
  }),
);
