// The parts of a scan: one per list and aspect it reads. A part completes or not, and an aspect whose part did
// not complete is unknown for the identities it did not reach: never "none" (DESIGN §4).
import type { IdentityKind } from './inventory.ts';

/** What one part of a scan tells about identities of its kind. */
export type PartAspect = 'identity' | 'owners' | 'federated';
/** Aspects that can be unknown for one identity (its listing itself is never partly known). */
export type IdentityAspect = Exclude<PartAspect, 'identity'>;

export interface ScanPart {
  /** The list's name, e.g. `application-owners`. */
  name: string;
  kind: IdentityKind;
  aspect: PartAspect;
  complete: boolean;
  /** An optional part may fail alone without failing the scan (its aspect is then unknown). */
  optional?: boolean;
  /** Why it did not complete. */
  reason?: string;
  /** The Graph permission that would let it complete, when a missing one was the reason. */
  permission?: string;
}

/** Parts that did not complete, as `kind/aspect` keys the store's commit carries forward. */
export function incompleteAspects(
  parts: readonly ScanPart[],
): Array<{ kind: IdentityKind; aspect: PartAspect }> {
  return parts.filter((part) => !part.complete).map(({ kind, aspect }) => ({ kind, aspect }));
}

/** One line per part that did not complete, for summaries and warnings. */
export function describeIncompleteParts(parts: readonly ScanPart[]): string[] {
  return parts
    .filter((part) => !part.complete)
    .map((part) => {
      const why = part.reason ? `: ${part.reason}` : '';
      const fill = part.permission ? ` (grant ${part.permission} to read it)` : '';
      return `${part.name} is unknown for this scan${why}${fill}; the previous scan's data is kept`;
    });
}
