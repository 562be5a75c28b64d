import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthFailed } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';
import type { Integration, ScanResult, ScanWriter } from '../store/index.ts';
import { type Collect, type CollectResult, createScanService } from './scan-service.ts';

const integration = { id: 'i-1', name: 'prod' } as Integration;

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
      return { id: 7, status: result.status } as never;
    },
  };
  const store = {
    integrations: { get: async (name: string) => (name === 'prod' ? integration : undefined) },
    scans: { begin: async () => writer },
  } as never;
  return { store, staged, finished };
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

test('a collection that could not read everything is partial', async () => {
  const { store, finished } = fakeStore();
  const collect: Collect = async () => result({ complete: false, warnings: ['owners of x: 404'] });
  const { summary } = await createScanService({ store, collect, now }).run('prod');
  assert.equal(finished[0]?.status, 'partial');
  assert.deepEqual(summary.warnings, ['owners of x: 404']);
});

test('an unknown integration is NotFound before anything is written', async () => {
  const { store, finished } = fakeStore();
  const collect: Collect = async () => result();
  await assert.rejects(createScanService({ store, collect, now }).run('nope'), /no integration named "nope"/);
  assert.equal(finished.length, 0);
});
