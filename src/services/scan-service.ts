// Runs one scan of one integration: collect facts, stream them to the store, commit with a status.
// A scan that fails or is cut short is recorded with its reason and never marks identities removed; the
// parts it did not finish keep the previous scan's data. One scan of an integration runs at a time: asking
// while one runs returns that scan.
import { setTimeout as delay } from 'node:timers/promises';
import { LanyardError, ScanInProgress } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';
import type { SignInObservation } from '../core/last-use.ts';
import {
  createPartTracker,
  describeIncompleteParts,
  type PartTracker,
  type ScanPart,
} from '../core/scan-parts.ts';
import type { SignInDetectionSettings, SignInTally } from '../core/sign-in-ranges.ts';
import type { Integration, ScanRecord, Store, TenantReadingInput } from '../store/index.ts';
import { integrationNamed } from './integration-service.ts';
import { signInEventsFor } from './sign-in-events.ts';

export type ScanStatus = 'succeeded' | 'partial' | 'failed';

export interface CollectProgress {
  /** Objects the scan expects to walk in all (for an ETA), when Graph could count them. */
  expectedObjects?: number;
  pages: number;
  objects: number;
  requests: number;
  resourceUnits: number;
}

export interface CollectResult {
  counts: Record<string, number>;
  warnings: string[];
  /**
   * False when some data could not be read: the scan is then `partial`. An optional part that a missing
   * permission or licence holds back does not count (its part says so, standing): see holdsScanBack.
   */
  complete: boolean;
  requests: number;
  resourceUnits: number;
  /** The query plan that worked, remembered for the integration's next scan. */
  plan?: Record<string, string>;
  /** Set when sign-in activity was read completely, up to this time, with the log's tally (sign-in-ranges.ts). */
  signIns?: { since: string; readThrough: string; activity?: SignInTally };
  /** The Azure subscriptions a complete access reading saw. */
  azureSubscriptions?: string[];
  /** Tenant-wide readings of parts that completed (Conditional Access, ID Protection): stored on commit. */
  tenantReadings?: TenantReadingInput[];
  /** How Graph was read: every object, or only what changed since the last scan (with why). */
  mode?: ScanMode;
  modeReason?: string;
  /** Where the next incremental scan resumes; saved with the commit, only if the scan succeeds. */
  syncState?: Record<string, unknown>;
  /** Incremental: the objects Graph reported deleted, removed on commit if the scan succeeds. */
  removedObjectIds?: string[];
}

/** `full` reads every object; `incremental` what Graph's delta and audit log say changed since the last scan. */
export type ScanMode = 'full' | 'incremental';

export type Collect = (
  integration: Integration,
  options: {
    onFacts: (facts: IdentityFact[]) => Promise<void>;
    /** Sign-ins observed: kept at once, beside the identities (a failed scan's observations stay true). */
    onSignIns: (observations: SignInObservation[]) => Promise<void>;
    onProgress: (progress: CollectProgress) => void;
    signal: AbortSignal;
    /** Where the collector declares its parts and how each ended. */
    parts: PartTracker;
    /** A full scan asked for, and how old the last full scan may be before the next scan is full anyway. */
    mode?: { full?: boolean; fullEveryMs?: number };
    /** Told which way the scan reads Graph as soon as it is decided (a failed scan still records it). */
    onMode?: (mode: ScanMode, reason: string) => void;
  },
) => Promise<CollectResult>;

export interface ScanSummary {
  scanId: number;
  integration: string;
  /** The tenant the integration scans, so a summary read alone still says whose it is. */
  tenantId: string;
  status: ScanStatus;
  reason: string | null;
  counts: Record<string, number>;
  requests: number;
  resourceUnits: number;
  durationMs: number;
  warnings: string[];
  /** Lists that did not complete: their aspects are unknown for this scan and carried forward. */
  incompleteParts: ScanPart[];
  /** How this scan read Graph, and why (e.g. the last full scan's age, or what changed). */
  mode?: ScanMode;
  modeReason?: string;
  /** Parts an incremental scan does not read on purpose: the last full scan's data stands (e.g. access). */
  carriedParts?: string[];
  /** What the checks found new and found gone, evaluated over the committed inventory. */
  findings?: { opened: number; resolved: number };
}

/** Runs after a scan committed (succeeded or partial): the checks over the new inventory. */
export type AfterCommit = (
  integration: Integration,
  scanId: number,
) => Promise<{ opened: number; resolved: number; warnings?: string[] }>;

