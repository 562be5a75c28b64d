// Classifies permissions and roles into tiers: the user's overrides first, then Lanyard's built-in data, then
// (Azure roles only) rules on what a role's actions allow. What nothing classifies is 'unknown', never harmless.
import { BUILT_IN_APP_ROLES } from './app-roles.ts';
import { type AzureRolePermissions, tierFromPermissions } from './azure-role-rules.ts';
import { BUILT_IN_AZURE_ROLES } from './azure-roles.ts';
import { BUILT_IN_DELEGATED_SCOPES } from './delegated-scopes.ts';
import { BUILT_IN_DIRECTORY_ROLES } from './directory-roles.ts';
import {
  entryKeys,
  keysOf,
  parseTierTable,
  type Tier,
  type TierFacts,
  type TierKey,
  type TierOverrides,
  type TierSection,
  type TierTable,
} from './tier-table.ts';

export interface TierResult {
  tier: Tier | 'unknown';
  /** Which model said so ('none' when nothing did). */
  source: string;
  reason: string;
  /** Where the answer came from: the user's overrides, Lanyard's data, a rule on Azure actions, or nothing. */
  origin: 'override' | 'built-in' | 'rule' | 'none';
}

export interface AppRoleQuery {
  id?: string | null;
  value?: string | null;
  /** The API defining the app role; Microsoft Graph when absent. */
  resourceAppId?: string | null;
}
export type DelegatedScopeQuery = string | AppRoleQuery;
export interface DirectoryRoleQuery {
  templateId?: string | null;
  displayName?: string | null;
}
export interface AzureRoleQuery extends AzureRolePermissions {
  /** A GUID or a full role definition resource id (…/roleDefinitions/<guid>). */
  roleDefinitionId?: string | null;
  roleName?: string | null;
}

/** Lanyard's own tier data, all sections. */
export const BUILT_IN_TIERS: TierTable = {
  appRoles: BUILT_IN_APP_ROLES,
  delegatedScopes: BUILT_IN_DELEGATED_SCOPES,
  directoryRoles: BUILT_IN_DIRECTORY_ROLES,
  azureRoles: BUILT_IN_AZURE_ROLES,
};

/** One section's entries by their lookup keys (tier-table.ts keysOf). */
type Index = Map<string, TierFacts>;

function indexesOf(table: TierOverrides): Record<TierSection, Index> {
  const index = (section: TierSection) => {
    const byKey: Index = new Map();
    for (const entry of table[section] ?? []) {
      for (const key of entryKeys(section, entry)) byKey.set(key, entry);
    }
    return byKey;
  };
  return {
    appRoles: index('appRoles'),
    delegatedScopes: index('delegatedScopes'),
    directoryRoles: index('directoryRoles'),
    azureRoles: index('azureRoles'),
  };
}

const BUILT_IN_INDEXES = indexesOf(BUILT_IN_TIERS);

function found(entry: TierFacts, origin: 'override' | 'built-in'): TierResult {
  return { tier: entry.tier, source: entry.source, reason: entry.reason, origin };
}

function unknown(what: string): TierResult {
  return {
    tier: 'unknown',
    source: 'none',
    reason: what
      ? `no tier model Lanyard knows classifies ${what}: classify it in your tier overrides`
      : 'nothing to classify: neither a name nor an id was given',
    origin: 'none',
  };
}

/** The first entry any key finds, keys tried in order. */
function find(keys: readonly string[], index: Index): TierFacts | null {
  for (const key of keys) {
    const entry = index.get(key);
    if (entry) return entry;
  }
  return null;
}

/** The user's overrides win over the built-in data, whichever key (id or name) each is found by. */
function lookUp(keys: readonly string[], overrides: Index, builtIns: Index): TierResult | null {
  const override = find(keys, overrides);
  if (override) return found(override, 'override');
  const builtIn = find(keys, builtIns);
  return builtIn ? found(builtIn, 'built-in') : null;
}

