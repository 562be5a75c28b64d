// Where an incremental scan resumes (integrations.sync_state, opaque to the store): Graph's delta link of each
// identity list, from where the directory audit log is read next, and when the last full scan began; and the
// rule that picks a full or an incremental scan from it.

/** The identity lists read with delta queries, by the path of their list. */
export type DeltaList = 'applications' | 'servicePrincipals';
export const DELTA_LISTS: readonly DeltaList[] = ['applications', 'servicePrincipals'];

export interface SyncState {
  version: 1;
  /** Each list's `@odata.deltaLink`: the next round of changes starts there. */
  deltaLinks: Record<DeltaList, string>;
  /** When the reading that took these links began (ISO): the audit log is read from there next (less its lag). */
  auditsFrom: string;
  /** When the last full scan began (ISO): past the interval, the next scan is full again. */
  fullScanAt: string;
  /**
   * Whether that full scan read access (grants, roles): an incremental scan keeps what it read, so a scan that
   * wants access after full scans that skipped it (`--no-access`) must be full.
   */
  withAccess: boolean;
}

/** Seven days: the lifetime of delta tokens of directory objects (delta overview), and the default interval. */
export const DEFAULT_FULL_EVERY_MS = 7 * 86_400_000;

export function parseSyncState(value: unknown): SyncState | null {
  if (!value || typeof value !== 'object') return null;
  const state = value as Partial<SyncState>;
  const links = state.deltaLinks as Partial<Record<DeltaList, unknown>> | undefined;
  if (state.version !== 1 || !links) return null;
  if (!DELTA_LISTS.every((list) => typeof links[list] === 'string' && links[list] !== '')) return null;
  for (const time of [state.auditsFrom, state.fullScanAt])
    if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) return null;
  if (typeof state.withAccess !== 'boolean') return null;
  return state as SyncState;
}

export type ScanModeChoice = { mode: 'incremental'; state: SyncState } | { mode: 'full'; reason: string };

/** Full when asked, when there is nothing to resume from, or when the last full scan is older than `fullEveryMs`. */
export function chooseScanMode(
  stored: unknown,
  options: { full?: boolean; fullEveryMs?: number; now: Date; access?: boolean },
): ScanModeChoice {
  if (options.full) return { mode: 'full', reason: 'a full scan was asked for' };
  const state = parseSyncState(stored);
  if (!state) {
    return {
      mode: 'full',
      reason: stored
        ? 'the last scan left no delta links to resume from'
        : 'first scan with delta links: every object is read once',
    };
  }
  if (options.access && !state.withAccess) {
    return {
      mode: 'full',
      reason: 'the last full scan did not read access (--no-access), which this one reads',
    };
  }
  const every = options.fullEveryMs ?? DEFAULT_FULL_EVERY_MS;
  const age = options.now.getTime() - Date.parse(state.fullScanAt);
  if (age >= every) {
    return {
      mode: 'full',
      reason: `the last full scan began ${formatAge(age)} ago, longer than the full-scan interval of ${formatAge(every)}`,
    };
  }
  return { mode: 'incremental', state };
}

function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round((hours / 24) * 10) / 10} d`;
}
