// Every weight and threshold of risk scoring, in one object, with the defaults documented beside them and one
// function to apply a user's overrides. Starting values follow risk-and-controls.md §4.2 (a proposal to tune).
import { InvalidInput } from '../errors.ts';

/** A threshold in days and the points it adds once reached. */
export interface Band {
  days: number;
  points: number;
}

export interface RiskConfig {
  /** Unused this many days (last use, or not seen since monitoring began): the longest band reached counts. */
  unused: Band[];
  /** Expires within this many days: the narrowest window reached counts. */
  expiresWithin: Band[];
  /** Older than this many days (since its start date): the oldest band reached counts. */
  age: Band[];
  /** Lifetime policy for secrets and certificates: longer adds points.lifetimeOverPolicy. */
  maxLifetimeDays: number;
  /** A lifetime this long, or no end date, is "no practical expiry" (points.noPracticalExpiry instead). */
  noPracticalExpiryDays: number;
  /** Likelihood points: how easily the identity is abused. */
  points: {
    /** Per active credential, by type: a secret is a bearer string, a certificate needs its key, a federated one a token from a trusted issuer. */
    secret: number;
    certificate: number;
    federated: number;
    /** An expired credential cannot sign in; listed so its score explains itself. */
    expired: number;
    lifetimeOverPolicy: number;
    noPracticalExpiry: number;
    /** On top of the unused band, when monitoring covers the credential's whole life and it never signed in. */
    neverUsedSinceCreation: number;
    /** No sign-in data: scored between "used recently" (0) and "unused" (first band), never as either. */
    lastUseUnknown: number;
    /** Held on the service principal, where the portal's App registrations blade does not show it. */
    onServicePrincipal: number;
    /** A credential on a Microsoft first-party service principal: no valid reason is known; forces the score to the top. */
    microsoftServicePrincipalCredential: number;
    /** Per active credential beyond the first. */
    extraActiveCredential: number;
    /** Federated credentials (or others) could not be read: some credentials may be missing. */
    credentialsUnknown: number;
    noOwners: number;
    allOwnersDisabled: number;
    /** Per enabled owner: each can add credentials and sign in as the identity. */
    owner: number;
    /** Per guest owner (#EXT# in the user principal name). */
    guestOwner: number;
    ownersUnknown: number;
    thirdPartyPublisher: number;
    publisherUnknown: number;
    /** Managed identities hold no credential Lanyard can see: whoever runs code on their host uses them. */
    managedIdentity: number;
  };
  /** Impact points: what an attacker holding the identity would get. The largest one counts. */
  impact: {
    /** Tier-0 Graph/API permission, or tier-0 directory role tenant-wide: tenant takeover. */
    tier0Tenant: number;
    /** Tier-0 Azure role at '/', a management group or a subscription. */
    tier0Subscription: number;
    /** A permission in sensitiveDataPermissions, or a tier-0 delegated scope granted for all users. */
    sensitiveData: number;
    /** Tier 0 within a narrower scope: resource group, resource, administrative unit, one user's grant. */
    tier0Scoped: number;
    tier1: number;
    tier2: number;
    /** A permission no tier model classifies (custom APIs, scopes such as User.Read). */
    unclassified: number;
    /** What the identity can reach could not be read, wholly or partly. */
    reachUnknown: number;
    /** Reach read completely, and nothing found. */
    none: number;
  };
  /**
   * Permissions that read every mailbox or file without a user (§4.2's band 80), by name. §4.2 names all but
   * Mail.Read, which reads every mailbox too (the Midnight Blizzard outcome, §5 C).
   */
  sensitiveDataPermissions: string[];
  /** Lowest score of each level; below levels.medium is low. */
  levels: { critical: number; high: number; medium: number };
}

/** Freezes nested lists and groups too: the defaults are shared by every caller. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export const DEFAULT_RISK_CONFIG: Readonly<RiskConfig> = deepFreeze({
  unused: [
    { days: 90, points: 15 },
    { days: 180, points: 20 },
  ],
  expiresWithin: [
    { days: 30, points: 3 },
    { days: 14, points: 5 },
    { days: 7, points: 8 },
  ],
  age: [
    { days: 365, points: 5 },
    { days: 730, points: 10 },
  ],
  maxLifetimeDays: 730,
  noPracticalExpiryDays: 3650,
  points: {
    secret: 25,
    certificate: 12,
    federated: 6,
    expired: 0,
    lifetimeOverPolicy: 10,
    noPracticalExpiry: 15,
    neverUsedSinceCreation: 5,
    lastUseUnknown: 5,
    onServicePrincipal: 40,
    microsoftServicePrincipalCredential: 100,
    extraActiveCredential: 5,
    credentialsUnknown: 5,
    noOwners: 5,
    allOwnersDisabled: 10,
    owner: 10,
    guestOwner: 30,
    ownersUnknown: 5,
    thirdPartyPublisher: 20,
    publisherUnknown: 5,
    managedIdentity: 100,
  },
  impact: {
    tier0Tenant: 100,
    tier0Subscription: 90,
    sensitiveData: 80,
    tier0Scoped: 60,
    tier1: 60,
    tier2: 20,
    unclassified: 20,
    reachUnknown: 50,
    none: 5,
  },
  sensitiveDataPermissions: [
    'full_access_as_app',
    'Mail.ReadWrite',
    'Mail.Read',
    'Files.ReadWrite.All',
    'Sites.FullControl.All',
  ],
  levels: { critical: 70, high: 40, medium: 15 },
} satisfies RiskConfig);

/** A setting at fault, thrown while merging and worded by resolveRiskConfig for whoever asked. */
class BadSetting extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

