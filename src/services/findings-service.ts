// Findings for the CLI, the scheduler and the API: runs the check catalogue over an integration's latest
// inventory (each identity as its workload, with reach and last use), records what opened and resolved, and
// answers questions about them. Suppressions carry a reason, an expiry and who decided.
import { CHECKS } from '../core/checks/catalogue.ts';
import type { AnyCheck, Severity } from '../core/checks/check.ts';
import { SEVERITIES } from '../core/checks/check.ts';
import { type CheckParams, createEvaluation } from '../core/checks/evaluate.ts';
import { InvalidInput, NotFound } from '../core/errors.ts';
import type { LastUseSource } from '../core/last-use.ts';
import type { TierOverrides } from '../core/tiers/tier-table.ts';
import type { CheckTallyRecord, FindingRecord, Reconciled, SuppressionRecord } from '../store/findings.ts';
import type { Integration, Store } from '../store/index.ts';
import { findingEvents } from './finding-events.ts';
import { integrationNamed } from './integration-service.ts';
import { createInventoryService } from './inventory-service.ts';
import { protectionOf } from './protection-events.ts';
import { type AssessedRow, createWorkloadRisk } from './workload-risk.ts';

export interface FindingsServiceDeps {
  store: Pick<Store, 'integrations' | 'scans' | 'inventory' | 'findings' | 'tenantReadings'>;
  lastUse: LastUseSource;
  now: () => number;
  checks?: readonly AnyCheck[];
  params?: CheckParams;
  tiers?: TierOverrides;
  /** The sinks each evaluation's events are recorded for (the outbox delivers them); none: no events. */
  sinks?: readonly string[];
}

export interface FindingsRequest {
  integration?: string;
  /** At this severity or above. */
  severity?: Severity;
  /** Only these checks (ids). */
  checks?: string[];
  /** Resolved findings too. */
  includeResolved?: boolean;
  /** Suppressed findings too (listed as suppressed). */
  includeSuppressed?: boolean;
}

export interface FindingsReport {
  findings: FindingRecord[];
  /** Each check's last evaluation per integration: how many identities it could not judge, and why. */
  tallies: (CheckTallyRecord & { integration: string })[];
}

