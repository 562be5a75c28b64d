// Risk of the stored identities, for the CLI and the API: the riskiest credentials across the inventory
// (streamed page by page, keeping only the best `top`), and one identity's score with its reasons. An
// application and its service principal are one workload (src/core/risk/workload.ts).
import { InvalidInput } from '../core/errors.ts';
import type { Credential, CredentialLocation, CredentialType, IdentityKind } from '../core/inventory.ts';
import { atLeastLevel, type IdentityTypeFilter, identityType, RISK_LEVELS } from '../core/inventory-query.ts';
import type { LastUseSource } from '../core/last-use.ts';
import type { RiskConfig } from '../core/risk/config.ts';
import type { LastUse, Reach, RiskFactor, RiskLevel, RiskScore } from '../core/risk/types.ts';
import type { TierOverrides } from '../core/tiers/tier-table.ts';
import type { InventoryRow, Store } from '../store/index.ts';
import type { IdentityMatch } from './identity-service.ts';
import { createInventoryService } from './inventory-service.ts';
import { type AssessedRow, createWorkloadRisk } from './workload-risk.ts';

export interface RiskServiceDeps {
  store: Pick<Store, 'integrations' | 'scans' | 'inventory'>;
  lastUse: LastUseSource;
  now: () => number;
  config?: RiskConfig;
  tiers?: TierOverrides;
}

export interface RankRequest {
  /** An integration's name; absent: every integration. */
  integration?: string;
  /** A tenant id: the integrations that read it. */
  tenant?: string;
  /** How many credentials to return (1–1,000). */
  top: number;
  /** Only credentials at this level or above. */
  level?: RiskLevel;
}

/** What the identity can reach, most privileged first, and what could not be read. */
export interface ReachSummary {
  entries: Reach[];
  unknown: string[];
}

export interface RankedCredential {
  integration: { name: string; tenantId: string };
  identity: {
    displayName: string;
    objectId: string;
    appId: string;
    kind: IdentityKind;
    type: IdentityTypeFilter;
  };
  credential: {
    keyId: string;
    type: CredentialType;
    displayName: string | null;
    location: CredentialLocation;
    startDateTime: string | null;
    endDateTime: string | null;
  };
  lastUse: LastUse;
  score: number;
  level: RiskLevel;
  impact: number;
  likelihood: number;
  factors: RiskFactor[];
  reach: ReachSummary;
}

export interface CredentialRisk extends RiskScore {
  keyId: string;
  location: CredentialLocation;
  lastUse: LastUse;
}

/** One identity's risk: its workload's score and factors, each credential's score and last use, its reach. */
export interface IdentityRisk extends RiskScore {
  /** Every credential of the workload (the partner's too), riskiest first. */
  credentials: CredentialRisk[];
  /** The workload's last sign-in through any credential. */
  lastUse: LastUse;
  reach: ReachSummary;
}

export const MAX_TOP = 1_000;

/** Riskier first: score, then likelihood and impact, then stable by name and key id. */
function compareRanked(a: RankedCredential, b: RankedCredential): number {
  return (
    b.score - a.score ||
    b.likelihood - a.likelihood ||
    b.impact - a.impact ||
    a.identity.displayName.localeCompare(b.identity.displayName, 'en') ||
    a.integration.name.localeCompare(b.integration.name, 'en') ||
    a.credential.keyId.localeCompare(b.credential.keyId, 'en')
  );
}

/** Keeps the best `size` items seen, sorted: memory stays at `size` however many are offered. */
function boundedTop<T>(size: number, compare: (a: T, b: T) => number) {
  const items: T[] = [];
  return {
    /** Whether an item this good would be kept: to skip building ones that would not. */
    admits: (probe: (worst: T) => boolean) => items.length < size || probe(items[items.length - 1]!),
    offer(item: T): void {
      if (items.length >= size && compare(item, items[items.length - 1]!) >= 0) return;
      let low = 0;
      let high = items.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (compare(items[mid]!, item) <= 0) low = mid + 1;
        else high = mid;
      }
      items.splice(low, 0, item);
      if (items.length > size) items.pop();
    },
    items: () => [...items],
  };
}