export interface RunScanOptions {
  onProgress?: (p: CollectProgress) => void;
  signal?: AbortSignal;
  /** Told when the integration already had a scan running, which this call then waits for. */
  onJoin?: (scan: ScanRecord) => void;
  /** Removal guard: share of identities a scan may remove at once (default 0.2), or allow any. */
  removal?: { maxShare?: number; allowMass?: boolean };
  /** Read every object even if the last scan left delta links to resume from. */
  full?: boolean;
  /** A scan is full when the last full scan began longer ago than this (default: the service's, 7 days). */
  fullEveryMs?: number;
}

/**
 * What asking for a scan gives: the scan this call ran, or, when one was already running, that scan once it
 * finished (`joined`), so two callers asking at once both get the one scan.
 */
export interface RunScanOutcome {
  summary: ScanSummary;
  error?: unknown;
  record: ScanRecord;
  joined?: true;
}

/** How often a caller that joined a running scan looks whether it has finished. */
const JOIN_POLL_MS = 500;

export interface ScanServiceDeps {
  store: {
    integrations: Pick<Store['integrations'], 'get' | 'setQueryPlan'>;
    scans: Store['scans'];
    lastUse: Pick<Store['lastUse'], 'observe'>;
  };
  collect: Collect;
  now: () => Date;
  afterCommit?: AfterCommit;
  /**
   * Suspicious sign-ins: the sinks their events are recorded for (with the ranges, in the commit) and the rules;
   * without sinks the ranges are still kept.
   */
  signIns?: { sinks: readonly string[]; settings?: SignInDetectionSettings };
  /** How old the last full scan may be before a scan is full again (default 7 days, Graph's delta token lifetime). */
  fullEveryMs?: number;
  /** Waits between looks at a joined scan (default: a timer); injected so tests need not wait. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function createScanService({
  store,
  collect,
  now,
  afterCommit,
  sleep = abortableSleep,
  fullEveryMs,
  signIns,
}: ScanServiceDeps) {
  async function join(
    integration: Integration,
    running: ScanInProgress,
    signal: AbortSignal,
    onJoin?: (scan: ScanRecord) => void,
  ) {
    let record = await store.scans.get(running.scanId);
    if (record) onJoin?.(record);
    while (record?.status === 'running') {
      if (signal.aborted) throw running;
      // A lease that ran out unrenewed: its process died (killed, crashed). Nothing else records it abandoned (only
      // a begin does), so waiting on would never end: the caller begins again (test/reliability/scan-join-dead).
      if (record.leaseExpiresAt && record.leaseExpiresAt.getTime() < Date.now()) return undefined;
      await sleep(JOIN_POLL_MS, signal).catch(() => {});
      record = await store.scans.get(running.scanId);
    }
    if (!record) throw running;
    const stored = (record.summary ?? {}) as Partial<ScanSummary>;
    const summary: ScanSummary = {
      // An abandoned scan stored no summary; the integration is known all the same.
      integration: integration.name,
      tenantId: integration.tenantId,
      counts: stored.counts ?? {},
      requests: stored.requests ?? 0,
      resourceUnits: stored.resourceUnits ?? 0,
      durationMs: stored.durationMs ?? 0,
      warnings: stored.warnings ?? [],
      incompleteParts: stored.incompleteParts ?? [],
      ...(stored.mode ? { mode: stored.mode } : {}),
      ...(stored.modeReason ? { modeReason: stored.modeReason } : {}),
      scanId: record.id,
      status: record.status as ScanStatus,
      reason: record.reason,
    };
    return { summary, record, joined: true as const };
  }

  /** The scan stands whatever the checks do: a failure to evaluate is a warning, and the next scan retries. */
  async function evaluateAfter(integration: Integration, scanId: number) {
    if (!afterCommit) return undefined;
    try {
      return await afterCommit(integration, scanId);
    } catch (error) {
      return { warning: `the checks could not be evaluated: ${describe(error)}` };
    }
  }