function describe({ id, name }: TierKey): string {
  return name?.trim() ? `"${name.trim()}"` : id?.trim() ? `id ${id.trim()}` : '';
}

/** Tiers lower are more severe; of two answers, the more severe wins (unknown loses to any tier). */
function moreSevere(a: TierResult | null, b: TierResult | null): TierResult | null {
  if (!a || a.tier === 'unknown') return b ?? a;
  if (!b || b.tier === 'unknown') return a;
  return b.tier < a.tier ? b : a;
}

export interface TierClassifier {
  appRole(query: AppRoleQuery): TierResult;
  delegatedScope(query: DelegatedScopeQuery): TierResult;
  directoryRole(query: DirectoryRoleQuery): TierResult;
  azureRole(query: AzureRoleQuery): TierResult;
}

/**
 * A classifier over the built-in data and the given overrides (validated here: a bad override table throws
 * InvalidInput). Build it once per scan: it indexes both tables.
 */
export function createTierClassifier(overrides: TierOverrides = {}): TierClassifier {
  const own = indexesOf(parseTierTable(overrides));
  const classify = (section: TierSection, key: TierKey): TierResult =>
    lookUp(keysOf(section, key), own[section], BUILT_IN_INDEXES[section]) ?? unknown(describe(key));
  return {
    appRole: (query) =>
      classify('appRoles', { id: query.id, name: query.value, resourceAppId: query.resourceAppId }),
    delegatedScope(query) {
      const scope = typeof query === 'string' ? { value: query } : query;
      return classify('delegatedScopes', {
        id: scope.id,
        name: scope.value,
        resourceAppId: scope.resourceAppId,
      });
    },
    directoryRole: (query) => classify('directoryRoles', { id: query.templateId, name: query.displayName }),
    azureRole(query) {
      // ARM gives role definition ids as resource ids; the GUID is their last segment.
      const key = { id: query.roleDefinitionId?.split('/').filter(Boolean).pop(), name: query.roleName };
      const keys = keysOf('azureRoles', key);
      const override = find(keys, own.azureRoles);
      if (override) return found(override, 'override');
      // Actions can only make a role more severe than its name says: a custom role cannot hide behind a name.
      const builtIn = find(keys, BUILT_IN_INDEXES.azureRoles);
      const rule = tierFromPermissions(query);
      return (
        moreSevere(builtIn && found(builtIn, 'built-in'), rule && { ...rule, origin: 'rule' }) ??
        unknown(describe(key))
      );
    },
  };
}

// The one-call functions below keep one classifier per overrides object, so passing the same table for every
// permission of a scan indexes it once. Treat an overrides table as frozen once passed.
const DEFAULT_CLASSIFIER = createTierClassifier();
const CLASSIFIERS = new WeakMap<TierOverrides, TierClassifier>();

function classifierFor(overrides: TierOverrides | undefined): TierClassifier {
  if (!overrides) return DEFAULT_CLASSIFIER;
  let classifier = CLASSIFIERS.get(overrides);
  if (!classifier) {
    classifier = createTierClassifier(overrides);
    CLASSIFIERS.set(overrides, classifier);
  }
  return classifier;
}

export function tierOfAppRole(query: AppRoleQuery, overrides?: TierOverrides): TierResult {
  return classifierFor(overrides).appRole(query);
}

export function tierOfDelegatedScope(query: DelegatedScopeQuery, overrides?: TierOverrides): TierResult {
  return classifierFor(overrides).delegatedScope(query);
}

export function tierOfDirectoryRole(query: DirectoryRoleQuery, overrides?: TierOverrides): TierResult {
  return classifierFor(overrides).directoryRole(query);
}

export function tierOfAzureRole(query: AzureRoleQuery, overrides?: TierOverrides): TierResult {
  return classifierFor(overrides).azureRole(query);
}
