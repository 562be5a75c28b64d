// Outbox delivery: how fast the relay moves events from the database to a Splunk HEC and a syslog (TCP)
// receiver on this machine, and how long a backlog takes to drain once a sink that was down comes back.
//   npm run bench -- outbox [--events 100000] [--batch 1000] [--database postgres://...]
// The receivers are the tests' (test/deliver/receivers.ts), in a child process (outbox-receivers.ts) so their
// parsing does not count as the relay's time: they parse every frame and count ids, no logging.
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LanyardEvent } from '../src/core/events.ts';
import { createSink } from '../src/deliver/index.ts';
import { createOutboxRelay } from '../src/services/outbox-relay.ts';
import { openStore } from '../src/store/index.ts';

interface Counts {
  hec: number;
  syslog: number;
}

/** The receivers' process: where they listen, and a way to ask it things. */
async function startReceivers(token: string) {
  const child: ChildProcess = fork(new URL('./outbox-receivers.ts', import.meta.url), [token], {
    execArgv: ['--import', 'tsx'],
  });
  const [where] = (await once(child, 'message')) as [
    { hecUrl: string; syslogHost: string; syslogPort: number },
  ];
  let seq = 0;
  const ask = async <T>(what: 'counts' | 'refuse-once' | 'close'): Promise<T> => {
    const id = ++seq;
    const answer = new Promise<T>((resolve) => {
      const on = (message: { seq?: number }) => {
        if (message.seq !== id) return;
        child.off('message', on);
        resolve(message as T);
      };
      child.on('message', on);
    });
    child.send({ ask: what, seq: id });
    return answer;
  };
  /** Until both counts reach these (receivers count what they parsed, after the sender was told OK). */
  const waitFor = async (hec: number, syslog: number) => {
    for (;;) {
      const counts = await ask<Counts>('counts');
      if (counts.hec >= hec && counts.syslog >= syslog) return counts;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { where, ask, waitFor };
}

function option(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
}

function events(count: number, at: Date): LanyardEvent[] {
  return Array.from({ length: count }, (_, n) => ({
    id: randomUUID(),
    type: n % 3 === 0 ? 'finding.opened' : n % 3 === 1 ? 'credential.added' : 'permission.granted',
    time: at.toISOString(),
    severity: 'high',
    integration: { id: randomUUID(), name: 'prod', tenantId: randomUUID() },
    subject: {
      objectId: randomUUID(),
      appId: randomUUID(),
      displayName: `Payroll sync ${n}`,
      kind: 'application',
    },
    credential: { keyId: randomUUID(), type: 'secret', displayName: 'deploy' },
    summary: `credential_expiring found: secret "deploy" expires in ${n % 30} days`,
    data: { checkId: 'credential_expiring', n },
  }));
}

export async function run(args: string[]): Promise<void> {
  const count = Number(option(args, 'events', '100000'));
  const batchSize = Number(option(args, 'batch', '1000'));
  const url = option(args, 'database', '');
  const dir = await mkdtemp(join(tmpdir(), 'lanyard-bench-outbox-'));
  const store = await openStore(
    url ? { url, schema: `bench_${process.pid}` } : { dataDir: join(dir, 'data') },
  );
  const token = randomUUID();
  const receivers = await startReceivers(token);
  const env = { BENCH_HEC_TOKEN: token };
  const hec = createSink(
    { type: 'splunk-hec', name: 'hec', url: receivers.where.hecUrl, token: { env: 'BENCH_HEC_TOKEN' } },
    { env },
  );
  const syslog = createSink({
    type: 'syslog',
    name: 'syslog',
    host: receivers.where.syslogHost,
    port: receivers.where.syslogPort,
  });
  let clock = new Date();
  const relay = createOutboxRelay({
    outbox: store.outbox,
    sinks: [hec, syslog],
    now: () => clock,
    batchSize,
  });
  try {
    console.log(`outbox: ${count} events, batches of ${batchSize}, ${store.kind}`);
    let started = performance.now();
    await store.outbox.enqueue(events(count, clock), ['hec', 'syslog']);
    console.log(`  recorded for 2 sinks: ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Delivery rate: both sinks drain at once, as the relay runs them.
    started = performance.now();
    const rounds = await relay.drain();
    await receivers.waitFor(count, count);
    const seconds = (performance.now() - started) / 1000;
    for (const round of rounds)
      console.log(`  ${round.sink}: ${round.delivered} delivered, ${round.failed} failed`);
    console.log(
      `  delivery: ${seconds.toFixed(1)} s for ${count} events to each sink = ${Math.round(count / seconds)} events/s per sink`,
    );

    // An hour's outage: HEC refuses while a backlog builds, then comes back; the relay's next due round drains it.
    const backlog = count;
    await receivers.ask('refuse-once');
    await store.outbox.enqueue(events(backlog, clock), ['hec']);
    const refused = await relay.drain();
    console.log(
      `  outage: hec refused (${refused.find((r) => r.sink === 'hec')?.error ?? 'no error'}), ${backlog} pending`,
    );
    clock = new Date(clock.getTime() + 3_600_000);
    started = performance.now();
    await relay.drain();
    const counts = await receivers.waitFor(count + backlog, count);
    const drained = (performance.now() - started) / 1000;
    console.log(
      `  after a one-hour outage: ${backlog} events drained in ${drained.toFixed(1)} s (${Math.round(backlog / drained)} events/s)`,
    );
    console.log(`  receivers: hec ${counts.hec} events, syslog ${counts.syslog} frames`);
  } finally {
    await Promise.all([hec.close?.(), syslog.close?.()]);
    await receivers.ask('close');
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
