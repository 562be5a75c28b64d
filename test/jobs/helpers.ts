// Shared by the job tests: short pg-boss timings, a scan service over a scripted collector, and the clean-up of
// pg-boss's schema beside a test's PostgreSQL schema.
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { JobTimings } from '../../src/jobs/boss.ts';
import { type Collect, type CollectResult, createScanService } from '../../src/services/scan-service.ts';
import type { NewIntegration, Store } from '../../src/store/index.ts';
import { TEST_DATABASE_URL, type TestDatabase } from '../support/databases.ts';

/** Seconds where a service waits minutes; pg-boss's floors are 0.5 s polling and a 10 s heartbeat. */
export const FAST: Partial<JobTimings> = {
  pollingSeconds: 0.5,
  superviseSeconds: 1,
  cronSeconds: 1,
  heartbeatSeconds: 10,
  retryDelaySeconds: 1,
  retryDelayMaxSeconds: 1,
  retryLimit: 2,
};

export function plainIntegration(name: string): NewIntegration {
  return {
    name,
    tenantId: '0b5f9c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b',
    clientId: '11111111-2222-3333-4444-555555555555',
    auth: { method: 'azure-cli' },
    cloud: {
      name: 'public',
      loginUrl: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
      armUrl: 'https://management.azure.com',
    },
  };
}

export const collected = (overrides: Partial<CollectResult> = {}): CollectResult => ({
  counts: {},
  warnings: [],
  complete: true,
  requests: 1,
  resourceUnits: 2,
  ...overrides,
});

/** The scan service with a collector the test scripts; nothing reaches Graph. */
export function scriptedScans(store: Store, collect: Collect) {
  return createScanService({ store, collect, now: () => new Date() });
}

/** A promise the test resolves when it chooses. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

export async function waitFor<T>(
  look: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await look();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

/** PostgreSQL: pg-boss's schema beside the test's (`<schema>_jobs`) goes with it. */
export async function dropJobsSchema(db: TestDatabase): Promise<void> {
  if (!db.options.schema) return;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${db.options.schema}_jobs" cascade`);
  } finally {
    await client.end();
  }
}
