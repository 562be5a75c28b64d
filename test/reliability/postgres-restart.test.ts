// PostgreSQL restarted in the middle of a scan (a private cluster of the test's own, never the machine's shared
// server): the scan ends within bounds, `failed` with a reason that names the database, or `succeeded` if the
// restart fell between its queries; either way nothing is half-applied and nothing is left `running`, and the
// next scan succeeds with an inventory equal to a fault-free scan's of the same tenant. Once with `pg_ctl restart
// -m fast` (sessions ended cleanly) and once with `-m immediate` (the server killed, crash recovery at start).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { createCliScanService } from '../../src/cli/scan-wiring.ts';
import type { Identity } from '../../src/core/inventory.ts';
import type { RunScanOutcome } from '../../src/services/scan-service.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { emulatorIntegration } from '../services/emulator-integration.ts';
import { type PrivatePostgres, startPrivatePostgres, unavailable } from './private-postgres.ts';

const PARTS = { access: false, signIns: false };
const APPS = 2500;
/** Generous: a loaded 2-vCPU machine; the point is that the scan ends, not how fast. */
const SCAN_DEADLINE_MS = 45_000;

const skip = unavailable();

describe('PostgreSQL restarted during a scan', { skip: skip ?? false }, () => {
  let emulator: RunningEmulator;
  let server: PrivatePostgres;
  /** A fault-free scan's inventory of the same tenant, in a database of its own. */
  let reference: Identity[];

  before(async () => {
    [emulator, server] = await Promise.all([
      startEmulator({ tenants: [{ seed: 21, apps: APPS }] }),
      startPrivatePostgres(),
    ]);
    const store = await openStore({ url: await createDatabase(server, 'reference') });
    try {
      await store.integrations.create(emulatorIntegration(emulator, 'tenant'));
      const { summary } = await createCliScanService(store, PARTS).run('tenant');
      assert.equal(summary.status, 'succeeded', `${summary.reason}: ${summary.warnings.join('; ')}`);
      reference = await store.inventory.list();
      assert.ok(reference.length > APPS, `the reference scan read the tenant (${reference.length})`);
    } finally {
      await store.close();
    }
  });

  after(async () => {
    await emulator?.close();
    await server?.destroy();
  });

  for (const mode of ['fast', 'immediate'] as const) {
    test(`pg_ctl restart -m ${mode} mid-scan: the scan ends, applies nothing half, and the next scan is a fault-free scan's`, async () => {
      const store = await openStore({ url: await createDatabase(server, `restart_${mode}`) });
      try {
        await store.integrations.create(emulatorIntegration(emulator, 'tenant'));
        // Staging has begun once this many facts went to the store: the scan is well inside its reading.
        let staged = 0;
        let onStaged: () => void = () => {};
        const midScan = new Promise<void>((resolve) => {
          onStaged = resolve;
        });
        const watched: Store = {
          ...store,
          scans: {
            ...store.scans,
            async begin(integrationId, startedAt, options) {
              const writer = await store.scans.begin(integrationId, startedAt, options);
              return {
                id: writer.id,
                async stage(facts) {
                  await writer.stage(facts);
                  staged += facts.length;
                  if (staged >= 500) onStaged();
                },
                finish: (result) => writer.finish(result),
              };
            },
          },
        };
        // Latency keeps the scan reading for seconds after staging began, so the restart lands inside it.
        emulator.control.injectFaults({ latencyMs: 25 });
        let scan: Promise<RunScanOutcome>;
        try {
          scan = createCliScanService(watched, PARTS).run('tenant');
          const settled = scan.then(
            () => undefined,
            () => undefined,
          );
          await Promise.race([midScan, settled]);
          assert.ok(staged >= 500, 'the scan was staging when the server restarted');
          await server.restart(mode);
          const outcome = await withDeadline(
            scan.then(
              (done) => ({ done }),
              (error: unknown) => ({ error }),
            ),
            SCAN_DEADLINE_MS,
            'the scan interrupted by the restart to end',
          );
          const stagedAtRestart = staged;
          if ('error' in outcome) {
            const error = outcome.error as Error;
            assert.fail(
              `the scan threw instead of recording how it ended: ${error.message} (${(error.cause as Error | undefined)?.message})`,
            );
          }
          const { summary } = outcome.done;
          const ended = `${summary.status}${summary.reason ? `: ${summary.reason}` : ''}`;
          if (summary.status === 'failed') {
            // The reason tells the user it was the database, not Graph or the tenant.
            assert.match(summary.reason ?? '', /terminat|connect|shut ?down|database|postgres/i);
          } else {
            assert.equal(summary.status, 'succeeded', ended);
          }
          process.stderr.write(
            `# -m ${mode}: ${stagedAtRestart} facts staged at the restart; the scan ended ${ended}\n`,
          );
        } finally {
          emulator.control.clearFaults();
        }

        // Nothing is left running, and a failed scan applied nothing.
        const scans = await store.scans.list();
        assert.deepEqual(
          scans.filter((s) => s.status === 'running').map((s) => s.id),
          [],
          'no scan is left running',
        );
        const [first] = scans;
        if (first?.status === 'failed') {
          assert.equal(first.changes, null, 'the failed scan applied nothing');
          assert.deepEqual(
            await store.inventory.list(),
            [],
            'nothing of the failed scan is in the inventory',
          );
        }

        // The next scan succeeds, and the inventory is that of a fault-free scan of the same tenant.
        const next = await withDeadline(
          createCliScanService(store, PARTS).run('tenant'),
          SCAN_DEADLINE_MS,
          'the scan after the restart',
        );
        assert.equal(next.summary.status, 'succeeded', next.summary.reason ?? '');
        assert.deepEqual(await store.inventory.list(), reference);
      } finally {
        await store.close();
      }
    });
  }
});

/** A new database on the private server; its URL. */
async function createDatabase(server: PrivatePostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
