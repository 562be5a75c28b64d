// The fault layer's decisions without a server: reproducible from a seed, scoped by path, ended by maxFaults.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClock } from './clock.ts';
import type { EmulatorContext, FaultSpec } from './context.ts';
import { createFaultInjector, malformedPage } from './faults.ts';
import type { EmulatorRequest } from './http.ts';

function context(faults: FaultSpec[]): EmulatorContext {
  return {
    clock: createClock(0),
    tenants: new Map(),
    authenticate: () => ({ tenantId: 't', appId: 'a', roles: [] }),
    requests: [],
    signIns: [],
    faults,
  };
}

const request = (path: string): EmulatorRequest => ({
  method: 'GET',
  url: new URL(`https://127.0.0.1${path}`),
  headers: {},
  body: Buffer.alloc(0),
  ip: '127.0.0.1',
});

function outcomes(seed: number, faults: FaultSpec[], paths: string[]): string[] {
  const injector = createFaultInjector(context(faults), seed);
  return paths.map((p) => {
    const d = injector.decide(request(p));
    return d.replacement ? String(d.replacement.status) : (d.bodyFault ?? 'none');
  });
}

const MIX: FaultSpec[] = [{ serverErrorRate: 0.2, resetRate: 0.2, truncateRate: 0.2, throttleRate: 0.1 }];
const PATHS = Array.from({ length: 200 }, (_, i) => `/v1.0/applications?page=${i}`);

test('the same seed gives the same faults for the same requests', () => {
  assert.deepEqual(outcomes(7, MIX, PATHS), outcomes(7, MIX, PATHS));
  assert.notDeepEqual(outcomes(7, MIX, PATHS), outcomes(8, MIX, PATHS));
});

test('pathContains limits a spec, and maxFaults stops it', () => {
  const spec: FaultSpec = { pathContains: '/servicePrincipals', resetRate: 1, maxFaults: 2 };
  const result = outcomes(
    1,
    [spec],
    ['/v1.0/applications', '/v1.0/servicePrincipals', '/v1.0/servicePrincipals', '/v1.0/servicePrincipals'],
  );
  assert.deepEqual(result, ['none', 'reset', 'reset', 'none']);
});

test('latency adds up across matching specs and does not count as a fault', () => {
  const injector = createFaultInjector(context([{ latencyMs: 30, maxFaults: 1 }, { latencyMs: 20 }]), 1);
  for (let i = 0; i < 3; i++) assert.equal(injector.decide(request('/v1.0/users')).latencyMs, 50);
  assert.equal(injector.injected(), 0);
});

test('latency per KiB adds up across matching specs, beside the base latency', () => {
  const injector = createFaultInjector(
    context([
      { latencyMs: 300, latencyPerKbMs: 0.5 },
      { pathContains: 'applications', latencyPerKbMs: 0.25 },
    ]),
    1,
  );
  const apps = injector.decide(request('/v1.0/applications'));
  assert.deepEqual([apps.latencyMs, apps.latencyPerKbMs], [300, 0.75]);
  assert.equal(injector.decide(request('/v1.0/users')).latencyPerKbMs, 0.5);
  assert.equal(injector.injected(), 0);
});

test('malformed pages: rolled only when malformedRate is set, counted only once applied', () => {
  const without = outcomes(3, MIX, PATHS);
  assert.deepEqual(outcomes(3, [{ ...MIX[0], malformedRate: 0 }], PATHS), without);
  const spec: FaultSpec = { malformedRate: 1, maxFaults: 1 };
  const injector = createFaultInjector(context([spec]), 1);
  const first = injector.decide(request('/v1.0/users/x'));
  assert.equal(first.bodyFault, 'malformed');
  assert.equal(injector.decide(request('/v1.0/users')).bodyFault, 'malformed', 'not applied yet');
  first.applied?.();
  assert.equal(injector.injected(), 1);
  assert.equal(injector.decide(request('/v1.0/users')).bodyFault, undefined);
});

test('malformedPage keeps only @odata.context of a 200 collection and leaves anything else alone', () => {
  const page = Buffer.from(JSON.stringify({ '@odata.context': 'c', '@odata.nextLink': 'n', value: [1] }));
  assert.deepEqual(JSON.parse(malformedPage(200, page)!.toString()), { '@odata.context': 'c' });
  assert.equal(malformedPage(400, page), undefined);
  assert.equal(malformedPage(200, Buffer.from('{"id":"x"}')), undefined);
  assert.equal(malformedPage(200, Buffer.from('12')), undefined);
  assert.equal(malformedPage(200, Buffer.from('{"value":[1],')), undefined);
});
