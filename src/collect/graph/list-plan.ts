// What the collections' sizes decide before the lists are far along: whether the service-principal list reads
// whole objects (outside the keyCredentials limit), and where each far end should meet its chain.
import { countCollections } from './collector-reads.ts';
import { estimateCost } from './cost.ts';
import { Coverage } from './coverage.ts';
import { ID_IN_LIMIT } from './far-end.ts';
import { type FallbackPlan, type ResourceDeclaration, resourceUrl } from './resource.ts';
import type { GraphTransport } from './transport.ts';

/**
 * Lists that select keyCredentials Graph lets through at once: 150 a minute per tenant (facts §1.2) less the
 * budget's 10 % headroom. More pages than this wait on the limit at 2.25 a second.
 */
export const KEY_CREDENTIAL_PAGES_AT_ONCE = 135;
/** Graph's largest list page: a list of n objects takes ceil(n / 999) pages. */
const LIST_PAGE = 999;
const WHOLE_OBJECTS = 'whole-objects';

/** The tenant turned out large enough that this list reads whole objects instead (see wholeObjectsQuery). */
export class SwitchToWholeObjects extends Error {}

/** The plan a list switches to; chosen by size each scan, so never remembered as a refusal's plan is. */
export function wholeObjectsPlan(resource: ResourceDeclaration): FallbackPlan {
  return {
    id: WHOLE_OBJECTS,
    cost: 'larger replies, outside the keyCredentials limit',
    ...(resource.wholeObjectsQuery ? { query: resource.wholeObjectsQuery } : {}),
  };
}

export const isRemembered = (plan: FallbackPlan) => plan.id !== WHOLE_OBJECTS;

export interface ListPlan {
  /** Each expanded part whose collection has an identity list in this scan, with its far end's coverage. */
  coverages: Map<ResourceDeclaration, Coverage>;
  /** Whether the lists that can read whole objects should (false when Graph would not count). */
  wholeObjectsWanted: Promise<boolean>;
}

export function planLists(options: {
  transport: Pick<GraphTransport, 'get' | 'pages' | 'tokenTenantId'> &
    Partial<Pick<GraphTransport, 'resourceUnitsPerSecond'>>;
  resources: readonly ResourceDeclaration[];
  signal: AbortSignal;
  keyCredentialPagesAtOnce: number;
  /** Told each identity collection's size once counted (e.g. for a progress bar's ETA). */
  onCounted?: (counts: ReadonlyMap<string, number>) => void;
}): ListPlan {
  const { transport, resources } = options;
  const coverages = new Map<ResourceDeclaration, Coverage>();
  // A far end's sustained pace: the budget's refill in objects (ID_IN_LIMIT a resource unit), shared by the
  // far ends still reading.
  const unitsPerSecond = transport.resourceUnitsPerSecond?.bind(transport);
  const farRate = unitsPerSecond
    ? () => {
        const active = [...coverages.values()].filter((c) => !c.finished).length;
        return (unitsPerSecond() * ID_IN_LIMIT) / Math.max(1, active);
      }
    : undefined;
  const identityLists = resources.filter((r) => r.part?.aspect === 'identity');
  for (const r of resources) {
    const listed = identityLists.some((i) => i.path === r.path);
    if (r.expansion && r.part && listed) coverages.set(r, new Coverage(farRate ? { farRate } : {}));
  }
  // Counted while the lists' first pages are on their way.
  const counted =
    identityLists.some((r) => r.wholeObjectsQuery) || coverages.size > 0
      ? countCollections(
          transport,
          identityLists.map((r) => r.path),
          options.signal,
        )
      : Promise.resolve(null);
  void counted.then((counts) => {
    if (counts) options.onCounted?.(counts);
    for (const [r, coverage] of coverages) {
      const total = counts?.get(r.path);
      if (total !== undefined) coverage.expect(total);
    }
  });
  const wholeObjectsWanted = counted.then((counts) => {
    if (!counts) return false;
    const pages = identityLists
      .filter((r) => estimateCost('GET', resourceUrl(r)).keyCredentials)
      .reduce((sum, r) => sum + Math.ceil((counts.get(r.path) ?? 0) / LIST_PAGE), 0);
    return pages > options.keyCredentialPagesAtOnce;
  });
  return { coverages, wholeObjectsWanted };
}
