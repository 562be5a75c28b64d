// The shape of tier data, built in or a user's overrides, and the validator both go through.
import { InvalidInput } from '../errors.ts';

/** 0: can take over the tenant or a subscription · 1: can write or read sensitive data · 2: unprivileged. */
export type Tier = 0 | 1 | 2;

/** Every entry says how privileged it is, which model said so, and why (one sentence, shown to users). */
export interface TierFacts {
  tier: Tier;
  source: string;
  reason: string;
}

/** An application permission: an app role of an API, Microsoft Graph unless resourceAppId says otherwise. */
export interface AppRoleTier extends TierFacts {
  value: string;
  id?: string;
  resourceAppId?: string;
}

/** A delegated permission (an OAuth2 scope), named as it appears in an oauth2PermissionGrant's `scope`. */
export interface DelegatedScopeTier extends TierFacts {
  value: string;
  id?: string;
  resourceAppId?: string;
}

export interface DirectoryRoleTier extends TierFacts {
  displayName: string;
  templateId?: string;
}

export interface AzureRoleTier extends TierFacts {
  roleName: string;
  /** The role definition's GUID (the last segment of its resource id). */
  roleDefinitionId?: string;
}

export interface TierTable {
  appRoles: readonly AppRoleTier[];
  delegatedScopes: readonly DelegatedScopeTier[];
  directoryRoles: readonly DirectoryRoleTier[];
  azureRoles: readonly AzureRoleTier[];
}

/** A user's overrides: any part of a table, same shape; an entry here wins over the built-in one. */
export type TierOverrides = Partial<TierTable>;

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** Lookup keys are case-insensitive: Graph and ARM treat names and ids that way. */
export function keyOf(text: string): string {
  return text.trim().toLowerCase();
}

export type TierSection = keyof TierTable;

/** Per section: the field that names an entry, the field holding its GUID, and whether names count per API. */
const SECTIONS: Record<TierSection, { name: string; id: string; perApi: boolean }> = {
  appRoles: { name: 'value', id: 'id', perApi: true },
  delegatedScopes: { name: 'value', id: 'id', perApi: true },
  directoryRoles: { name: 'displayName', id: 'templateId', perApi: false },
  azureRoles: { name: 'roleName', id: 'roleDefinitionId', perApi: false },
};

/** What an entry is found by, or a query looks for: its GUID, its name, and for app roles and scopes its API. */
export interface TierKey {
  id?: string | null | undefined;
  name?: string | null | undefined;
  resourceAppId?: string | null | undefined;
}

/**
 * Lookup keys, most specific first: `id:<guid>` (GUIDs are unique across APIs), then `name:<name>`, which for
 * app roles and scopes is `name:<api app id>/<value>` (two APIs may both define "Data.Read").
 */
export function keysOf(section: TierSection, key: TierKey): string[] {
  const keys: string[] = [];
  if (key.id?.trim()) keys.push(`id:${keyOf(key.id)}`);
  if (key.name?.trim()) {
    const api = SECTIONS[section].perApi ? `${keyOf(key.resourceAppId || MICROSOFT_GRAPH_APP_ID)}/` : '';
    keys.push(`name:${api}${keyOf(key.name)}`);
  }
  return keys;
}

/** An entry's lookup keys (section-specific field names mapped to id and name). */
export function entryKeys(section: TierSection, entry: TierFacts): string[] {
  const fields = entry as unknown as Record<string, string | undefined>;
  const spec = SECTIONS[section];
  return keysOf(section, {
    id: fields[spec.id],
    name: fields[spec.name],
    resourceAppId: fields.resourceAppId,
  });
}

function fail(where: string, problem: string): never {
  throw new InvalidInput(`${where}: ${problem}`, {
    fix: 'each entry needs a name, tier 0, 1 or 2, a non-empty source and reason; ids must be GUIDs',
    field: 'tiers',
  });
}

function checkEntry(section: TierSection, raw: unknown, where: string): TierFacts {
  const spec = SECTIONS[section];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(where, 'is not an object');
  const entry = raw as Record<string, unknown>;
  const allowed = new Set([
    'tier',
    'source',
    'reason',
    spec.name,
    spec.id,
    ...(spec.perApi ? ['resourceAppId'] : []),
  ]);
  for (const key of Object.keys(entry)) {
    if (!allowed.has(key)) fail(where, `"${key}" is not a field here (allowed: ${[...allowed].join(', ')})`);
  }
  const name = entry[spec.name];
  if (typeof name !== 'string' || !name.trim()) fail(where, `${spec.name} must be a non-empty string`);
  if (entry.tier !== 0 && entry.tier !== 1 && entry.tier !== 2) fail(where, 'tier must be 0, 1 or 2');
  for (const field of ['source', 'reason']) {
    const value = entry[field];
    if (typeof value !== 'string' || !value.trim()) fail(where, `${field} must be a non-empty string`);
  }
  for (const field of [spec.id, 'resourceAppId']) {
    const value = entry[field];
    if (value !== undefined && (typeof value !== 'string' || !isGuid(value))) {
      fail(where, `${field} must be a GUID`);
    }
  }
  return entry as unknown as TierFacts;
}

/**
 * Validates tier data (the built-in table in its test, a user's overrides when loaded): known sections only,
 * well-formed entries, no name or id twice in a section (an app role's name counts per API).
 */
export function parseTierTable(input: unknown, label = 'tier overrides'): TierOverrides {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail(label, 'is not an object');
  const result: Record<string, TierFacts[]> = {};
  for (const [section, entries] of Object.entries(input)) {
    if (!(section in SECTIONS)) {
      fail(label, `"${section}" is not a section (known: ${Object.keys(SECTIONS).join(', ')})`);
    }
    if (!Array.isArray(entries)) fail(`${label}.${section}`, 'is not a list');
    const seen = new Set<string>();
    result[section] = entries.map((raw, index) => {
      const where = `${label}.${section}[${index}]`;
      const entry = checkEntry(section as TierSection, raw, where);
      for (const key of entryKeys(section as TierSection, entry)) {
        if (seen.has(key)) fail(where, `${key.replace(/^\w+:/, '')} appears twice`);
        seen.add(key);
      }
      return entry;
    });
  }
  return result as TierOverrides;
}
