// Benchmark of the emulated Graph with throttling off: directory objects and requests served per second
// listing pages of 999 over keep-alive HTTPS with a few requests in flight, and the memory a big generated
// tenant takes. The emulator runs in a worker thread so the client's work does not share its event loop.
//   npm run bench -- emulator [--apps 100000] [--in-flight 4] [--seed 1]
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Agent, type Dispatcher, request } from 'undici';

interface WorkerInput {
  bench: 'emulator';
  apps: number;
  seed: number;
}

interface Ready {
  origin: string;
  caCertPem: string;
  tenantId: string;
  clientId: string;
  secretText: string;
  applications: number;
  servicePrincipals: number;
  users: number;
  startSeconds: number;
  heapMB: number;
  rssMB: number;
}

const APP_SELECT =
  'id,appId,displayName,createdDateTime,signInAudience,keyCredentials,passwordCredentials,requiredResourceAccess';
const SP_SELECT =
  'id,appId,displayName,servicePrincipalType,accountEnabled,appOwnerOrganizationId,keyCredentials,passwordCredentials';

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function serve(input: WorkerInput): Promise<void> {
  const { startEmulator } = await import('../emulator/index.ts');
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const emulator = await startEmulator({
    tenants: [{ seed: input.seed, apps: input.apps }],
    graph: { throttle: { enabled: false } },
  });
  const startSeconds = (performance.now() - started) / 1000;
  collectGarbage();
  const memory = process.memoryUsage();
  const tenant = emulator.tenants[0]!;
  const ready: Ready = {
    origin: emulator.origin,
    caCertPem: emulator.caCertPem,
    tenantId: emulator.scanner.tenantId,
    clientId: emulator.scanner.clientId,
    secretText: emulator.scanner.secretText,
    applications: tenant.applications.size,
    servicePrincipals: tenant.servicePrincipals.size,
    users: tenant.users.size,
    startSeconds,
    heapMB: (memory.heapUsed - heapBefore) / 1e6,
    rssMB: memory.rss / 1e6,
  };
  parentPort!.postMessage(ready);
  // 'cpu' asks for this thread's CPU time (µs), which the machine's other load does not inflate.
  parentPort!.on('message', (message: 'cpu' | 'close') => {
    if (message === 'cpu') {
      const { user, system } = process.threadCpuUsage();
      parentPort!.postMessage(user + system);
      return;
    }
    void emulator.close().then(() => parentPort!.close());
  });
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.bench === 'emulator') await serve(workerData);

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`--${name} needs a positive integer`);
  return value;
}

async function fetchToken(agent: Agent, ready: Ready): Promise<string> {
  const res = await request(`${ready.origin}/${ready.tenantId}/oauth2/v2.0/token`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ready.clientId,
      client_secret: ready.secretText,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`token request failed with ${res.statusCode}`);
  return body.access_token;
}

interface PassResult {
  objects: number;
  requests: number;
  bytes: number;
}

/**
 * Follows nextLinks to the end. Graph writes nextLink before value, so the client decodes only the head
 * of each page and counts the rest as bytes; the last page is parsed to count its objects.
 */
async function readCollection(agent: Agent, token: string, first: string): Promise<PassResult> {
  let url: string | undefined = first;
  const result: PassResult = { objects: 0, requests: 0, bytes: 0 };
  while (url) {
    const res: Dispatcher.ResponseData = await request(url, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}` },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let next: string | undefined;
    let headRead = false;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (headRead && next) continue;
      chunks.push(chunk);
      if (!headRead && size >= 4096) {
        headRead = true;
        next = /"@odata\.nextLink":"([^"]+)"/.exec(Buffer.concat(chunks).toString('utf8', 0, 4096))?.[1];
      }
    }
    const whole = headRead && next ? '' : Buffer.concat(chunks).toString('utf8');
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${whole.slice(0, 300)}`);
    if (!headRead) next = /"@odata\.nextLink":"([^"]+)"/.exec(whole)?.[1];
    result.requests++;
    result.bytes += size;
    result.objects += next ? 999 : (JSON.parse(whole) as { value: unknown[] }).value.length;
    url = next;
  }
  return result;
}