function invalid(path: string, problem: string): never {
  throw new BadSetting(path, problem);
}

function checkInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(path, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return value;
}

function checkBands(value: unknown, path: string, order: 'ascending' | 'descending'): Band[] {
  if (!Array.isArray(value)) invalid(path, 'must be a list of { days, points }');
  const bands = value.map((band: unknown, index) => {
    const where = `${path}[${index}]`;
    if (typeof band !== 'object' || band === null) invalid(where, 'must be { days, points }');
    const extra = Object.keys(band).filter((key) => key !== 'days' && key !== 'points');
    if (extra.length) invalid(where, `"${extra[0]}" is not a field (only days and points)`);
    const { days, points } = band as Record<string, unknown>;
    return {
      days: checkInteger(days, `${where}.days`, 1, 36500),
      points: checkInteger(points, `${where}.points`, 0, 100),
    };
  });
  for (let i = 1; i < bands.length; i++) {
    const rising = bands[i]!.days > bands[i - 1]!.days;
    if (rising !== (order === 'ascending')) invalid(path, `days must be listed in ${order} order, each once`);
  }
  return bands;
}

/** Integers allowed per leaf, by the group it sits in. */
const RANGES: Record<string, [number, number]> = { points: [0, 100], impact: [0, 100], levels: [1, 100] };

function merge(defaults: unknown, override: unknown, path: string): unknown {
  if (override === undefined) return structuredClone(defaults);
  if (Array.isArray(defaults)) {
    if (path === 'sensitiveDataPermissions') {
      if (!Array.isArray(override) || override.some((name) => typeof name !== 'string' || !name.trim())) {
        invalid(path, 'must be a list of permission names');
      }
      return [...override];
    }
    return checkBands(override, path, path === 'expiresWithin' ? 'descending' : 'ascending');
  }
  if (typeof defaults === 'object' && defaults !== null) {
    if (typeof override !== 'object' || override === null || Array.isArray(override)) {
      invalid(path, 'must be an object');
    }
    const known = Object.keys(defaults);
    for (const key of Object.keys(override)) {
      if (!known.includes(key))
        invalid(path ? `${path}.${key}` : key, `is not a setting (known: ${known.join(', ')})`);
    }
    const merged: Record<string, unknown> = {};
    for (const key of known) {
      const child = path ? `${path}.${key}` : key;
      merged[key] = merge(
        (defaults as Record<string, unknown>)[key],
        (override as Record<string, unknown>)[key],
        child,
      );
    }
    return merged;
  }
  const [min, max] = RANGES[path.split('.')[0]!] ?? [1, 36500];
  return checkInteger(override, path, min, max);
}

/**
 * The defaults with a user's overrides applied (any subset, same shape; a list replaces the default list).
 * Throws InvalidInput naming the setting at fault: unknown names, non-integers, out-of-range values, bands
 * out of order, levels not rising, a lifetime policy not below "no practical expiry". `label` names where the
 * overrides sit in the user's own file (`scoring` gives `scoring.unused[0].days: ...`), so they can find it.
 */
export function resolveRiskConfig(overrides: unknown = {}, label?: string): RiskConfig {
  try {
    return merged(overrides);
  } catch (error) {
    if (!(error instanceof BadSetting)) throw error;
    const where = label
      ? [label, error.path].filter(Boolean).join('.')
      : `risk setting ${error.path || 'risk'}`;
    throw new InvalidInput(`${where}: ${error.problem}`, {
      fix: 'correct the value, or remove it to keep the default',
      field: `risk.${error.path || 'risk'}`,
    });
  }
}

function merged(overrides: unknown): RiskConfig {
  const config = merge(DEFAULT_RISK_CONFIG, overrides, '') as RiskConfig;
  const { medium, high, critical } = config.levels;
  if (!(medium < high && high < critical))
    invalid('levels', `must rise: medium ${medium} < high ${high} < critical ${critical}`);
  if (config.maxLifetimeDays >= config.noPracticalExpiryDays) {
    invalid('maxLifetimeDays', `must be below noPracticalExpiryDays (${config.noPracticalExpiryDays})`);
  }
  return config;
}
