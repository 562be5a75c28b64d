// Runs one scan of one integration: collect facts, stream them to the store, commit with a status.
// A scan that fails or is cut short is recorded with its reason and never marks identities removed.
import { LanyardError, NotFound } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';
import type { Integration, ScanRecord, Store } from '../store/index.ts';

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
  /** False when some data could not be read: the scan is then `partial`. */
  complete: boolean;
  requests: number;
  resourceUnits: number;
}

export type Collect = (
  integration: Integration,
  options: {
    onFacts: (facts: IdentityFact[]) => Promise<void>;
    onProgress: (progress: CollectProgress) => void;
    signal: AbortSignal;
  },
) => Promise<CollectResult>;

export interface ScanSummary {
  scanId: number;
  integration: string;
  status: ScanStatus;
  reason: string | null;
  counts: Record<string, number>;
  requests: number;
  resourceUnits: number;
  durationMs: number;
  warnings: string[];
}

export interface ScanServiceDeps {
  store: Pick<Store, 'integrations' | 'scans'>;
  collect: Collect;
  now: () => Date;
}

export function createScanService({ store, collect, now }: ScanServiceDeps) {
  return {
    async run(
      integrationName: string,
      options: { onProgress?: (p: CollectProgress) => void; signal?: AbortSignal } = {},
    ): Promise<{ summary: ScanSummary; error?: unknown; record: ScanRecord }> {
      const integration = await store.integrations.get(integrationName);
      if (!integration) {
        throw new NotFound(`no integration named "${integrationName}"`, {
          fix: 'list them with `lanyard integration list`',
        });
      }
      const startedAt = now();
      const signal = options.signal ?? new AbortController().signal;
      const writer = await store.scans.begin(integration.id, startedAt);
      let progress: CollectProgress = { pages: 0, objects: 0, requests: 0, resourceUnits: 0 };
      let result: CollectResult | undefined;
      let error: unknown;
      try {
        result = await collect(integration, {
          onFacts: (facts) => writer.stage(facts),
          onProgress: (p) => {
            progress = p;
            options.onProgress?.(p);
          },
          signal,
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
      const summary: Omit<ScanSummary, 'scanId'> = {
        integration: integration.name,
        status,
        reason,
        counts: result?.counts ?? {},
        requests: result?.requests ?? progress.requests,
        resourceUnits: result?.resourceUnits ?? progress.resourceUnits,
        durationMs: now().getTime() - startedAt.getTime(),
        warnings: result?.warnings ?? [],
      };
      const record = await writer.finish({
        status,
        ...(reason ? { reason } : {}),
        summary,
        finishedAt: now(),
      });
      // What the user waited for includes the commit, which the stored summary cannot know yet.
      const durationMs = now().getTime() - startedAt.getTime();
      return { summary: { scanId: writer.id, ...summary, durationMs }, record, ...(error ? { error } : {}) };
    },
  };
}

function describe(error: unknown): string {
  if (error instanceof LanyardError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
