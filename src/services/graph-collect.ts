// Wires an integration to Graph: its credential, a paced transport and the inventory collector.
import { readCaFile } from '../collect/ca-bundle.ts';
import { armScopeFor, graphScopeFor } from '../collect/clouds.ts';
import { collectInventory } from '../collect/graph/collector.ts';
import { createCredential } from '../collect/graph/credential.ts';
import { openDeltaLinks } from '../collect/graph/delta.ts';
import { collectIncremental, IncrementalUnavailable } from '../collect/graph/incremental.ts';
import { INVENTORY_RESOURCES } from '../collect/graph/resources/index.ts';
import type { RetrySettings } from '../collect/graph/retry.ts';
import { chooseScanMode, DELTA_LISTS, type SyncState } from '../collect/graph/sync-state.ts';
import { createGraphTransport } from '../collect/graph/transport.ts';
import type { Integration } from '../store/index.ts';
import type { Collect } from './scan-service.ts';

export interface GraphCollectSettings {
  /** Graph's RU quota per app+tenant for the tenant's size (S 3,500 / M 5,000 / L 8,000 per 10 s). */
  resourceUnitsPer10s: number;
  maxInFlight?: number;
  /**
   * The blast-radius part: the access each service principal holds, with Azure RBAC and user-assigned
   * identities' federated credentials from ARM. The CLI reads it unless told not to (scan-wiring.ts); false here,
   * so a caller names every part it pays for.
   */
  access?: boolean;
  /**
   * The last-use part: sign-in activity (a first reading pages Graph's sign-in log at the reports limit of 5
   * requests per 10 s, minutes at 100,000 applications; later readings take a few requests). As `access`.
   */
  signIns?: boolean;
  /**
   * The Conditional Access policies and Entra ID Protection's risky service principals and detections
   * (collect/graph/protection.ts): a few requests, read on incremental scans too. As `access`.
   */
  protection?: boolean;
  /** Retries of failed Graph requests (default: the transport's own); tests make them fast. */
  retry?: RetrySettings;
}

/** Medium tenants (50–500 users) get 5,000 RU per 10 s; a smaller tenant's 429s slow us down safely. */
export const DEFAULT_GRAPH_SETTINGS: GraphCollectSettings = { resourceUnitsPer10s: 5000 };

/**
 * How many objects the scan's lists will walk, for the progress bar's ETA, from the collections' sizes the
 * collector counted for its plan: each collection once per list that walks it.
 */
function expectedObjects(counts: ReadonlyMap<string, number>): number | undefined {
  let total = 0;
  for (const [path, count] of counts)
    total += count * INVENTORY_RESOURCES.filter((resource) => resource.path === path).length;
  return Number.isFinite(total) && total > 0 ? total : undefined;
}

/** The stored links are for another Graph than the integration's now: they cannot be followed. */
function linksElsewhere(state: SyncState, graphUrl: string): boolean {
  const origin = new URL(graphUrl).origin;
  return DELTA_LISTS.some((list) => URL.parse(state.deltaLinks[list])?.origin !== origin);
}

