// `lanyard scan` killed with SIGKILL in the middle of delivering its events to a Splunk HEC, on both databases:
// the receiver had accepted the first requests of the batch and held the next one unanswered when the process
// died. Then, as a user would: `lanyard outbox deliver` at once (what the dead process had not claimed goes now;
// its claim holds for its lease), and `lanyard scan` again one lease later (its clock shifted past the 60 s
// claim, as a restart after a minute would be). Afterwards every event the outbox recorded arrived at least once,
// an event that arrived twice arrived with the same id and byte for byte the same body, and no alert went twice
// through the alert channel (the alerts_sent ledger) across the kill.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { openStore, type StoreOptions } from '../../src/store/index.ts';
import { emulatorIntegrationArgs } from '../services/emulator-integration.ts';
import { builtCli } from '../support/built-cli.ts';
import { seedPgliteDir, TEST_DATABASE_URL } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

const TOKEN = `hec-${randomUUID()}`;
const SHIFTED_CLOCK = fileURLToPath(new URL('./shifted-clock.mjs', import.meta.url));
/** The relay's claim (outbox-relay.ts leaseMs), and a margin: the restart comes after it ran out. */
const CLAIM_LEASE_MS = 60_000;
/** Small requests, so one batch of the relay is many HEC requests and the kill lands inside a batch. */
const MAX_REQUEST_BYTES = 16_384;
/** The request the receiver holds unanswered (0-based): the batch's earlier requests were accepted. */
const HELD_REQUEST = 2;
const SCAN_FLAGS = ['--quiet', '--no-access', '--no-last-use'];

/**
 * A Splunk HEC that keeps every line it received, by event id, and from request HELD_REQUEST on, while `holding`,
 * keeps the events (as a receiver that indexed them before its answer was lost) but never answers.
 */
async function startSlowHec() {
  const arrivals = new Map<string, string[]>();
  const heldIds: string[] = [];
  const held: ServerResponse[] = [];
  let requests = 0;
  let holding = true;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.headers.authorization !== `Splunk ${TOKEN}`) {
        res.writeHead(403).end('{"text":"Invalid token","code":4}');
        return;
      }
      const index = requests++;
      const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
      for (const line of lines) {
        const id = (JSON.parse(line) as { event: { id: string } }).event.id;
        arrivals.set(id, [...(arrivals.get(id) ?? []), line]);
        if (holding && index >= HELD_REQUEST) heldIds.push(id);
      }
      if (holding && index >= HELD_REQUEST) {
        held.push(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"Success","code":0}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    heldIds,
    get held() {
      return held.length;
    },
    get requests() {
      return requests;
    },
    /** Answers every request from now on. */
    release() {
      holding = false;
      for (const res of held.splice(0)) res.destroy();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator({ tenants: [{ seed: 11, apps: 300 }] });
});
after(() => emulator?.close());

