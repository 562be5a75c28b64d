// Measures `lanyard integration list` opening the store itself against the same command through the share of a
// process holding it (test/store/share-holder.ts standing in for `lanyard serve`), and one `integrations.list()`
// call in process each way: `npx tsx test/store/measure-share.ts [runs]`. Not a test; prints medians.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '../../src/store/index.ts';
import { builtCli } from '../support/built-cli.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';
import { newIntegration } from './fixtures.ts';

const runs = Number(process.argv[2] ?? 7);
const HOLDER = fileURLToPath(new URL('./share-holder.ts', import.meta.url));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timeCli(home: string): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < runs; n++) {
    const started = performance.now();
    const result = await runCli(['integration', 'list'], { LANYARD_HOME: home });
    if (result.code !== 0) throw new Error(result.stderr);
    times.push(performance.now() - started);
  }
  return times;
}

async function timeCalls(store: Store, calls = 200): Promise<number> {
  await store.integrations.list();
  const started = performance.now();
  for (let n = 0; n < calls; n++) await store.integrations.list();
  return (performance.now() - started) / calls;
}

const home = await mkdtemp(join(tmpdir(), 'lanyard-measure-share-'));
const dataDir = join(home, 'data');
try {
  await seedPgliteDir(dataDir);
  await builtCli();
  const seeded = await openStore({ dataDir });
  for (let n = 0; n < 5; n++) await seeded.integrations.create(newIntegration());
  const directCall = await timeCalls(seeded);
  await seeded.close();
  const direct = await timeCli(home);

  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, JSON.stringify({ dataDir })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const shared = await timeCli(home);
  const client = await openStore({ dataDir });
  const sharedCall = await timeCalls(client);
  await client.close();
  child.stdin.end('close\n');
  await new Promise((resolve) => child.once('exit', resolve));

  const ms = (values: number[]) =>
    `median ${median(values).toFixed(0)} ms (${values.map((v) => v.toFixed(0)).join(', ')})`;
  console.log(`lanyard integration list, ${runs} runs each`);
  console.log(`  opening the store itself:  ${ms(direct)}`);
  console.log(`  through the holder's share: ${ms(shared)}`);
  console.log('integrations.list() in process, mean of 200');
  console.log(`  own PGlite:   ${directCall.toFixed(2)} ms`);
  console.log(`  through share: ${sharedCall.toFixed(2)} ms`);
} finally {
  await rm(home, { recursive: true, force: true });
}
