import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ScanInProgress, StoreLocked } from '../../src/core/errors.ts';
import { createTestDatabase, forEachDatabase } from '../support/databases.ts';
import { newIntegration } from './fixtures.ts';

const HOLDER = fileURLToPath(new URL('./hold-store.ts', import.meta.url));

function assertLockedBy(error: unknown, pid: number): true {
  assert.ok(error instanceof StoreLocked, String(error));
  assert.match(
    error.message,
    new RegExp(`process ${pid} on ${hostname()} \\(.+\\) since \\d{4}-\\d\\d-\\d\\dT`),
  );
  assert.match(error.message, /postgres:\/\/.*LANYARD_DATABASE_URL/);
  assert.equal(error.exitCode, 9);
  return true;
}

/** Starts hold-store.ts on the database and waits until it holds the store with a scan running. */
async function startHolder(options: object, leaseMs?: number) {
  const args = [HOLDER, JSON.stringify(options), ...(leaseMs ? [String(leaseMs)] : [])];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const [line] = await Promise.race([
    createInterface({ input: child.stdout })
      [Symbol.asyncIterator]()
      .next()
      .then((r) => [r.value as string]),
    exited.then((code) => {
      throw new Error(`the holder exited with ${code} before it was ready`);
    }),
  ]);
  if (!line) throw new Error(`the holder exited with ${await exited} before it was ready`);
  const ready = JSON.parse(line) as { pid: number; scanId: number };
  return { ...ready, child, exited };
}

forEachDatabase('opening a store twice', (db) => {
  test('in one process: PGlite refuses the second open naming the holder; PostgreSQL shares', async () => {
    const first = await db.open();
    await first.integrations.create(newIntegration('seen-by-both'));
    try {
      if (db.name === 'pglite') {
        await assert.rejects(db.open(), (error) => assertLockedBy(error, process.pid));
      } else {
        const second = await db.open();
        assert.ok(await second.integrations.get('seen-by-both'));
        await second.close();
      }
    } finally {
      await first.close();
    }
    // Released on close: opening again works.
    const again = await db.open();
    assert.ok(await again.integrations.get('seen-by-both'));
    await again.close();
  });

  test('from another process: locked while it runs, taken over once it is killed', async () => {
    const holder = await startHolder(db.options);
    try {
      if (db.name === 'pglite') {
        await assert.rejects(db.open(), (error) => assertLockedBy(error, holder.pid));
        assert.equal(holder.child.kill('SIGKILL'), true);
        await holder.exited;
        // The dead holder's lock is stale: taken over at once, and its unfinished scan recorded as abandoned.
        const store = await db.open();
        const scan = await store.scans.get(holder.scanId);
        assert.equal(scan?.status, 'failed');
        assert.match(scan?.reason ?? '', /abandoned/);
        await store.close();
      } else {
        const store = await db.open();
        assert.equal((await store.scans.get(holder.scanId))?.status, 'running');
        await store.close();
        holder.child.stdin.end();
        assert.equal(await holder.exited, 0);
      }
    } finally {
      holder.child.kill('SIGKILL');
    }
  });
});

test('PostgreSQL: a scan whose process was killed is recorded as abandoned once its lease expires', async () => {
  const db = await createTestDatabase('postgres');
  const holder = await startHolder(db.options, 1_500);
  try {
    const store = await db.open();
    const running = await store.scans.get(holder.scanId);
    assert.equal(running?.status, 'running');
    assert.match(String(running?.holder), new RegExp(`pid ${holder.pid}`));
    // Alive and renewing: another begin is refused with the running scan named.
    await assert.rejects(store.scans.begin(running!.integrationId, new Date()), ScanInProgress);
    assert.equal(holder.child.kill('SIGKILL'), true);
    await holder.exited;
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    const next = await store.scans.begin(running!.integrationId, new Date());
    const abandoned = await store.scans.get(holder.scanId);
    assert.equal(abandoned?.status, 'failed');
    assert.match(String(abandoned?.reason), new RegExp(`^abandoned: .*pid ${holder.pid} stopped renewing`));
    assert.deepEqual(await store.inventory.list({ integrationId: running!.integrationId }), []);
    await next.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
    await store.close();
  } finally {
    holder.child.kill('SIGKILL');
    await db.cleanup();
  }
});

test('a lock left by a dead process of this machine is taken over', async () => {
  const db = await createTestDatabase('pglite');
  try {
    const dataDir = db.options.dataDir!;
    const dead = spawn(process.execPath, ['-e', '']);
    const pid = dead.pid!;
    await new Promise((resolve) => dead.once('exit', resolve));
    await mkdir(`${dataDir}.lock`);
    const holder = { pid, hostname: hostname(), command: 'lanyard scan', since: new Date().toISOString() };
    await writeFile(`${dataDir}.lock-holder.json`, JSON.stringify(holder));
    const store = await db.open();
    await store.close();
  } finally {
    await db.cleanup();
  }
});