export function createGraphCollect(settings: GraphCollectSettings = DEFAULT_GRAPH_SETTINGS): Collect {
  return async (
    integration: Integration,
    { onFacts, onSignIns, onProgress, signal, parts, mode, onMode },
  ) => {
    const credential = createCredential(
      { ...integration.auth, tenantId: integration.tenantId, clientId: integration.clientId },
      integration.cloud,
    );
    const { caFile } = integration.cloud;
    const transport = createGraphTransport({
      graphUrl: integration.cloud.graphUrl,
      credential,
      scope: graphScopeFor(integration.cloud),
      ...(caFile ? { caPem: readCaFile(caFile), caFile } : {}),
      // Graph counts the budget per app in a tenant: scans of one process for the same pair share it.
      budget: {
        resourceUnitsPerWindow: settings.resourceUnitsPer10s,
        windowMs: 10_000,
        key: `${integration.tenantId}/${integration.clientId}`,
      },
      ...(settings.maxInFlight ? { maxInFlight: settings.maxInFlight } : {}),
      ...(settings.retry ? { retry: settings.retry } : {}),
    });
    // Azure Resource Manager beside Graph, with the same credential and its own audience and read limit.
    const arm = settings.access
      ? createGraphTransport({
          graphUrl: integration.cloud.armUrl,
          credential,
          scope: armScopeFor(integration.cloud),
          api: 'arm',
          ...(caFile ? { caPem: readCaFile(caFile), caFile } : {}),
          budget: { resourceUnitsPerWindow: settings.resourceUnitsPer10s, windowMs: 10_000 },
        })
      : undefined;
    const startedAt = new Date();
    const signInOptions = settings.signIns
      ? {
          signIns: {
            readThrough: integration.signInWatch?.readThrough ?? null,
            onObservations: onSignIns,
            now: startedAt,
          },
        }
      : {};
    try {
      let choice = chooseScanMode(integration.syncState, {
        ...mode,
        now: startedAt,
        access: settings.access ?? false,
      });
      if (choice.mode === 'incremental' && linksElsewhere(choice.state, integration.cloud.graphUrl)) {
        choice = {
          mode: 'full',
          reason: "the integration's Graph URL changed since the delta links were taken",
        };
      }
      let fullReason = choice.mode === 'full' ? choice.reason : '';
      if (choice.mode === 'incremental') {
        onMode?.('incremental', 'changes since the last scan');
        try {
          const result = await collectIncremental({
            transport,
            onFacts,
            onProgress,
            signal,
            parts,
            state: choice.state,
            now: startedAt,
            access: settings.access ?? false,
            arm: Boolean(arm),
            protection: settings.protection ?? false,
            ...(integration.queryPlan ? { plan: integration.queryPlan } : {}),
            ...signInOptions,
          });
          const { signIns, syncState, removedObjectIds, changed, ...rest } = result;
          return {
            ...rest,
            counts: { ...result.counts },
            mode: 'incremental' as const,
            modeReason:
              `${changed.applications} applications and ${changed.servicePrincipals} service principals changed, ` +
              `${removedObjectIds.length} removed, since the scan of ${choice.state.auditsFrom}`,
            syncState: { ...syncState },
            removedObjectIds,
            ...(signIns
              ? {
                  signIns: {
                    since: signIns.since,
                    readThrough: signIns.readThrough,
                    activity: signIns.activity,
                  },
                }
              : {}),
          };
        } catch (error) {
          if (!(error instanceof IncrementalUnavailable)) throw error;
          fullReason = `${error.message}: read in full instead`;
        }
      }
      onMode?.('full', fullReason);
      // Each list's place in the tenant's history is taken before the lists start: what changes meanwhile is the
      // next incremental scan's to read.
      const fullScanAt = new Date();
      const opening = openDeltaLinks(transport, signal);
      await opening.pinned;
      let expected: number | undefined;
      const result = await collectInventory({
        transport,
        onFacts,
        onCounted: (counts) => {
          expected = expectedObjects(counts);
        },
        onProgress: (progress) =>
          onProgress({ ...progress, ...(expected ? { expectedObjects: expected } : {}) }),
        signal,
        parts,
        access: settings.access ?? false,
        protection: settings.protection ?? false,
        ...(arm
          ? {
              arm,
              subscriptions: {
                pinned: integration.azureSubscriptions?.pinned ?? null,
                expected: integration.azureSubscriptions?.seen ?? [],
              },
            }
          : {}),
        ...signInOptions,
        ...(integration.queryPlan ? { plan: integration.queryPlan } : {}),
      });
      const { signIns, ...rest } = result;
      let syncState: SyncState | undefined;
      try {
        const deltaLinks = await opening.links;
        syncState = {
          version: 1,
          deltaLinks,
          auditsFrom: fullScanAt.toISOString(),
          fullScanAt: fullScanAt.toISOString(),
          withAccess: settings.access ?? false,
        };
      } catch (error) {
        if (signal.aborted) throw error;
        rest.warnings.push(
          `no delta links could be taken (${error instanceof Error ? error.message : String(error)}): the next scan reads everything again`,
        );
      }
      return {
        ...rest,
        counts: { ...result.counts },
        mode: 'full' as const,
        modeReason: fullReason,
        ...(syncState ? { syncState: { ...syncState } } : {}),
        ...(signIns
          ? {
              signIns: { since: signIns.since, readThrough: signIns.readThrough, activity: signIns.activity },
            }
          : {}),
      };
    } finally {
      await Promise.all([transport.close(), arm?.close()]);
    }
  };
}
