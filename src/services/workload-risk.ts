// Scores a page of inventory rows as workloads (an application with its service principal), with a bounded
// number of queries per page whatever its size: at most one for the partners not on the page and one for the
// last use, per integration on the page. Shared by the risk ranking and the inventory's risk filters.
import type { AsOf } from '../core/as-of.ts';
import type { Credential } from '../core/inventory.ts';
import {
  type LastUseRecord,
  type LastUseSource,
  type LastUseWatch,
  lastUseOfCredential,
  lastUseOfIdentity,
  NO_USE,
} from '../core/last-use.ts';
import { DEFAULT_RISK_CONFIG, type RiskConfig } from '../core/risk/config.ts';
import { scoreIdentity } from '../core/risk/score.ts';
import type { IdentityRiskScore, LastUse, ReachInput } from '../core/risk/types.ts';
import { reachOfWorkload, type Workload, workloadOf, workloadRiskInput } from '../core/risk/workload.ts';
import type { TierOverrides } from '../core/tiers/tier-table.ts';
import type { InventoryRow, Store } from '../store/index.ts';

export interface WorkloadRiskDeps {
  inventory: Pick<Store['inventory'], 'byAppIds'>;
  lastUse: LastUseSource;
  config?: RiskConfig;
  tiers?: TierOverrides;
}

export interface AssessedRow {
  row: InventoryRow;
  workload: Workload;
  /** The credentials of the workload: the application's, then the service principal's. */
  credentials: Credential[];
  reach: ReachInput;
  /** The workload's score; its `credentials` hold every credential's, the partner's included. */
  risk: IdentityRiskScore;
  /** Last use of a credential of the workload, in the three states (never "never used" when unknown). */
  lastUseOf(credential: Credential): LastUse;
  /** The workload's last sign-in through any credential. */
  identityLastUse: LastUse;
}

/** Lanyard keeps app ids and key ids of sign-ins lower-cased (they are GUIDs, case-insensitive in Entra). */
const recordOf = (records: Map<string, LastUseRecord>, appId: string): LastUseRecord =>
  records.get(appId.toLowerCase()) ?? records.get(appId) ?? NO_USE;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

export function createWorkloadRisk({ inventory, lastUse, config, tiers }: WorkloadRiskDeps) {
  // The watch of an integration does not change while a listing runs: read it once per integration.
  const watches = new Map<string, Promise<LastUseWatch>>();
  const watchOf = (integrationId: string) => {
    let watch = watches.get(integrationId);
    if (!watch) {
      watch = lastUse.watch(integrationId);
      watches.set(integrationId, watch);
    }
    return watch;
  };

  async function assessIntegration(
    integrationId: string,
    rows: readonly InventoryRow[],
    now: Date,
    asOf: AsOf | undefined,
  ): Promise<AssessedRow[]> {
    const appIds = [...new Set(rows.map((row) => row.identity.appId))];
    // Pages run in name order and an application's service principal usually bears its name, so most
    // partners are on the page already: only the others are looked up.
    const onPage = groupBy(
      rows.map((row) => row.identity),
      (identity) => identity.appId.toLowerCase(),
    );
    const missing = [...onPage].filter(([, found]) => found.length < 2).map(([, [first]]) => first!.appId);
    const [identities, records, watch] = await Promise.all([
      missing.length ? inventory.byAppIds(integrationId, missing, asOf ? { asOf } : {}) : [],
      lastUse.forApps(integrationId, appIds),
      watchOf(integrationId),
    ]);
    const byAppId = groupBy([...rows.map((row) => row.identity), ...identities], (identity) =>
      identity.appId.toLowerCase(),
    );
    return rows.map((row) => {
      const { identity } = row;
      const partner = byAppId
        .get(identity.appId.toLowerCase())
        ?.find((other) => other.kind !== identity.kind);
      const workload = workloadOf(identity, partner);
      const record = recordOf(records, identity.appId);
      const lastUseOf = (credential: Credential) =>
        lastUseOfCredential(
          { keyId: credential.keyId.toLowerCase(), startDateTime: credential.startDateTime },
          record,
          watch,
        );
      const reach = reachOfWorkload(workload, tiers);
      const risk = scoreIdentity(
        workloadRiskInput(workload, { lastUse: lastUseOf, now, reach }),
        config ?? DEFAULT_RISK_CONFIG,
      );
      const credentials = [
        ...(workload.application?.credentials ?? []),
        ...(workload.servicePrincipal?.credentials ?? []),
      ];
      const identityLastUse = lastUseOfIdentity(record, watch);
      return { row, workload, credentials, reach, risk, lastUseOf, identityLastUse };
    });
  }

  return {
    /** The rows in their order, each scored as its workload; `asOf` reads partners as of that point. */
    async assess(rows: readonly InventoryRow[], now: Date, asOf?: AsOf): Promise<AssessedRow[]> {
      const byIntegration = groupBy(rows, (row) => row.integration.id);
      const assessed = new Map<InventoryRow, AssessedRow>();
      for (const [integrationId, group] of byIntegration) {
        for (const entry of await assessIntegration(integrationId, group, now, asOf))
          assessed.set(entry.row, entry);
      }
      return rows.map((row) => assessed.get(row)!);
    },
  };
}
