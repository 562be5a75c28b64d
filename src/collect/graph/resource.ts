// The shape of a Graph resource declaration: one file per resource says what to read (path, $select,
// expansion), the permission it needs, and how it maps to facts. The collector, the permission check of
// `integration verify` and the docs all read these declarations.
import type { IdentityFact } from '../../core/facts.ts';
import type { IdentityKind } from '../../core/inventory.ts';
import type { PartAspect } from '../../core/scan-parts.ts';
import type { MapContext } from './map.ts';

/** Microsoft Graph application permissions Lanyard's reads need (least privileged that suffices). */
export type GraphPermission = 'Application.Read.All' | 'Organization.Read.All' | 'User.Read.All';

/**
 * Another way to read the same part, taken when Graph refuses the way before it with 400 on its first page
 * (Microsoft's documents disagree on several query options: reference/microsoft-cloud-facts.md §13).
 */
export interface FallbackPlan {
  /** Remembered per integration, so a rescan starts with the plan that worked. */
  id: string;
  /** What it costs beside the plan before, said in the scan's warning. */
  cost: string;
  /** A list read with this path and query instead of the declaration's... */
  path?: string;
  query?: Record<string, string>;
  /** ...or the ids listed first, then each object's full list through $batch (`expansion.fullList`). */
  perObject?: true;
}

/** Graph's cap on items of an expanded relationship per object, with no nextLink inside (facts §2). */
export const EXPAND_ITEM_CAP = 20;

export interface Expansion {
  /** The navigation property in `$expand`. */
  property: 'owners' | 'federatedIdentityCredentials';
  /** Where an object at the cap is read in full (paged, 1 RU per request). */
  fullList(objectId: string): string;
  /**
   * The most items Entra lets the relationship hold. When it is no more than the cap, an expanded list at the
   * cap is already complete and is not read again.
   */
  relationshipLimit?: number;
  /** Facts of one object from its complete list. */
  mapItems(objectId: string, items: unknown[], context: MapContext): IdentityFact[];
}

/** Whether an object's expanded list may have been cut at Graph's cap and must be read in full. */
export function mayBeTruncated(expansion: Expansion, expandedItems: number): boolean {
  const limit = expansion.relationshipLimit ?? Number.POSITIVE_INFINITY;
  return expandedItems >= EXPAND_ITEM_CAP && limit > EXPAND_ITEM_CAP;
}

/**
 * One page's objects as facts, except those whose expanded list stands at Graph's cap: their ids, to be read
 * in full (the chain and the far end of a list both split their pages this way).
 */
export function splitAtCap(
  resource: ResourceDeclaration,
  raws: readonly Record<string, unknown>[],
  context: MapContext,
): { facts: IdentityFact[]; atCap: string[] } {
  const facts: IdentityFact[] = [];
  const atCap: string[] = [];
  for (const raw of raws) {
    const expanded = resource.expansion ? raw[resource.expansion.property] : undefined;
    if (Array.isArray(expanded) && mayBeTruncated(resource.expansion!, expanded.length))
      atCap.push(String(raw.id));
    else facts.push(...resource.map(raw, context));
  }
  return { facts, atCap };
}

export interface ResourceDeclaration<Raw = unknown> {
  /** Also the name of the scan part it fills. */
  name: string;
  /** The identities and the aspect of them this list tells about: its part of a scan (none for lookups). */
  part?: { kind: IdentityKind; aspect: PartAspect };
  /**
   * An optional part may fail alone: its aspect stays unknown (carried forward from the previous scan) and the
   * scan goes on as partial. A required part failing fails the scan.
   */
  optional?: boolean;
  /** Tried in order when Graph refuses the declaration's own query, then each fallback before it. */
  fallbacks?: readonly FallbackPlan[];
  path: string;
  query: Record<string, string>;
  /**
   * The same list as whole objects, without `$select`: Graph then returns keyCredentials (without their `key`)
   * outside its 150-a-minute limit on lists that select them (facts §1.2), for a larger reply. Read instead of
   * `query` when the tenant's identity lists need more pages than that limit lets through at once.
   */
  wholeObjectsQuery?: Record<string, string>;
  permission: GraphPermission;
  /** Set for lists that expand a relationship: objects at EXPAND_ITEM_CAP are completed through `fullList`. */
  expansion?: Expansion;
  map(raw: Raw, context: MapContext): IdentityFact[];
}

/** Typed where it is written; erased to `unknown` so the collector can hold every declaration in one list. */
export function defineResource<Raw>(declaration: ResourceDeclaration<Raw>): ResourceDeclaration {
  return declaration as ResourceDeclaration<unknown> as ResourceDeclaration;
}

/** `path?$select=...&$top=...` with OData's `$ , ; =` left readable (Graph accepts them unencoded). */
export function resourceUrl(declaration: Pick<ResourceDeclaration, 'path' | 'query'>): string {
  const readable = (v: string) =>
    encodeURIComponent(v).replace(/%(2C|24|3B|3D)/g, (m) => decodeURIComponent(m));
  const query = Object.entries(declaration.query)
    .map(([k, v]) => `${k}=${readable(v)}`)
    .join('&');
  return query ? `${declaration.path}?${query}` : declaration.path;
}
