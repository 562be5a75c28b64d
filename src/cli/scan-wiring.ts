// Builds the scan service the CLI commands use: the store given, Graph as the source, the wall clock.

import type { AlertChannel } from '../alerts/channel.ts';
import type { SignInDetectionSettings } from '../core/sign-in-ranges.ts';
import type { TierOverrides } from '../core/tiers/tier-table.ts';
import type { EventSink } from '../deliver/sink.ts';
import { createMonitoringService } from '../services/monitoring-service.ts';
import type { SinkRound } from '../services/outbox-relay.ts';
import type { Collect } from '../services/scan-service.ts';
import { createScanService } from '../services/scan-service.ts';
import type { Store } from '../store/index.ts';

// The Graph client (@azure/identity, undici) loads only when a scan runs, so other commands start fast.
const collectFromGraph =
  (parts: OptionalParts): Collect =>
  async (integration, options) => {
    const { createGraphCollect, DEFAULT_GRAPH_SETTINGS } = await import('../services/graph-collect.ts');
    return createGraphCollect({ ...DEFAULT_GRAPH_SETTINGS, ...parts })(integration, options);
  };

/**
 * The optional parts a scan reads beyond the inventory (see README), both by default: what each service
 * principal holds, and when identities last signed in. `lanyard scan --no-access / --no-last-use` skips one.
 */
export interface OptionalParts {
  access?: boolean;
  signIns?: boolean;
  /** Conditional Access policies and Entra ID Protection's risk (a few requests; licence-dependent): default on. */
  protection?: boolean;
}

/** Where events and alerts go after each scan (monitoring-settings.ts); none by default. */
export interface MonitoringWiring {
  sinks?: readonly EventSink[];
  channels?: readonly AlertChannel[];
  alerts?: { thresholds?: readonly number[]; fallbackEmails?: Record<string, string> };
  /** Told what each delivery round did (the service's metrics). */
  onDeliveries?: (rounds: readonly SinkRound[]) => void;
  /** What makes a burst of failed sign-ins (default: 10 within 10 minutes). */
  signIns?: SignInDetectionSettings;
}

export function createCliScanService(
  store: Store,
  parts: OptionalParts = {},
  tiers?: TierOverrides,
  monitoring: MonitoringWiring = {},
) {
  const after = createMonitoringService({
    store,
    lastUse: store.lastUse,
    now: Date.now,
    ...(tiers ? { tiers } : {}),
    ...monitoring,
  });
  return createScanService({
    store,
    collect: collectFromGraph({
      access: parts.access ?? true,
      signIns: parts.signIns ?? true,
      protection: parts.protection ?? true,
    }),
    now: () => new Date(),
    afterCommit: (integration, scanId) => after.afterScan(integration.name, scanId),
    // Suspicious sign-ins are recorded in the scan's commit, with the ranges they are judged against.
    signIns: {
      sinks: (monitoring.sinks ?? []).map((sink) => sink.name),
      ...(monitoring.signIns ? { settings: monitoring.signIns } : {}),
    },
  });
}