async function serverCpu(worker: Worker): Promise<number> {
  worker.postMessage('cpu');
  const [micros] = (await once(worker, 'message')) as [number];
  return micros;
}

async function scenario(
  worker: Worker,
  agent: Agent,
  token: string,
  ready: Ready,
  inFlight: number,
  select: boolean,
) {
  const path = (collection: string, fields: string) =>
    `${ready.origin}/v1.0/${collection}?$top=999${select ? `&$select=${fields}` : ''}`;
  const cpuBefore = await serverCpu(worker);
  const processBefore = process.cpuUsage();
  const started = performance.now();
  const passes = await Promise.all(
    Array.from({ length: inFlight }, (_, i) =>
      readCollection(
        agent,
        token,
        i % 2 === 0 ? path('applications', APP_SELECT) : path('servicePrincipals', SP_SELECT),
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const serverCpuSeconds = ((await serverCpu(worker)) - cpuBefore) / 1e6;
  const { user, system } = process.cpuUsage(processBefore);
  /** Both threads together; well under 2 on this 2-core machine means other load took the CPU. */
  const coresUsed = (user + system) / 1e6 / seconds;
  const total = passes.reduce((a, p) => ({
    objects: a.objects + p.objects,
    requests: a.requests + p.requests,
    bytes: a.bytes + p.bytes,
  }));
  const expected = passes.reduce(
    (sum, _, i) => sum + (i % 2 === 0 ? ready.applications : ready.servicePrincipals),
    0,
  );
  if (total.objects !== expected) throw new Error(`read ${total.objects} objects, expected ${expected}`);
  return { ...total, seconds, serverCpuSeconds, coresUsed };
}

export async function run(args: string[]): Promise<void> {
  const apps = option(args, 'apps', 100_000);
  const inFlight = option(args, 'in-flight', 4);
  const seed = option(args, 'seed', 1);
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { bench: 'emulator', apps, seed } satisfies WorkerInput,
  });
  const [ready] = (await once(worker, 'message')) as [Ready];
  console.log(
    `tenant: ${ready.applications} applications, ${ready.servicePrincipals} service principals, ${ready.users} users;` +
      ` generated and served in ${ready.startSeconds.toFixed(1)} s; heap +${ready.heapMB.toFixed(0)} MB, RSS ${ready.rssMB.toFixed(0)} MB`,
  );
  const agent = new Agent({
    connect: { ca: ready.caCertPem },
    connections: inFlight,
    keepAliveTimeout: 60_000,
  });
  try {
    const token = await fetchToken(agent, ready);
    // Warm-up: one pass so the figures measure steady state, not JIT and first snapshots.
    await scenario(worker, agent, token, ready, 2, true);
    await scenario(worker, agent, token, ready, 2, false);
    console.log(`listing pages of 999, ${inFlight} requests in flight, throttling off:`);
    for (const select of [true, false]) {
      const r = await scenario(worker, agent, token, ready, inFlight, select);
      console.log(
        `  ${select ? '$select (scanner fields)' : 'full objects          '}  ` +
          `${Math.round(r.objects / r.seconds).toLocaleString('en')} objects/s  ` +
          `${(r.requests / r.seconds).toFixed(1)} requests/s  ${(r.bytes / 1e6 / r.seconds).toFixed(0)} MB/s  ` +
          `(${r.objects} objects, ${r.requests} requests in ${r.seconds.toFixed(2)} s); ` +
          `server thread CPU ${((r.serverCpuSeconds * 1e6) / r.objects).toFixed(1)} µs/object = ` +
          `${Math.round(r.objects / r.serverCpuSeconds).toLocaleString('en')} objects per CPU-second; ` +
          `process used ${r.coresUsed.toFixed(2)} cores`,
      );
    }
  } finally {
    await agent.close();
    worker.postMessage('close');
    await once(worker, 'exit');
  }
}
