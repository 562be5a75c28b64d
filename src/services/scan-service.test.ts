import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthFailed, ScanInProgress } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';
import type { Integration, ScanResult, ScanWriter } from '../store/index.ts';
import { type Collect, type CollectResult, createScanService } from './scan-service.ts';

const integration = { id: 'i-1', name: 'prod', tenantId: 'contoso.example' } as Integration;

function fakeStore() {
  const staged: IdentityFact[][] = [];
  const finished: ScanResult[] = [];
  const writer: ScanWriter = {
    id: 7,
    async stage(facts) {
      staged.push(facts);
    },
    async finish(result) {
      finished.push(result);
      return {
        id: 7,
        status: result.status,
        reason: result.reason ?? null,
        summary: result.summary,
      } as never;
    },
  };
  const plans: Array<Record<string, string>> = [];
  const store = {
    integrations: {
      get: async (name: string) => (name === 'prod' ? integration : undefined),
      setQueryPlan: async (_id: string, plan: Record<string, string>) => {
        plans.push(plan);
      },
    },
    scans: { begin: async () => writer, get: async () => undefined },
  } as never;
  return { store, staged, finished, plans };
}

const fact: IdentityFact = { aspect: 'owners', objectId: 'o-1', owners: [] };
const result = (overrides: Partial<CollectResult> = {}): CollectResult => ({
  counts: { applications: 1 },
  warnings: [],
  complete: true,
  requests: 3,
  resourceUnits: 4,
  ...overrides,
});

let tick = 0;
const now = () => new Date(Date.UTC(2026, 10, 23, 12, 0, tick++));

test('a complete collection commits as succeeded with its counts, requests and RU', async () => {
  const { store, staged, finished } = fakeStore();
  const collect: Collect = async (_integration, { onFacts }) => {
    await onFacts([fact]);
    return result();
  };
  const { summary, error } = await createScanService({ store, collect, now }).run('prod');
  assert.equal(error, undefined);
  assert.deepEqual(staged, [[fact]]);
  assert.equal(finished[0]?.status, 'succeeded');
  assert.equal(summary.status, 'succeeded');
  assert.deepEqual(summary.counts, { applications: 1 });
  assert.equal(summary.requests, 3);
  assert.equal(summary.resourceUnits, 4);
  assert.equal(summary.scanId, 7);
  assert.deepEqual([summary.integration, summary.tenantId], ['prod', 'contoso.example']);
});

test('a collection that throws is recorded as failed with the reason and returned, not swallowed', async () => {
  const { store, finished } = fakeStore();
  const denied = new AuthFailed('AADSTS7000215: invalid client secret');
  const collect: Collect = async () => {
    throw denied;
  };
  const { summary, error } = await createScanService({ store, collect, now }).run('prod');
  assert.equal(error, denied);
  assert.equal(finished[0]?.status, 'failed');
  assert.equal(finished[0]?.reason, denied.message);
  assert.equal(summary.status, 'failed');
});

test('an interrupted scan is partial: what was staged commits, nothing is marked removed', async () => {
  const { store, finished } = fakeStore();
  const interrupt = new AbortController();
  const collect: Collect = async (_integration, { onFacts, signal }) => {
    await onFacts([fact]);
    interrupt.abort();
    signal.throwIfAborted();
    return result();
  };
  const { summary } = await createScanService({ store, collect, now }).run('prod', {
    signal: interrupt.signal,
  });
  assert.equal(finished[0]?.status, 'partial');
  assert.equal(summary.reason, 'interrupted');
});

test('a collection that could not read everything is partial and names the parts left unknown', async () => {
  const { store, finished } = fakeStore();
  const collect: Collect = async (_integration, { parts }) => {
    parts.declare({ name: 'applications', kind: 'application', aspect: 'identity' });
    parts.declare({ name: 'application-owners', kind: 'application', aspect: 'owners', optional: true });
    parts.complete('applications');
    parts.fail('application-owners', 'Graph failed GET /v1.0/applications', {
      permission: 'Application.Read.All',
    });
    return result({ complete: false, warnings: ['owners of x: 404'] });
  };
  const { summary } = await createScanService({ store, collect, now }).run('prod');
  assert.equal(finished[0]?.status, 'partial');
  assert.deepEqual(
    finished[0]?.parts?.map((p) => [p.name, p.complete]),
    [
      ['applications', true],
      ['application-owners', false],
    ],
  );
  assert.deepEqual(
    summary.incompleteParts.map((p) => p.name),
    ['application-owners'],
  );
  assert.equal(summary.warnings[0], 'owners of x: 404');
  assert.match(summary.warnings[1] ?? '', /^application-owners is unknown .*grant Application\.Read\.All/);
});

test('an interrupted scan marks every part it had not finished as interrupted', async () => {
  const { store, finished } = fakeStore();
  const interrupt = new AbortController();
  const collect: Collect = async (_integration, { parts, signal }) => {
    parts.declare({ name: 'applications', kind: 'application', aspect: 'identity' });
    parts.declare({ name: 'application-owners', kind: 'application', aspect: 'owners' });
    parts.complete('applications');
    interrupt.abort();
    signal.throwIfAborted();
    return result();
  };
  await createScanService({ store, collect, now }).run('prod', { signal: interrupt.signal });
  assert.deepEqual(finished[0]?.parts, [
    { name: 'applications', kind: 'application', aspect: 'identity', complete: true },
    {
      name: 'application-owners',
      kind: 'application',
      aspect: 'owners',
      complete: false,
      reason: 'interrupted',
    },
  ]);
});

test('the plan that worked is remembered only when it changed', async () => {
  const { store, plans } = fakeStore();
  const service = createScanService({
    store,
    collect: async () => result({ plan: { owners: 'plain-expand' } }),
    now,
  });
  await service.run('prod');
  assert.deepEqual(plans, [{ owners: 'plain-expand' }]);
  integration.queryPlan = { owners: 'plain-expand' };
  await service.run('prod');
  assert.equal(plans.length, 1);
  integration.queryPlan = null;
});

test('asking while a scan runs joins it: no second scan, its outcome once it finishes', async () => {
  const records = [
    { id: 41, status: 'running', reason: null, summary: null, holder: 'host pid 9' },
    { id: 41, status: 'running', reason: null, summary: null, holder: 'host pid 9' },
    {
      id: 41,
      status: 'succeeded',
      reason: null,
      summary: { integration: 'prod', counts: { applications: 5 } },
    },
  ];
  const store = {
    integrations: { get: async () => integration },
    scans: {
      begin: async () => {
        throw new ScanInProgress('scan 41 is already running', { scanId: 41 });
      },
      get: async () => records.shift(),
    },
  } as never;
  let collected = 0;
  const joined: number[] = [];
  const service = createScanService({
    store,
    collect: async () => {
      collected += 1;
      return result();
    },
    now,
    sleep: async () => {},
  });
  const outcome = await service.run('prod', { onJoin: (scan) => joined.push(scan.id) });
  assert.equal(collected, 0);
  assert.deepEqual(joined, [41]);
  assert.equal(outcome.joined, true);
  assert.deepEqual([outcome.summary.scanId, outcome.summary.status], [41, 'succeeded']);
  assert.deepEqual(outcome.summary.counts, { applications: 5 });
});

test('an unknown integration is NotFound before anything is written', async () => {
  const { store, finished } = fakeStore();
  const collect: Collect = async () => result();
  await assert.rejects(createScanService({ store, collect, now }).run('nope'), /no integration named "nope"/);
  assert.equal(finished.length, 0);
});
