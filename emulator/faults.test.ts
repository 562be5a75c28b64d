// The fault layer's decisions without a server: reproducible from a seed, scoped by path, ended by maxFaults.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClock } from './clock.ts';
import type { EmulatorContext, FaultSpec } from './context.ts';
import { createFaultInjector } from './faults.ts';
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
