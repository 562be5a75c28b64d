// Behaviours where Microsoft's own documents, the service metadata and field reports disagree (facts §13).
// Each is a switch whose default is the stricter reading, so a client built against the emulator also
// works against the stricter Graph; the lenient values reproduce what the emulator did before the switches.
import type { GraphVersion } from './schema.ts';

export interface GraphReadings {
  /**
   * Nested options inside `$expand` on directory objects, e.g. `owners($select=id)`. 'reject': Graph's
   * known-issues page (no nested `$select`/`$filter`), answered 400 "Invalid $select properties.";
   * 'allow': the v1.0 metadata's "Supports $expand and $select nested in $expand".
   */
  nestedExpandOptions: 'reject' | 'allow';
  /**
   * `$expand=federatedIdentityCredentials` on the `/applications` list. 'none': credentials are read one
   * application at a time; 'beta': the list expands them on /beta only; 'all': on both versions.
   */
  federatedCredentialsExpand: 'none' | 'beta' | 'all';
  /**
   * Owners the caller may not read come back with `@odata.type` and `id` only (permissions-overview,
   * "Limited information returned for inaccessible member objects"): user owners need User.Read.All,
   * User.ReadWrite.All, Directory.Read.All or Directory.ReadWrite.All.
   */
  limitedOwnerInformation: boolean;
  /**
   * What an expired or unknown delta token gets (facts §3). 'syncStateNotFound': 400 `syncStateNotFound`, the
   * response the 2020 Microsoft 365 developer blog gives for identity resources; 'gone': 410 with that code;
   * 'resyncRequired': 410 `resyncRequired`, the code the errors page gives for "the delta token is no longer
   * valid" (the delta overview only says "a 40X-series error with error codes such as syncStateNotFound").
   */
  deltaTokenExpiry: 'syncStateNotFound' | 'gone' | 'resyncRequired';
  /**
   * `$deltatoken=latest` ("sync from now") on applications and service principals: documented for Entra
   * resources "such as users and groups", unconfirmed for these two (facts §3). 'reject': 400; 'allow': a
   * deltaLink and no objects.
   */
  deltaLatest: 'reject' | 'allow';
  /**
   * How an updated object comes back in a delta round: 'changed': its id and only the (selected) properties
   * that changed, the least the overview promises ("at least the properties that have been updated"); 'all':
   * every selected property.
   */
  deltaChangedProperties: 'changed' | 'all';
  /**
   * Changes to navigation properties (owners, federated credentials) of an application or service principal.
   * 'hidden': the overview's "navigation properties are not supported" for change tracking, and the delta pages
   * of both resources document no way to select them: the object does not show up for them. 'shown': it shows
   * up (with its id only), as a relationship selected on users and groups would.
   */
  deltaRelationshipChanges: 'hidden' | 'shown';
}

export const STRICT_READINGS: Readonly<GraphReadings> = Object.freeze({
  nestedExpandOptions: 'reject',
  federatedCredentialsExpand: 'none',
  limitedOwnerInformation: true,
  deltaTokenExpiry: 'syncStateNotFound',
  deltaLatest: 'reject',
  deltaChangedProperties: 'changed',
  deltaRelationshipChanges: 'hidden',
});

/** The most permissive reading of each behaviour: what the emulator answered before the switches. */
export const LENIENT_READINGS: Readonly<GraphReadings> = Object.freeze({
  nestedExpandOptions: 'allow',
  federatedCredentialsExpand: 'all',
  limitedOwnerInformation: false,
  deltaTokenExpiry: 'resyncRequired',
  deltaLatest: 'allow',
  deltaChangedProperties: 'all',
  deltaRelationshipChanges: 'shown',
});

const CHOICES = {
  nestedExpandOptions: ['reject', 'allow'],
  federatedCredentialsExpand: ['none', 'beta', 'all'],
  limitedOwnerInformation: [true, false],
  deltaTokenExpiry: ['syncStateNotFound', 'gone', 'resyncRequired'],
  deltaLatest: ['reject', 'allow'],
  deltaChangedProperties: ['changed', 'all'],
  deltaRelationshipChanges: ['hidden', 'shown'],
} as const satisfies { [K in keyof GraphReadings]: readonly GraphReadings[K][] };

/** Fills unset switches with the strict default and refuses unknown names or values (they come from CLIs). */
export function resolveReadings(partial: Partial<GraphReadings> = {}): GraphReadings {
  for (const [name, value] of Object.entries(partial)) {
    const choices = CHOICES[name as keyof GraphReadings] as readonly unknown[] | undefined;
    if (!choices) throw new RangeError(`unknown Graph reading "${name}"`);
    if (value !== undefined && !choices.includes(value)) {
      throw new RangeError(
        `Graph reading ${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`,
      );
    }
  }
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...STRICT_READINGS, ...defined };
}

export function federatedCredentialsListExpand(readings: GraphReadings, version: GraphVersion): boolean {
  const mode = readings.federatedCredentialsExpand;
  return mode === 'all' || (mode === 'beta' && version === 'beta');
}

// CLI spelling: `nested-expand=allow,fic-expand=beta,limited-owners=off`, or a preset.
const CLI_NAMES: Record<string, keyof GraphReadings> = {
  'nested-expand': 'nestedExpandOptions',
  'fic-expand': 'federatedCredentialsExpand',
  'limited-owners': 'limitedOwnerInformation',
  'delta-expiry': 'deltaTokenExpiry',
  'delta-latest': 'deltaLatest',
  'delta-changed': 'deltaChangedProperties',
  'delta-relationships': 'deltaRelationshipChanges',
};

const PRESETS: Record<string, Readonly<GraphReadings>> = {
  strict: STRICT_READINGS,
  lenient: LENIENT_READINGS,
};

function cliValue(name: keyof GraphReadings, raw: string): GraphReadings[keyof GraphReadings] {
  if (name !== 'limitedOwnerInformation') return raw as GraphReadings[typeof name];
  if (raw === 'on' || raw === 'true') return true;
  if (raw === 'off' || raw === 'false') return false;
  throw new RangeError(`limited-owners must be on or off, not "${raw}"`);
}

/** Parses the CLI list on top of `base`; later entries win, so `lenient,limited-owners=on` works. */
export function parseReadingList(text: string, base: Partial<GraphReadings> = {}): Partial<GraphReadings> {
  const out: Partial<GraphReadings> = { ...base };
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const preset = PRESETS[entry];
    if (preset) {
      Object.assign(out, preset);
      continue;
    }
    const [key = '', raw = '', ...rest] = entry.split('=').map((p) => p.trim());
    const name = CLI_NAMES[key];
    if (!name || rest.length > 0 || raw === '') {
      throw new RangeError(
        `expected strict, lenient or name=value with name one of ${Object.keys(CLI_NAMES).join(', ')}; got "${entry}"`,
      );
    }
    Object.assign(out, { [name]: cliValue(name, raw) });
  }
  resolveReadings(out);
  return out;
}

/** The CLI spelling of resolved readings, for the startup banner. */
export function describeReadings(readings: GraphReadings): string {
  return [
    `nested-expand=${readings.nestedExpandOptions}`,
    `fic-expand=${readings.federatedCredentialsExpand}`,
    `limited-owners=${readings.limitedOwnerInformation ? 'on' : 'off'}`,
    `delta-expiry=${readings.deltaTokenExpiry}`,
    `delta-latest=${readings.deltaLatest}`,
    `delta-changed=${readings.deltaChangedProperties}`,
    `delta-relationships=${readings.deltaRelationshipChanges}`,
  ].join(',');
}
