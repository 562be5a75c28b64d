// What each scan changed (`lanyard changes`): the scans finished since a time, each compared with the commit
// before it, its changes field by field (src/core/changes.ts) in publisher order (own, Microsoft, third-party,
// unknown, as the seed guide's inventory classifies them). Scans and their changes stream a page at a time.
import { type Change, diffIdentity, EXPIRING_WITHIN_DAYS } from '../core/changes.ts';
import { parseDuration } from '../core/duration.ts';
import { InvalidInput, LanyardError } from '../core/errors.ts';
import type { Publisher } from '../core/inventory.ts';
import type { RiskConfig } from '../core/risk/config.ts';
import type { TierOverrides } from '../core/tiers/tier-table.ts';
import type { ChangeScan, PairCursor, ScanCursor } from '../store/changes.ts';
import type { Store } from '../store/index.ts';
import { integrationNamed } from './integration-service.ts';

export const DEFAULT_SINCE = '7d';
export const PUBLISHERS: readonly Publisher[] = ['own', 'microsoft', 'third-party', 'unknown'];
const DAY_MS = 86_400_000;
const SCAN_PAGE = 200;
const PAIR_PAGE = 1_000;

export interface ChangesServiceDeps {
  store: { integrations: Pick<Store['integrations'], 'get'>; changes: Store['changes'] };
  now: () => number;
  config?: RiskConfig;
  tiers?: TierOverrides;
  /** Rows per store page (tests make it small to cross page boundaries). */
  pageSize?: { scans?: number; pairs?: number };
}

export interface ChangesRequest {
  /** A duration back from now ("7d", "12h"); default 7d. */
  since?: string;
  /** An integration's name; absent: every integration. */
  integration?: string;
}

/** One scan as `changes` shows it, before its changes. */
export interface ScanHeader {
  integration: { name: string; tenantId: string };
  scanId: number;
  status: 'succeeded' | 'partial' | 'failed';
  /** Why it was partial or failed. */
  reason: string | null;
  finishedAt: string;
  /** The committed scan it is compared with; null for the first of its integration and for failed scans. */
  previous: { scanId: number; finishedAt: string } | null;
  /** The integration's first committed scan: nothing to compare with, so its identities are not listed. */
  baseline: boolean;
  /** Only a succeeded scan can tell that an identity is gone: partial and failed ones report no removal. */
  removalsReported: boolean;
  /** Versions the commit added, changed and removed; null for a failed scan. */
  counts: { added: number; changed: number; removed: number } | null;
}

export interface ScanReport extends ScanHeader {
  /** In publisher order (PUBLISHERS), then by name; read them before asking for the next scan. */
  changes: AsyncIterable<Change>;
}

/** The whole answer at once (the JSON format's shape): each scan's changes grouped by publisher. */
export interface ChangesReport {
  since: string;
  scans: Array<ScanHeader & { changes: Record<Publisher, Change[]> }>;
}

/** Throws InvalidInput naming `since`; callers may check before opening anything. */
export function parseSince(text: string | undefined, now: number): Date {
  try {
    return new Date(now - parseDuration(text ?? DEFAULT_SINCE));
  } catch (error) {
    if (!(error instanceof LanyardError)) throw error;
    throw new InvalidInput(`"${text}" is not a duration`, {
      field: 'since',
      fix: 'write a number and a unit, e.g. --since 45m, 12h, 7d or 2w',
    });
  }
}

function headerOf(scan: ChangeScan): ScanHeader {
  return {
    integration: { name: scan.integration.name, tenantId: scan.integration.tenantId },
    scanId: scan.id,
    status: scan.status,
    reason: scan.reason,
    finishedAt: scan.finishedAt.toISOString(),
    previous: scan.previous
      ? { scanId: scan.previous.id, finishedAt: scan.previous.finishedAt.toISOString() }
      : null,
    baseline: scan.seq !== null && scan.previous === null,
    removalsReported: scan.status === 'succeeded',
    counts: scan.counts,
  };
}

export function createChangesService({ store, now, config, tiers, pageSize = {} }: ChangesServiceDeps) {
  const scanPage = pageSize.scans ?? SCAN_PAGE;
  const pairPage = pageSize.pairs ?? PAIR_PAGE;

  /** The changes one committed scan made, compared with the commit before it. */
  async function* changesOf(scan: ChangeScan): AsyncGenerator<Change> {
    if (scan.seq === null || !scan.previous) return;
    const afterAt = scan.finishedAt.getTime();
    const beforeAt = scan.previous.finishedAt.getTime();
    // Credentials that entered the expiry window between the two scans, on identities the scan did not change.
    const window = EXPIRING_WITHIN_DAYS * DAY_MS;
    const from = Math.max(afterAt, beforeAt + window);
    const expiring =
      from < afterAt + window ? { from: new Date(from), until: new Date(afterAt + window) } : undefined;
    // An application and its service principal changed together report their workload's risk once.
    const riskOf = new Set<string>();
    let after: PairCursor | undefined;
    do {
      const page = await store.changes.pairs(
        { integrationId: scan.integration.id, seq: scan.seq },
        { limit: pairPage, ...(after ? { after } : {}), ...(expiring ? { expiring } : {}) },
      );
      for (const pair of page.pairs) {
        const context = {
          beforeAt,
          afterAt,
          ...(pair.partner ? { partner: pair.partner } : {}),
          config,
          tiers,
        };
        for (const change of diffIdentity(pair.before, pair.after, context)) {
          if (change.type === 'risk.changed') {
            const workload = change.identity.appId.toLowerCase();
            if (riskOf.has(workload)) continue;
            riskOf.add(workload);
          }
          yield change;
        }
      }
      after = page.next;
    } while (after);
  }

  /** Each scan finished since the time, oldest first, with its changes. */
  async function* reports(request: ChangesRequest): AsyncGenerator<ScanReport> {
    const since = parseSince(request.since, now());
    const integrationId =
      request.integration === undefined
        ? undefined
        : (await integrationNamed(store.integrations, request.integration, 'integration')).id;
    let after: ScanCursor | undefined;
    do {
      const page = await store.changes.scans({
        since,
        limit: scanPage,
        ...(integrationId ? { integrationId } : {}),
        ...(after ? { after } : {}),
      });
      for (const scan of page.scans) yield { ...headerOf(scan), changes: changesOf(scan) };
      after = page.next;
    } while (after);
  }

  return {
    /** Throws InvalidInput naming `since`. */
    validate(request: ChangesRequest): void {
      parseSince(request.since, now());
    },

    reports,

    /** The same, held in memory: for the API and tests. */
    async collect(request: ChangesRequest): Promise<ChangesReport> {
      const since = parseSince(request.since, now()).toISOString();
      const scans: ChangesReport['scans'] = [];
      for await (const { changes, ...header } of reports(request)) {
        const grouped = Object.fromEntries(PUBLISHERS.map((p) => [p, [] as Change[]])) as Record<
          Publisher,
          Change[]
        >;
        for await (const change of changes)
          (grouped[change.identity.publisher] ?? grouped.unknown).push(change);
        scans.push({ ...header, changes: grouped });
      }
      return { since, scans };
    },
  };
}
