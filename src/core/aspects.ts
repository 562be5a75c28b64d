// One declaration per aspect a scan reads beside an identity's listing: how it is kept and merged. The store
// stages (store/scans.ts) and assembles (store/commit-scan.ts) each versioned aspect from its declaration, and
// collectors drop the facts that cannot change an identity by it (facts.ts).
import type { IdentityFact } from './facts.ts';
import type { Identity } from './inventory.ts';
import type { IdentityAspect, PartAspect } from './scan-parts.ts';

/**
 * `versioned`: part of an identity's version, so a change makes a new version (and changes its hash).
 * `volatile`: kept beside the versions, because it changes without the identity changing (a sign-in).
 */
export type AspectStorage = 'versioned' | 'volatile';

/**
 * `replace`: the latest complete list (or tenant-wide reading) replaces the last one. `union-by-key`: merged into a field the listing also
 * fills, one entry per key, the later winning. `latest-time`: the latest time per key wins.
 */
export type MergeRule = 'replace' | 'union-by-key' | 'latest-time';

/** The staging tables of a running scan (store/schema.ts); one row per (scan, object) each. */
export type StagingTable = 'scan_objects' | 'scan_access';

export type AspectFact = Exclude<IdentityFact, { aspect: 'identity' }>;
type FactOf<A extends IdentityAspect> = Extract<AspectFact, { aspect: A }>;

interface VersionedCommon<A extends IdentityAspect> {
  aspect: A;
  storage: 'versioned';
  /** The Identity field the aspect fills. */
  field: keyof Identity;
  /** The list a fact of this aspect carries (a method, so a declaration of one aspect is a declaration of any). */
  items(fact: FactOf<A>): readonly unknown[];
  /**
   * An empty list in a fact says nothing the identity does not already say, so collectors drop it (most objects
   * of a tenant have no owners, federated credentials or grants: not storing them halves what a scan writes).
   * True only where assembly yields the same without the fact: a listed field starts empty of the aspect's
   * entries, a field filled when read is written `[]` for kinds whose part completed.
   */
  emptySaysNothing: boolean;
  /** Where a running scan keeps the object's latest value of it, until the commit assembles it. */
  staging: { table: StagingTable; column: string };
}

export type VersionedAspectDeclaration<A extends IdentityAspect = IdentityAspect> = VersionedCommon<A> &
  (
    | {
        merge: 'replace';
        /**
         * `listed`: every identity has the field from its listing (owners: `[]` until read), which a fact
         * replaces. `when-read`: the field exists only for kinds whose scan has a part for the aspect, so a
         * version without it has the aspect unknown.
         */
        presence: 'listed' | 'when-read';
      }
    | {
        merge: 'union-by-key';
        /** The listing fills the field too: the aspect's entries are merged with the listed ones. */
        presence: 'listed';
        /** The properties that make an entry one entry: a later entry with the same key wins. */
        key: readonly string[];
        /** The order the merged field is kept in (byte order), as the store sorts the listed entries. */
        order: readonly string[];
        /** Which entries of the field are the aspect's (carried forward when its part did not complete). */
        marked: { property: string; value: string };
      }
  );

export interface VolatileAspectDeclaration {
  aspect: Exclude<PartAspect, 'identity' | IdentityAspect>;
  storage: 'volatile';
  merge: Extract<MergeRule, 'latest-time' | 'replace'>;
  /** What one time is kept for: the latest observation per key wins, and it never makes a version. */
  key: readonly string[];
  /** The table beside the versions, read beside an identity rather than as one of its fields. */
  keptIn: string;
}

export type AspectDeclaration = VersionedAspectDeclaration | VolatileAspectDeclaration;

type VersionedDeclarations = { [A in IdentityAspect]: VersionedAspectDeclaration<A> };

/** The aspects that are part of an identity's version, in the order they are staged and assembled. */
export const VERSIONED_ASPECTS: VersionedDeclarations = {
  owners: {
    aspect: 'owners',
    storage: 'versioned',
    merge: 'replace',
    presence: 'listed',
    field: 'owners',
    items: (fact) => fact.owners,
    emptySaysNothing: true,
    staging: { table: 'scan_objects', column: 'owners' },
  },
  federated: {
    aspect: 'federated',
    storage: 'versioned',
    merge: 'union-by-key',
    presence: 'listed',
    field: 'credentials',
    items: (fact) => fact.credentials,
    emptySaysNothing: true,
    // keyId is the credential's object id for federated credentials, a secret's keyId for the listed ones.
    key: ['type', 'location', 'keyId'],
    order: ['type', 'keyId', 'location'],
    marked: { property: 'type', value: 'federated' },
    staging: { table: 'scan_objects', column: 'federated' },
  },
  access: {
    aspect: 'access',
    storage: 'versioned',
    merge: 'replace',
    presence: 'when-read',
    field: 'access',
    items: (fact) => fact.grants,
    emptySaysNothing: true,
    // A table of its own: access arrives for most service principals at once when its lists end, and as a
    // column of scan_objects it would rewrite all their rows.
    staging: { table: 'scan_access', column: 'grants' },
  },
};

/** Last use: sign-ins say when, not what the identity is, so a sign-in never makes a version. */
export const VOLATILE_ASPECTS: readonly VolatileAspectDeclaration[] = [
  {
    aspect: 'last-use',
    storage: 'volatile',
    merge: 'latest-time',
    key: ['appId', 'keyId'],
    keptIn: 'last_use',
  },
  // Tenant-wide readings (Conditional Access, Entra ID Protection): a complete reading replaces the last one.
  {
    aspect: 'tenant',
    storage: 'volatile',
    merge: 'replace',
    key: ['part'],
    keptIn: 'tenant_readings',
  },
];

/** Every declared aspect; the listing (`identity`) is not an aspect of an identity but the identity itself. */
export const ASPECTS: readonly AspectDeclaration[] = [
  ...Object.values(VERSIONED_ASPECTS),
  ...VOLATILE_ASPECTS,
];

/** The versioned aspects in declaration order. */
export const versionedAspects = (): VersionedAspectDeclaration[] => Object.values(VERSIONED_ASPECTS);

/** The list a fact carries, by its aspect's declaration. */
export function itemsOf<A extends IdentityAspect>(fact: FactOf<A>): readonly unknown[] {
  const declaration: VersionedAspectDeclaration<A> = VERSIONED_ASPECTS[fact.aspect];
  return declaration.items(fact);
}

/** Every staging table a scan writes: the object rows, then each table an aspect is staged in apart. */
export function stagingTables(): StagingTable[] {
  return [...new Set<StagingTable>(['scan_objects', ...versionedAspects().map((a) => a.staging.table)])];
}