/** Throws InvalidInput naming `top` or `level`; callers may check before opening anything. */
export function validateRank(request: Pick<RankRequest, 'top' | 'level'>): void {
  if (!Number.isSafeInteger(request.top) || request.top < 1 || request.top > MAX_TOP) {
    throw new InvalidInput(`the number of credentials must be a whole number from 1 to ${MAX_TOP}`, {
      field: 'top',
      fix: 'e.g. --top 20',
    });
  }
  if (request.level !== undefined && !RISK_LEVELS.includes(request.level)) {
    throw new InvalidInput(`"${request.level}" is not a risk level`, {
      field: 'level',
      fix: `use one of ${RISK_LEVELS.join(', ')}`,
    });
  }
}

const reachSummary = (entry: AssessedRow): ReachSummary => ({
  entries: [...entry.reach.entries],
  unknown: [...(entry.reach.unknown ?? [])],
});

function credentialOf(credential: Credential): RankedCredential['credential'] {
  return {
    keyId: credential.keyId,
    type: credential.type,
    displayName: credential.displayName ?? credential.name ?? null,
    location: credential.location,
    startDateTime: credential.startDateTime,
    endDateTime: credential.endDateTime,
  };
}

export function createRiskService({ store, lastUse, now, config, tiers }: RiskServiceDeps) {
  const options = { ...(config ? { config } : {}), ...(tiers ? { tiers } : {}) };
  const inventory = createInventoryService({ store, now });

  async function rankPages(
    pages: AsyncIterable<{ rows: InventoryRow[] }> | Iterable<{ rows: readonly InventoryRow[] }>,
    request: Pick<RankRequest, 'top' | 'level'>,
  ): Promise<RankedCredential[]> {
    const clock = new Date(now());
    const workloads = createWorkloadRisk({ inventory: store.inventory, lastUse, ...options });
    const top = boundedTop<RankedCredential>(request.top, compareRanked);
    for await (const page of pages) {
      for (const entry of await workloads.assess(page.rows, clock)) {
        const { integration, identity } = entry.row;
        // Each credential once: on the row of the object that holds it.
        for (const credential of identity.credentials) {
          const scored = entry.risk.credentials.find((c) => c.keyId === credential.keyId);
          if (!scored) continue;
          if (request.level && !atLeastLevel(scored.level, request.level)) continue;
          if (!top.admits((worst) => scored.score >= worst.score)) continue;
          top.offer({
            integration: { name: integration.name, tenantId: integration.tenantId },
            identity: {
              displayName: identity.displayName,
              objectId: identity.objectId,
              appId: identity.appId,
              kind: identity.kind,
              type: identityType(identity),
            },
            credential: credentialOf(credential),
            lastUse: entry.lastUseOf(credential),
            score: scored.score,
            level: scored.level,
            impact: scored.impact,
            likelihood: scored.likelihood,
            factors: scored.factors,
            reach: reachSummary(entry),
          });
        }
      }
    }
    return top.items();
  }

  return {
    /** The riskiest credentials of the inventory (of an integration or tenant), riskiest first. */
    async rank(request: RankRequest): Promise<RankedCredential[]> {
      validateRank(request);
      const scope = {
        ...(request.integration !== undefined ? { integration: request.integration } : {}),
        ...(request.tenant !== undefined ? { tenant: request.tenant } : {}),
      };
      return rankPages(inventory.pages(scope), request);
    },

    /** The same ranking over rows the caller already holds (the demo's small tenant), partners among them. */
    async rankRows(rows: readonly InventoryRow[], request: Pick<RankRequest, 'top' | 'level'>) {
      validateRank(request);
      return rankPages([{ rows }], request);
    },

    /** One identity's risk, scored with its partner (application ↔ service principal) as of now. */
    async scoreOf(match: Pick<IdentityMatch, 'integration' | 'identity'>): Promise<IdentityRisk> {
      const workloads = createWorkloadRisk({ inventory: store.inventory, lastUse, ...options });
      const [entry] = await workloads.assess(
        [{ integration: match.integration, identity: match.identity }],
        new Date(now()),
      );
      const { risk } = entry!;
      const credentials = risk.credentials.map((scored) => {
        const credential = entry!.credentials.find((c) => c.keyId === scored.keyId)!;
        return { ...scored, location: credential.location, lastUse: entry!.lastUseOf(credential) };
      });
      const { credentials: _, ...score } = risk;
      return { ...score, credentials, lastUse: entry!.identityLastUse, reach: reachSummary(entry!) };
    },
  };
}
