// Sharing an embedded store (src/store/share.ts): the wire-protocol server in front of a PGlite, then the whole
// path, with a child process holding the directory as `lanyard serve` would and the CLI working beside it.
import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { EXIT_CODES, ScanInProgress, StoreLocked, Unreachable } from '../../src/core/errors.ts';
import { openStore } from '../../src/store/index.ts';
import { SHARE_FILE, type ShareDescriptor, shareEmbeddedStore } from '../../src/store/share.ts';
import { builtCli } from '../support/built-cli.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';
import { newIntegration } from './fixtures.ts';

const HOLDER = fileURLToPath(new URL('./share-holder.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readDescriptor(dataDir: string): Promise<ShareDescriptor> {
  return JSON.parse(await readFile(join(dataDir, SHARE_FILE), 'utf8')) as ShareDescriptor;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('the share server in front of a PGlite', () => {
  let dir: string;
  let pglite: PGlite;
  before(async () => {
    // A migrated directory copied from the tests' template: the share's descriptor goes in it, as in a store.
    dir = join(await mkdtemp(join(tmpdir(), 'lanyard-share-')), 'data');
    await seedPgliteDir(dir);
    pglite = new PGlite(dir);
    await pglite.exec('create table t (v int)');
  });
  after(async () => {
    await pglite.close();
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  const connect = async (password?: string) => {
    const descriptor = await readDescriptor(dir);
    const client = new pg.Client({
      host: descriptor.host,
      port: descriptor.port,
      user: 'lanyard',
      database: 'lanyard',
      password: password ?? descriptor.password,
    });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  const values = async () =>
    (await pglite.query<{ v: number }>('select v from t order by v')).rows.map((r) => r.v);

  test('listens on loopback behind a password from a 0600 descriptor, removed on close', async () => {
    const share = await shareEmbeddedStore({ pglite, dataDir: dir });
    const path = join(dir, SHARE_FILE);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const descriptor = await readDescriptor(dir);
    assert.equal(share.endpoint, `127.0.0.1:${descriptor.port}`);
    assert.equal(descriptor.host, '127.0.0.1');
    assert.equal(descriptor.pid, process.pid);
    assert.ok(descriptor.password.length >= 40);
    await assert.rejects(connect('not-the-password'), (error: Error & { code?: string }) => {
      assert.equal(error.code, '28P01');
      return true;
    });
    const client = await connect();
    assert.deepEqual((await client.query('select 1 + 1 as two')).rows, [{ two: 2 }]);
    await client.end();
    await share.close();
    assert.equal(await exists(path), false);
  });

  test('a client and the holder take turns by transaction: neither runs inside the other', async () => {
    const share = await shareEmbeddedStore({ pglite, dataDir: dir });
    const client = await connect();
    try {
      // The holder's transaction pauses between statements and rolls back: the client's insert, sent meanwhile,
      // waits for it (pglite-socket's server would run it inside, and lose it with the rollback).
      const holder = pglite.transaction(async (tx) => {
        await tx.query('insert into t values (1)');
        await sleep(200);
        await tx.query('insert into t values (2)');
        await tx.rollback();
      });
      await sleep(50);
      await client.query('insert into t values (42)');
      await holder;
      assert.deepEqual(await values(), [42]);

      // The client's transaction pauses: the holder's own query waits for its commit.
      await client.query('begin');
      await client.query('insert into t values (43)');
      let seen: number[] | undefined;
      const holderRead = values().then((v) => {
        seen = v;
      });
      await sleep(100);
      assert.equal(seen, undefined);
      await client.query('insert into t values (44)');
      await client.query('commit');
      await holderRead;
      assert.deepEqual(seen, [42, 43, 44]);
    } finally {
      await client.end();
      await share.close();
      await pglite.exec('truncate t');
    }
  });

  test('clients in transactions at once commit each in turn', async () => {
    const share = await shareEmbeddedStore({ pglite, dataDir: dir });
    const clients = await Promise.all([connect(), connect(), connect()]);
    try {
      await Promise.all(
        clients.map(async (client, i) => {
          await client.query('begin');
          for (let n = 0; n < 5; n++) await client.query('insert into t values ($1)', [i * 10 + n]);
          await client.query('commit');
        }),
      );
      assert.deepEqual(await values(), [0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
      await share.close();
      await pglite.exec('truncate t');
    }
  });

  test('a client gone or idle mid-transaction is rolled back and lets the holder go on', async () => {
    const share = await shareEmbeddedStore({ pglite, dataDir: dir, idleInTransactionMs: 300 });
    try {
      const gone = await connect();
      await gone.query('begin');
      await gone.query('insert into t values (1)');
      (gone as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      assert.deepEqual(await values(), []);
      assert.equal(pglite.isInTransaction(), false);

      const idle = await connect();
      await idle.query('begin');
      await idle.query('insert into t values (2)');
      const started = Date.now();
      assert.deepEqual(await values(), []); // waited for the idle timeout, then saw nothing of it
      assert.ok(Date.now() - started >= 250);
      await assert.rejects(idle.query('commit'), /idle|terminated|not queryable/i);
      await pglite.exec('insert into t values (3)');
      assert.deepEqual(await values(), [3]);
    } finally {
      await share.close();
      await pglite.exec('truncate t');
    }
  });

  test('closing disconnects clients with a reason, and rolls back a transaction that outlasts the grace', async () => {
    const share = await shareEmbeddedStore({ pglite, dataDir: dir, closeGraceMs: 200 });
    const idle = await connect();
    const busy = await connect();
    const idleError = new Promise<Error>((resolve) => idle.once('error', resolve));
    await busy.query('begin');
    await busy.query('insert into t values (7)');
    const started = Date.now();
    await share.close();
    assert.ok(Date.now() - started >= 150, 'waited for the transaction under way');
    assert.match((await idleError).message, /stopped sharing/);
    await assert.rejects(busy.query('commit'));
    assert.deepEqual(await values(), []);
    await Promise.allSettled([idle.end(), busy.end()]);
    await assert.rejects(connect(), /ECONNREFUSED|ENOENT/);
  });
});

// ---- the whole path: a child process holds the store, this process and the CLI use its share ----

interface Holder {
  pid: number;
  endpoint?: string;
  integrationId: string;
  child: ChildProcessByStdio<Writable, Readable, null>;
  exited: Promise<number | null>;
  ask(command: string): Promise<Record<string, unknown>>;
}

async function startHolder(dataDir: string, mode: 'share' | 'no-share' = 'share'): Promise<Holder> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, JSON.stringify({ dataDir }), mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: Interface = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  const nextLine = async () => {
    const next = await Promise.race([
      iterator.next(),
      exited.then((code) => {
        throw new Error(`the holder exited with ${code}`);
      }),
    ]);
    if (next.done) throw new Error('the holder closed its output');
    return JSON.parse(next.value as string) as Record<string, unknown>;
  };
  const ready = await nextLine();
  return {
    pid: ready.pid as number,
    endpoint: ready.endpoint as string | undefined,
    integrationId: ready.integrationId as string,
    child,
    exited,
    async ask(command) {
      child.stdin.write(`${command}\n`);
      return nextLine();
    },
  };
}

function assertLockedBy(error: unknown, pid: number): true {
  assert.ok(error instanceof StoreLocked, String(error));
  assert.match(error.message, new RegExp(`in use by process ${pid} on ${hostname()} \\(.+\\) since \\d{4}-`));
  assert.match(error.message, /postgres:\/\/.*LANYARD_DATABASE_URL/);
  return true;
}

describe('a store shared by the process holding it', () => {
  let home: string;
  let dataDir: string;
  const env = () => ({ LANYARD_HOME: home });
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'lanyard-share-cli-'));
    dataDir = join(home, 'data');
    await seedPgliteDir(dataDir);
    await builtCli();
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('the CLI reads and writes through it, and a second scan joins the holder’s', async () => {
    const holder = await startHolder(dataDir);
    try {
      assert.match(holder.endpoint ?? '', /^127\.0\.0\.1:\d+$/);
      const listed = await runCli(['integration', 'list', '--json'], env());
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual(
        JSON.parse(listed.stdout).map((i: { name: string }) => i.name),
        [`held-${holder.pid}`],
      );

      const created = await runCli(
        [
          'integration',
          'create',
          'azure',
          '--name',
          'made-beside',
          '--tenant',
          '0b5f9c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b',
          '--client-id',
          '11111111-2222-3333-4444-555555555555',
          '--auth',
          'azure-cli',
        ],
        env(),
      );
      assert.equal(created.code, 0, created.stderr);
      assert.deepEqual((await holder.ask('list')).names, ['made-beside', `held-${holder.pid}`].sort());

      // Single flight across the share: the CLI's scan finds the holder's running and waits for it.
      const { scanId } = await holder.ask('begin');
      const { bin } = await builtCli();
      const cli = spawn(process.execPath, [bin, 'scan', '--integration', `held-${holder.pid}`], {
        env: { ...process.env, LANYARD_DATABASE_URL: undefined, LANYARD_HOME: home },
      });
      let stdout = '';
      let stderr = '';
      cli.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      const joined = new Promise<void>((resolve) =>
        cli.stderr.on('data', (chunk) => {
          stderr += chunk;
          if (/waiting for it to finish/.test(stderr)) resolve();
        }),
      );
      const code = new Promise<number | null>((resolve) => cli.once('close', resolve));
      await Promise.race([joined, code]);
      assert.match(stderr, new RegExp(`scan ${scanId} of "held-${holder.pid}" is already running`));
      assert.deepEqual(await holder.ask('finish'), { scanId, status: 'succeeded' });
      assert.equal(await code, 0, stderr);
      assert.match(stdout, new RegExp(`scan ${scanId} of "held-${holder.pid}": succeeded`));

      const inventory = await runCli(['inventory', '--format', 'json'], env());
      assert.equal(inventory.code, 0, inventory.stderr);
      assert.match(inventory.stdout, /staged-by-the-holder/);
    } finally {
      await holder.ask('close').catch(() => {});
      holder.child.kill('SIGKILL');
    }
    assert.equal(await exists(join(dataDir, SHARE_FILE)), false);
  });

  test('a client of the share: single flight with the holder, raw SQL, a clear error once the holder closes', async () => {
    const holder = await startHolder(dataDir);
    const store = await openStore({ dataDir });
    try {
      assert.equal(store.kind, 'pglite');
      assert.equal(store.share, undefined, 'only the holder shares');
      await assert.rejects(openStore({ dataDir, exclusive: true }), (error) =>
        assertLockedBy(error, holder.pid),
      );

      // A scan begun through the share is a scan of the same database: the holder's begin is refused, and back.
      const { id } = await store.integrations.create(newIntegration());
      const writer = await store.scans.begin(id, new Date());
      const refused = await holder.ask(`begin ${id}`);
      assert.equal(refused.error, 'ScanInProgress');
      assert.match(String(refused.message), new RegExp(`scan ${writer.id} .*pid ${process.pid}`));
      await writer.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
      const { scanId } = await holder.ask(`begin ${id}`);
      await assert.rejects(store.scans.begin(id, new Date()), (error) => {
        assert.ok(error instanceof ScanInProgress);
        assert.equal(error.scanId, scanId);
        return true;
      });
      await holder.ask('finish');
      assert.deepEqual(
        (await store.scans.list(id)).map((s) => s.status),
        ['succeeded', 'succeeded'],
      );

      // Raw SQL (pg-boss's) goes through the share's driver: values, and a script with its own transaction.
      assert.deepEqual((await store.executeRaw('select $1::int + 1 as n', [41])).rows, [{ n: 42 }]);
      const script = await store.executeRaw(
        'BEGIN; create table raw_test (v int); insert into raw_test values (1) returning v; COMMIT;',
      );
      assert.deepEqual(script.rows, [{ v: 1 }]);

      assert.deepEqual(await holder.ask('close'), { closed: true });
      await assert.rejects(store.integrations.list(), (error) => {
        assert.ok(error instanceof Unreachable, String(error));
        assert.match(error.message, new RegExp(`shared by process ${holder.pid} \\(.*share-holder`));
        assert.equal(
          error.fix,
          'run the command again; with that process stopped, the command opens the store itself',
        );
        return true;
      });
    } finally {
      await store.close();
      holder.child.kill('SIGKILL');
    }
    // As the fix says: the command opens the store itself now.
    const again = await runCli(['integration', 'list'], env());
    assert.equal(again.code, 0, again.stderr);
  });

  test('a descriptor left by a killed holder is ignored and removed', async () => {
    const holder = await startHolder(dataDir);
    holder.child.kill('SIGKILL');
    await holder.exited;
    assert.equal(await exists(join(dataDir, SHARE_FILE)), true);
    const listed = await runCli(['integration', 'list', '--json'], env());
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(await exists(join(dataDir, SHARE_FILE)), false);
  });

  test('without a share that answers, the lock error is as before', async () => {
    const holder = await startHolder(dataDir, 'no-share');
    try {
      const direct = await runCli(['integration', 'list'], env());
      assert.equal(direct.code, EXIT_CODES.LANYARD_STORE_LOCKED);
      assert.match(direct.stderr, new RegExp(`^error: the store at .* is in use by process ${holder.pid} `));
      await assert.rejects(openStore({ dataDir }), (error) => assertLockedBy(error, holder.pid));

      // A descriptor naming the live holder but a port where nothing listens any more.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as { port: number };
      await new Promise((resolve) => closed.close(resolve));
      const stale: ShareDescriptor = {
        version: 1,
        host: '127.0.0.1',
        port,
        pid: holder.pid,
        hostname: hostname(),
        command: 'lanyard serve',
        since: new Date().toISOString(),
        password: 'stale',
      };
      await writeFile(join(dataDir, SHARE_FILE), JSON.stringify(stale), { mode: 0o600 });
      const started = Date.now();
      await assert.rejects(openStore({ dataDir }), (error) => assertLockedBy(error, holder.pid));
      assert.ok(Date.now() - started < 2_000, 'a refused connection fails fast');
      const viaCli = await runCli(['integration', 'list'], env());
      assert.equal(viaCli.code, EXIT_CODES.LANYARD_STORE_LOCKED);
      assert.equal(viaCli.stderr, direct.stderr);
    } finally {
      await holder.ask('close').catch(() => {});
      holder.child.kill('SIGKILL');
      await rm(join(dataDir, SHARE_FILE), { force: true });
    }
  });
});
