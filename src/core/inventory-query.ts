// Filters over an inventory, as the `inventory` command and the API offer them. Pure: `now` is given.
import type { Credential, CredentialType, Identity, Publisher } from './inventory.ts';
import { daysUnused } from './last-use.ts';
import type { LastUse, ReachInput, RiskLevel } from './risk/types.ts';
import type { IdentityAspect } from './scan-parts.ts';
import type { Tier } from './tiers/tier-table.ts';

export type IdentityTypeFilter = 'application' | 'service-principal' | 'managed-identity';

export interface InventoryFilter {
  types?: IdentityTypeFilter[];
  publishers?: Publisher[];
  credentialTypes?: CredentialType[];
  /** Keep identities holding a credential that ends within this many ms (and has not ended yet). */
  expiresWithinMs?: number;
  /** Keep identities holding an already-expired credential. */
  expired?: boolean;
  /**
   * Keep only identities known to have no owners (not those whose owners were never read). Managed identities
   * and Microsoft's apps have none by design.
   */
  ownerless?: boolean;
}

/** Whether an aspect of the identity was never read completely: an empty list then means "unknown". */
export const isUnknown = (identity: Identity, aspect: IdentityAspect): boolean =>
  identity.unknown?.includes(aspect) ?? false;

/** Known to have no owners: not merely never read. */
export const isOwnerless = (identity: Identity): boolean =>
  identity.owners.length === 0 && !isUnknown(identity, 'owners');

export function identityType(identity: Identity): IdentityTypeFilter {
  if (identity.kind === 'application') return 'application';
  return identity.servicePrincipalType === 'ManagedIdentity' ? 'managed-identity' : 'service-principal';
}

const endsAt = (credential: Credential): number | null =>
  credential.endDateTime ? Date.parse(credential.endDateTime) : null;

export function isExpired(credential: Credential, now: number): boolean {
  const end = endsAt(credential);
  return end !== null && end <= now;
}

export function expiresWithin(credential: Credential, now: number, windowMs: number): boolean {
  const end = endsAt(credential);
  return end !== null && end > now && end <= now + windowMs;
}

export function matchesFilter(identity: Identity, filter: InventoryFilter, now: number): boolean {
  if (filter.types?.length && !filter.types.includes(identityType(identity))) return false;
  if (filter.publishers?.length && !filter.publishers.includes(identity.publisher)) return false;
  if (filter.ownerless && !isOwnerless(identity)) return false;
  const credentials = filter.credentialTypes?.length
    ? identity.credentials.filter((c) => filter.credentialTypes?.includes(c.type))
    : identity.credentials;
  if (filter.credentialTypes?.length && credentials.length === 0) return false;
  if (filter.expired && !credentials.some((c) => isExpired(c, now))) return false;
  const window = filter.expiresWithinMs;
  if (window !== undefined && !credentials.some((c) => expiresWithin(c, now, window))) return false;
  return true;
}

export function filterInventory(identities: Identity[], filter: InventoryFilter, now: number): Identity[] {
  return identities.filter((identity) => matchesFilter(identity, filter, now));
}

/**
 * Filters that need what the store's page does not hold (scores, last use): applied by the service to each page
 * after the store's filters, so the listing still streams.
 */
export interface RiskFilter {
  /** Keep identities whose risk is at least this level. */
  minLevel?: RiskLevel;
  /** Keep identities holding something at this tier or a more privileged one (0 is the most). */
  tier?: Tier;
  /** Keep identities unused for at least this many days: the identity and every credential it holds. */
  unusedForDays?: number;
}

export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];

export const atLeastLevel = (level: RiskLevel, min: RiskLevel): boolean =>
  RISK_LEVELS.indexOf(level) >= RISK_LEVELS.indexOf(min);

export const needsRiskFacts = (filter: RiskFilter | undefined): boolean =>
  filter !== undefined &&
  (filter.minLevel !== undefined || filter.tier !== undefined || filter.unusedForDays !== undefined);

/** What a risk filter reads of one identity (its workload: the application with its service principal). */
export interface RiskFacts {
  level: RiskLevel;
  reach: ReachInput;
  identityLastUse: LastUse;
  credentialLastUses: readonly LastUse[];
}

/**
 * Unknown never matches: an identity whose access was not read is not "below tier N" nor "at tier N" (unless what
 * was read already holds it), and one whose last use is unknown is not "unused".
 */
export function matchesRiskFilter(facts: RiskFacts, filter: RiskFilter, now: Date): boolean {
  if (filter.minLevel && !atLeastLevel(facts.level, filter.minLevel)) return false;
  const { tier } = filter;
  if (tier !== undefined) {
    const holds = facts.reach.entries.some((entry) => entry.tier !== 'unknown' && entry.tier <= tier);
    if (!holds) return false;
  }
  const days = filter.unusedForDays;
  if (days !== undefined) {
    const unusedLongEnough = (lastUse: LastUse) => {
      const unused = daysUnused(lastUse, now);
      return unused !== null && unused >= days;
    };
    if (!unusedLongEnough(facts.identityLastUse) || !facts.credentialLastUses.every(unusedLongEnough))
      return false;
  }
  return true;
}