for (const database of ['pglite', 'postgres'] as const) {
  describe(`lanyard scan killed mid-delivery (${database})`, () => {
    let home: string;
    let inbox: string;
    let hec: Awaited<ReturnType<typeof startSlowHec>>;
    let storeOptions: StoreOptions;
    let dropDatabase = async () => {};
    const env = (extra: Record<string, string> = {}) => ({
      LANYARD_HOME: home,
      LANYARD_TEST_HEC_TOKEN: TOKEN,
      ...(storeOptions.url ? { LANYARD_DATABASE_URL: storeOptions.url } : {}),
      ...extra,
    });
    const cli = async (args: string[], extra: Record<string, string> = {}) => {
      const result = await runCli(args, env(extra));
      assert.equal(result.code, 0, `lanyard ${args.join(' ')}: ${result.stderr} ${result.stdout}`);
      return result;
    };
    const inboxKeys = async () =>
      (await readFile(inbox, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { key: string }).key);

    before(async () => {
      home = await mkdtemp(join(tmpdir(), 'lanyard-delivery-kill-'));
      inbox = join(home, 'inbox.jsonl');
      hec = await startSlowHec();
      if (database === 'pglite') {
        await seedPgliteDir(join(home, 'data'));
        storeOptions = { dataDir: join(home, 'data') };
      } else {
        const name = `lanyard_reliability_${process.pid}_${Date.now()}`;
        const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        await admin.query(`create database "${name}"`);
        await admin.end();
        const url = new URL(TEST_DATABASE_URL);
        url.pathname = `/${name}`;
        storeOptions = { url: url.toString() };
        dropDatabase = async () => {
          const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
          await client.connect();
          await client.query(`drop database if exists "${name}" with (force)`);
          await client.end();
        };
      }
      await writeFile(
        join(home, 'monitoring.json'),
        JSON.stringify({
          sinks: [
            {
              type: 'splunk-hec',
              name: 'splunk',
              url: hec.url,
              token: { env: 'LANYARD_TEST_HEC_TOKEN' },
              maxRequestBytes: MAX_REQUEST_BYTES,
            },
          ],
          alerts: { thresholds: [30, 14, 7], channels: [{ type: 'inbox-file', name: 'inbox', path: inbox }] },
        }),
      );
      await cli(emulatorIntegrationArgs(emulator, 'prod'));
    });

    after(async () => {
      await hec?.close();
      await dropDatabase();
      await rm(home, { recursive: true, force: true });
    });

    test('every event arrives, a duplicate is the same event byte for byte, and no alert goes twice', async () => {
      // 1. The scan, killed while the HEC holds a request of its delivery unanswered.
      const { bin } = await builtCli();
      const child = spawn(process.execPath, [bin, 'scan', '--integration', 'prod', ...SCAN_FLAGS], {
        env: { ...process.env, LANYARD_RISK_CONFIG: undefined, LANYARD_DATABASE_URL: undefined, ...env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ?? code)),
      );
      let ended = false;
      void exited.then(() => {
        ended = true;
      });
      await waitFor(() => hec.held > 0 || ended, 'the scan to deliver its events', 45_000);
      assert.equal(ended, false, `the scan ended before its delivery was caught: ${output}`);
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
      const killedAt = Date.now();
      const alertsBeforeKill = await inboxKeys();
      const heldIds = [...hec.heldIds];
      hec.release();
      assert.ok(alertsBeforeKill.length > 0, 'the tenant has alerts due, sent before the delivery');
      assert.ok(heldIds.length > 0);

      // 2. At once: what the dead process had not claimed goes now. Its claimed batch goes too on PGlite, whose
      // lock proves the claimer dead; on PostgreSQL (another relay may hold it) it waits for the lease.
      assert.match((await cli(['outbox'])).stdout, /splunk\s+\d+/);
      const delivered = await cli(['outbox', 'deliver']);
      assert.match(delivered.stdout, /^splunk: \d+ delivered\n$/);
      if (database === 'pglite') {
        assert.match((await cli(['outbox'])).stdout, /Nothing waits/, 'the dead claim was handed back');
      } else if (Date.now() - killedAt < CLAIM_LEASE_MS - 10_000) {
        assert.match(
          (await cli(['outbox'])).stdout,
          /splunk\s+\d+/,
          'the batch the dead process claimed waits for its lease to end',
        );
      }

      // 3. The next scan, a lease later: the claimed batch goes again, and the alerts already sent do not.
      const rescan = await cli(['scan', '--integration', 'prod', ...SCAN_FLAGS], {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${SHIFTED_CLOCK}`.trim(),
        LANYARD_TEST_CLOCK_SHIFT_MS: String(CLAIM_LEASE_MS + 5_000),
      });
      assert.doesNotMatch(rescan.stdout, /wait for a retry|not delivered|not sent/, rescan.stdout);
      assert.match((await cli(['outbox'])).stdout, /Nothing waits/);

      // Every event the outbox recorded arrived; what arrived twice is the same event, byte for byte.
      const store = await openStore(storeOptions);
      let recorded: string[];
      let ledger: Set<string>;
      try {
        recorded = (await store.executeRaw('select event_id::text as id from outbox_events')).rows.map(
          (row) => row.id as string,
        );
        ledger = new Set(
          (await store.executeRaw(`select alert_key from alerts_sent where channel = 'inbox'`)).rows.map(
            (row) => row.alert_key as string,
          ),
        );
      } finally {
        await store.close();
      }
      const missing = recorded.filter((id) => !hec.arrivals.has(id));
      assert.deepEqual(missing, [], `${missing.length} of ${recorded.length} events never arrived`);
      assert.deepEqual(
        [...hec.arrivals.keys()].filter((id) => !recorded.includes(id)),
        [],
        'nothing arrived that the outbox did not record',
      );
      const duplicated = [...hec.arrivals].filter(([, lines]) => lines.length > 1);
      for (const [id, lines] of duplicated) {
        assert.equal(new Set(lines).size, 1, `event ${id} arrived twice with different bodies`);
      }
      for (const id of heldIds) {
        assert.ok(
          (hec.arrivals.get(id)?.length ?? 0) >= 2,
          `event ${id} was in the request the dead process never heard back about: it goes again`,
        );
      }

      // No alert went twice through the channel, and the ledger holds each one sent.
      const alerts = await inboxKeys();
      assert.equal(new Set(alerts).size, alerts.length, 'no alert twice');
      assert.deepEqual(alerts.slice(0, alertsBeforeKill.length), alertsBeforeKill);
      assert.deepEqual(
        alerts.filter((key) => !ledger.has(key)),
        [],
        'each alert sent is in the ledger',
      );
      process.stderr.write(
        `# ${database}: ${recorded.length} events, ${hec.requests} HEC requests, ${duplicated.length} events delivered twice (same body), ${alerts.length} alerts once each\n`,
      );
    });
  });
}
