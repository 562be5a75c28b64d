// Conditional Access and Entra ID Protection against the emulator: a licensed tenant's policies, risky service
// principals and detections are read whole (nextLink followed); without the licence or the permission each part is
// unknown for a standing reason (named once, with the licence or permission to get) and the scan is not partial;
// the incremental collector reads them too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, SCANNER_GRAPH_ROLES, startEmulator } from '../../emulator/index.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import { CONDITIONAL_ACCESS_SCAN_PART, RISK_SCAN_PART } from '../../src/collect/graph/protection.ts';
import type { ConditionalAccessReading, RiskReading } from '../../src/core/protection.ts';
import { createPartTracker, describeIncompleteParts } from '../../src/core/scan-parts.ts';
import { FAST_THROTTLE, scannerTransport } from './helpers.ts';

async function collect(emu: RunningEmulator) {
  const transport = scannerTransport(emu);
  const parts = createPartTracker();
  const result = await collectInventory({ transport, parts, protection: true, onFacts: async () => {} });
  await transport.close();
  const outcome = parts.snapshot('not read');
  const part = (name: string) => outcome.find((p) => p.name === name)!;
  return { result, outcome, ca: part(CONDITIONAL_ACCESS_SCAN_PART.name), risk: part(RISK_SCAN_PART.name) };
}

const readingOf = <T>(result: Awaited<ReturnType<typeof collect>>['result'], name: string) =>
  result.tenantReadings?.find((r) => r.part === name)?.data as T | undefined;

describe('protection, licensed tenant (seed 11, 160 apps)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ tenants: [{ seed: 11, apps: 160 }], graph: { throttle: FAST_THROTTLE } });
  });
  after(() => emu.close());

  test('the policies that target service principals, every risky principal and detection', async () => {
    const { result, ca, risk } = await collect(emu);
    assert.ok(ca.complete && risk.complete, result.warnings.join('\n'));
    assert.equal(result.complete, true);
    const stored = emu.tenants[0]!.protection!;
    const policies = readingOf<ConditionalAccessReading>(result, ca.name)!.policies;
    // The users-only policy says nothing about workloads and is left out.
    assert.deepEqual(
      policies.map((p) => p.id).sort(),
      stored.conditionalAccessPolicies
        .filter((p) => !p.forUsers)
        .map((p) => p.id)
        .sort(),
    );
    const enabled = policies.find((p) => p.state === 'enabled')!;
    const truth = stored.conditionalAccessPolicies.find((p) => p.id === enabled.id)!;
    assert.deepEqual(enabled.includeServicePrincipals, truth.includeServicePrincipals);
    assert.deepEqual(enabled.excludeServicePrincipals, truth.excludeServicePrincipals);
    assert.ok(policies.some((p) => p.state === 'enabledForReportingButNotEnforced'));

    const reading = readingOf<RiskReading>(result, risk.name)!;
    assert.deepEqual(
      reading.servicePrincipals.map((r) => [r.id, r.riskState, r.riskLevel]).sort(),
      stored.riskyServicePrincipals.map((r) => [r.id, r.riskState, r.riskLevel]).sort(),
    );
    assert.ok(reading.servicePrincipals.some((r) => r.riskState === 'confirmedCompromised'));
    assert.deepEqual(
      reading.detections.map((d) => d.id).sort(),
      stored.riskDetections.map((d) => d.id).sort(),
    );
  });

  test('the emulator pages these lists with @odata.nextLink, which the transport follows', async () => {
    const transport = scannerTransport(emu);
    let pages = 0;
    const ids: string[] = [];
    for await (const page of transport.pages<{ id: string }>(
      '/identityProtection/servicePrincipalRiskDetections?$top=2',
      { permission: 'IdentityRiskEvent.Read.All' },
    )) {
      pages++;
      ids.push(...page.map((d) => d.id));
    }
    await transport.close();
    const stored = emu.tenants[0]!.protection!.riskDetections;
    assert.ok(stored.length > 2, 'enough detections to page');
    assert.equal(pages, Math.ceil(stored.length / 2));
    assert.deepEqual(ids.sort(), stored.map((d) => d.id).sort());
  });
});

describe('protection, tenant without the licences (Entra ID Free, no Workload ID Premium)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 11, apps: 60, licence: 'none', workloadIdentitiesPremium: false }],
      graph: { throttle: FAST_THROTTLE },
    });
  });
  after(() => emu.close());

  test('both parts unknown for a standing reason naming the licence, the scan not held back', async () => {
    const { result, outcome, ca, risk } = await collect(emu);
    assert.equal(result.complete, true, 'a missing licence does not make the scan partial');
    assert.equal(result.tenantReadings, undefined, 'nothing read, nothing to store');
    for (const part of [ca, risk]) {
      assert.equal(part.complete, false);
      assert.equal(part.standing, true, part.name);
      assert.equal(part.permission, undefined, 'no permission fills a licence');
    }
    assert.match(ca.reason!, /no Microsoft Entra ID P1 licence/);
    assert.match(risk.reason!, /no Microsoft Entra Workload ID Premium licence/);
    // Said once each: one line per part in the summary, none among the collector's warnings.
    const lines = describeIncompleteParts(outcome).filter((l) => /licence/.test(l));
    assert.equal(lines.length, 2);
    assert.ok(!result.warnings.some((w) => /licen/.test(w)));
  });
});

describe('protection, reader without the permissions', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 11, apps: 60 }],
      graph: { throttle: FAST_THROTTLE },
      scannerGraphRoles: SCANNER_GRAPH_ROLES.filter(
        (r) => r !== 'Policy.Read.All' && r !== 'IdentityRiskEvent.Read.All',
      ),
    });
  });
  after(() => emu.close());

  test('each part names the permission to grant, and stays unknown without failing the scan', async () => {
    const { result, ca, risk } = await collect(emu);
    assert.equal(result.complete, true);
    assert.equal(ca.standing, true);
    assert.equal(ca.permission, 'Policy.Read.All');
    assert.match(
      ca.reason!,
      /AccessDenied: You cannot perform the requested operation, required scopes are missing/,
    );
    // Risky principals are readable, detections are not: the part needs both, and names the one missing.
    assert.equal(risk.complete, false);
    assert.equal(risk.permission, 'IdentityRiskEvent.Read.All');
    assert.match(risk.reason!, /Forbidden/);
  });
});
