// The parts of a scan: one per list and aspect it reads. A part completes or not, and an aspect whose part did
// not complete is unknown for the identities it did not reach: never "none" (DESIGN §4).
import type { IdentityKind } from './inventory.ts';

/**
 * What one part of a scan tells about identities of its kind. `tenant`: a tenant-wide reading about them (the
 * Conditional Access policies, Entra ID Protection's risk), kept whole per integration, never per identity.
 */
export type PartAspect = 'identity' | 'owners' | 'federated' | 'access' | 'last-use' | 'tenant';
/**
 * Aspects that can be unknown for one identity (its listing itself is never partly known). Last use is kept
 * apart from the identity's versions (a sign-in is not a change of the identity), and unknown per integration.
 */
export type IdentityAspect = Exclude<PartAspect, 'identity' | 'last-use' | 'tenant'>;

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
  /**
   * It failed for a standing reason of the tenant's setup (a permission, role or licence the reader lacks), which
   * every scan would meet again until someone changes it. An optional part that fails so leaves its aspect
   * unknown and says why, but does not make the scan partial: otherwise a tenant without a licence for one
   * optional part could never record an identity's removal.
   */
  standing?: boolean;
  /**
   * Not read by this scan on purpose: an incremental scan reads it on full scans only, and keeps what the last
   * one read (known stays known, never "unknown" and never "none"). Does not make the scan partial.
   */
  carried?: boolean;
}

/** Whether this part keeps the scan from succeeding: any required part, or an optional one cut short. */
export function holdsScanBack(part: ScanPart): boolean {
  return !part.complete && !(part.optional && (part.standing || part.carried));
}

/** One line per part that did not complete (a part carried on purpose is not one), for summaries and warnings. */
export function describeIncompleteParts(parts: readonly ScanPart[]): string[] {
  return parts
    .filter((part) => !part.complete && !part.carried)
    .map((part) => {
      const why = part.reason ? `: ${part.reason}` : '';
      const fill = part.permission ? ` (grant ${part.permission} to read it)` : '';
      return `${part.name} is unknown for this scan${why}${fill}; the previous scan's data is kept`;
    });
}

/**
 * Tracks the parts of one scan as its collector declares, completes and fails them, so the outcome is known
 * even when the scan is cut short: whatever was declared and not completed is incomplete, with the reason given.
 */
export function createPartTracker() {
  const parts = new Map<string, ScanPart>();
  return {
    declare(part: Omit<ScanPart, 'complete'>): void {
      if (!parts.has(part.name)) parts.set(part.name, { ...part, complete: false });
    },
    complete(name: string): void {
      const part = parts.get(name);
      if (part) parts.set(name, { ...part, complete: true });
    },
    /** A part this scan does not read on purpose (see ScanPart.carried). */
    carry(part: Omit<ScanPart, 'complete' | 'carried' | 'reason'>, reason: string): void {
      if (!parts.has(part.name)) parts.set(part.name, { ...part, complete: false, carried: true, reason });
    },
    fail(name: string, reason: string, why: { permission?: string; standing?: boolean } = {}): void {
      const part = parts.get(name);
      if (!part) return;
      parts.set(name, {
        ...part,
        complete: false,
        reason,
        ...(why.permission ? { permission: why.permission } : {}),
        ...(why.standing ? { standing: true } : {}),
      });
    },
    /** Every declared part; those neither completed nor failed get `reason`. */
    snapshot(reason: string): ScanPart[] {
      return [...parts.values()].map((part) => (part.complete || part.reason ? part : { ...part, reason }));
    },
  };
}

export type PartTracker = ReturnType<typeof createPartTracker>;