export interface EvaluationResult extends Reconciled {
  integration: Integration;
  tallies: CheckTallyRecord[];
}

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export function createFindingsService({
  store,
  lastUse,
  now,
  checks = CHECKS,
  params,
  tiers,
  sinks = [],
}: FindingsServiceDeps) {
  const inventory = createInventoryService({ store, now });
  const known = new Set(checks.map((check) => check.id));

  function validate(request: FindingsRequest): void {
    if (request.severity !== undefined && !SEVERITIES.includes(request.severity)) {
      throw new InvalidInput(`"${request.severity}" is not a severity`, {
        field: 'severity',
        fix: `use one of ${SEVERITIES.join(', ')}`,
      });
    }
    for (const id of request.checks ?? []) {
      if (!known.has(id)) {
        throw new InvalidInput(`there is no check "${id}"`, {
          field: 'check',
          fix: 'lanyard checks lists them',
        });
      }
    }
  }

  const integrationsOf = async (name?: string) =>
    name === undefined
      ? store.integrations.list()
      : [await integrationNamed(store.integrations, name, 'integration')];

  return {
    checks,
    validate,

    /** Evaluates every check over the integration's latest inventory and records what changed. */
    async evaluate(
      integrationName: string,
      scanId: number | null = null,
      /** Sees every page of assessed identities as it is evaluated (expiry alerts read them in the same pass). */
      onAssessed?: (entries: readonly AssessedRow[], integration: Integration) => void,
    ): Promise<EvaluationResult> {
      const integration = await integrationNamed(store.integrations, integrationName, 'integration');
      const clock = new Date(now());
      const evaluation = createEvaluation(checks, clock, params);
      const workloads = createWorkloadRisk({
        inventory: store.inventory,
        lastUse,
        ...(tiers ? { tiers } : {}),
      });
      // Tenant-wide, read once: the same facts for every identity (null where a part was never read).
      const protection = protectionOf(await store.tenantReadings.latest(integration.id));
      for await (const page of inventory.pages({ integration: integration.name })) {
        const assessed = await workloads.assess(page.rows, clock);
        onAssessed?.(assessed, integration);
        for (const entry of assessed) {
          evaluation.add({
            identity: entry.row.identity,
            workload: entry.workload,
            reach: entry.reach,
            lastUseOf: entry.lastUseOf,
            identityLastUse: entry.identityLastUse,
            tenantId: integration.tenantId,
            ...(tiers ? { tiers } : {}),
            protection,
          });
        }
      }
      const result = evaluation.result();
      const events = sinks.length
        ? { sinks, of: (reconciled: Reconciled) => findingEvents(integration, reconciled, clock) }
        : undefined;
      const reconciled = await store.findings.reconcile(integration.id, scanId, result, clock, events);
      return { integration, ...reconciled, tallies: await store.findings.tallies(integration.id) };
    },

    /** Open findings (by default) worst first, with each check's unknowns; suppressed ones left out unless asked. */
    async list(request: FindingsRequest = {}): Promise<FindingsReport> {
      validate(request);
      const integrations = await integrationsOf(request.integration);
      const names = new Map(integrations.map((integration) => [integration.id, integration.name]));
      const clock = new Date(now());
      const findings: FindingRecord[] = [];
      const tallies: FindingsReport['tallies'] = [];
      for (const integration of integrations) {
        const found = await store.findings.list({
          integrationId: integration.id,
          states: request.includeResolved ? ['open', 'resolved'] : ['open'],
          now: clock,
        });
        findings.push(
          ...found.filter(
            (finding) =>
              (request.includeSuppressed || !finding.suppression) &&
              (!request.severity || severityRank(finding.severity) >= severityRank(request.severity)) &&
              (!request.checks?.length || request.checks.includes(finding.checkId)),
          ),
        );
        for (const tally of await store.findings.tallies(integration.id)) {
          if (!request.checks?.length || request.checks.includes(tally.checkId))
            tallies.push({ ...tally, integration: integration.name });
        }
      }
      findings.sort(
        (a, b) =>
          severityRank(b.severity) - severityRank(a.severity) ||
          (names.get(a.integrationId) ?? '').localeCompare(names.get(b.integrationId) ?? '', 'en') ||
          a.checkId.localeCompare(b.checkId, 'en') ||
          a.displayName.localeCompare(b.displayName, 'en') ||
          a.keyId.localeCompare(b.keyId, 'en'),
      );
      return { findings, tallies };
    },

    /** Suppresses a check's findings on an identity (or all of the integration's) until `expiresAt`. */
    async suppress(request: {
      integration: string;
      checkId: string;
      objectId?: string;
      keyId?: string;
      reason: string;
      expiresAt: Date;
      by: string;
    }): Promise<SuppressionRecord> {
      validate({ checks: [request.checkId] });
      if (!request.reason.trim()) {
        throw new InvalidInput('a suppression needs a reason', { field: 'reason', fix: '--reason "..."' });
      }
      if (request.expiresAt.getTime() <= now()) {
        throw new InvalidInput('a suppression must expire in the future', {
          field: 'expires',
          fix: 'e.g. --expires 90d',
        });
      }
      const integration = await integrationNamed(store.integrations, request.integration, 'integration');
      return store.findings.suppress({
        integrationId: integration.id,
        checkId: request.checkId,
        objectId: request.objectId ?? null,
        keyId: request.keyId ?? null,
        reason: request.reason.trim(),
        expiresAt: request.expiresAt,
        createdBy: request.by,
      });
    },

    async lift(id: number, by: string): Promise<void> {
      if (!(await store.findings.lift(id, by, new Date(now())))) {
        throw new NotFound(`no suppression ${id} is in force`, {
          fix: 'lanyard suppressions lists them',
        });
      }
    },

    async suppressions(integration?: string): Promise<(SuppressionRecord & { integration: string })[]> {
      const integrations = await integrationsOf(integration);
      const out: (SuppressionRecord & { integration: string })[] = [];
      for (const found of integrations) {
        for (const s of await store.findings.suppressions(found.id))
          out.push({ ...s, integration: found.name });
      }
      return out;
    },
  };
}