  return {
    async run(integrationName: string, options: RunScanOptions = {}): Promise<RunScanOutcome> {
      const integration = await integrationNamed(store.integrations, integrationName, 'integration');
      let startedAt = now();
      const signal = options.signal ?? new AbortController().signal;
      let writer: Awaited<ReturnType<Store['scans']['begin']>>;
      for (;;) {
        try {
          writer = await store.scans.begin(integration.id, startedAt);
          break;
        } catch (error) {
          if (!(error instanceof ScanInProgress)) throw error;
          const joined = await join(integration, error, signal, options.onJoin);
          if (joined) return joined;
          // The scan it waited for died: this one starts now, not when it was asked for.
          startedAt = now();
        }
      }
      const parts = createPartTracker();
      let progress: CollectProgress = { pages: 0, objects: 0, requests: 0, resourceUnits: 0 };
      let result: CollectResult | undefined;
      let error: unknown;
      let mode: { mode: ScanMode; reason: string } | undefined;
      const every = options.fullEveryMs ?? fullEveryMs;
      try {
        result = await collect(integration, {
          mode: {
            ...(options.full ? { full: true } : {}),
            ...(every !== undefined ? { fullEveryMs: every } : {}),
          },
          onMode: (chosen, why) => {
            mode = { mode: chosen, reason: why };
          },
          onFacts: (facts) => writer.stage(facts),
          onSignIns: (observations) => store.lastUse.observe(integration.id, observations),
          onProgress: (p) => {
            progress = p;
            options.onProgress?.(p);
          },
          signal,
          parts,
        });
      } catch (caught) {
        error = caught;
      }
      const status: ScanStatus = error
        ? signal.aborted
          ? 'partial'
          : 'failed'
        : result?.complete === false
          ? 'partial'
          : 'succeeded';
      const reason = error
        ? signal.aborted
          ? 'interrupted'
          : describe(error)
        : result?.complete === false
          ? 'some data could not be read'
          : null;
      const outcome = parts.snapshot(reason ?? 'not read');
      const incompleteParts = outcome.filter((part) => !part.complete && !part.carried);
      const carriedParts = outcome.filter((part) => part.carried).map((part) => part.name);
      const scanMode = result?.mode ?? mode?.mode;
      const modeReason = result?.modeReason ?? mode?.reason;
      const summary: Omit<ScanSummary, 'scanId'> = {
        integration: integration.name,
        tenantId: integration.tenantId,
        status,
        reason,
        counts: result?.counts ?? {},
        requests: result?.requests ?? progress.requests,
        resourceUnits: result?.resourceUnits ?? progress.resourceUnits,
        durationMs: now().getTime() - startedAt.getTime(),
        warnings: [
          ...(result?.warnings ?? []),
          ...(status === 'failed' ? [] : describeIncompleteParts(outcome)),
        ],
        incompleteParts,
        ...(scanMode ? { mode: scanMode } : {}),
        ...(modeReason ? { modeReason } : {}),
        ...(carriedParts.length > 0 ? { carriedParts } : {}),
      };
      const finishedAt = now();
      const record = await writer.finish({
        status,
        ...(reason ? { reason } : {}),
        summary,
        finishedAt,
        parts: outcome,
        ...(options.removal ? { removal: options.removal } : {}),
        ...(result?.signIns
          ? {
              signIns: {
                since: result.signIns.since,
                readThrough: result.signIns.readThrough,
                ...(result.signIns.activity ? { activity: result.signIns.activity } : {}),
              },
              signInEvents: signInEventsFor(integration, signIns?.sinks ?? [], finishedAt, signIns?.settings),
            }
          : {}),
        ...(result?.azureSubscriptions ? { azureSubscriptions: result.azureSubscriptions } : {}),
        ...(result?.tenantReadings ? { tenantReadings: result.tenantReadings } : {}),
        ...(scanMode ? { mode: scanMode } : {}),
        ...(result?.syncState ? { syncState: result.syncState } : {}),
        ...(result?.removedObjectIds ? { removedObjectIds: result.removedObjectIds } : {}),
      });
      if (result?.plan && JSON.stringify(result.plan) !== JSON.stringify(integration.queryPlan ?? {})) {
        await store.integrations.setQueryPlan(integration.id, result.plan);
      }
      // The commit may have held removals back (status partial); what the user waited for includes it.
      const committed = (record.summary ?? summary) as Omit<ScanSummary, 'scanId'>;
      const durationMs = now().getTime() - startedAt.getTime();
      const findings = record.status === 'failed' ? undefined : await evaluateAfter(integration, writer.id);
      return {
        summary: {
          scanId: writer.id,
          ...committed,
          status: record.status as ScanStatus,
          reason: record.reason,
          durationMs,
          ...(findings && 'opened' in findings
            ? {
                findings: { opened: findings.opened, resolved: findings.resolved },
                warnings: [...committed.warnings, ...(findings.warnings ?? [])],
              }
            : {}),
          ...(findings && 'warning' in findings
            ? { warnings: [...committed.warnings, findings.warning] }
            : {}),
        },
        record,
        ...(error ? { error } : {}),
      };
    },
  };
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

function describe(error: unknown): string {
  if (error instanceof LanyardError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
