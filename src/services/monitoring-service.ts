// What happens after every committed scan, whoever ran it (the CLI, the scheduler, Run Now): the checks run over
// the new inventory (their events go to the outbox in the same transaction), expiry alerts and new high findings
// go to the owners through the alert channels (each once per channel, ever), and the outbox is delivered to the
// sinks. A failing channel or sink only delays its own messages; nothing here fails the scan.
import type { AlertChannel } from '../alerts/channel.ts';
import type { AlertsConfig } from '../alerts/config.ts';
import { digestChannelNames, sendDigest } from '../alerts/digest.ts';
import { type ChannelSummary, dispatchAlerts } from '../alerts/dispatch.ts';
import {
  type Alert,
  type AlertFinding,
  type AlertInput,
  DEFAULT_THRESHOLDS,
  dueAlerts,
  findingKeyOf,
} from '../core/alerts.ts';
import { CHECKS } from '../core/checks/catalogue.ts';
import { workloadOwners } from '../core/checks/check.ts';
import type { LanyardEvent } from '../core/events.ts';
import type { Identity } from '../core/inventory.ts';
import type { LastUseSource } from '../core/last-use.ts';
import { RISK_PART } from '../core/protection.ts';
import type { TierOverrides } from '../core/tiers/tier-table.ts';
import type { EventSink } from '../deliver/sink.ts';
import type { FindingRecord } from '../store/findings.ts';
import type { Integration, Store } from '../store/index.ts';
import { changeEvent, scanFinishedEvent, scanFinishedEventId } from './change-events.ts';
import { createChangesService } from './changes-service.ts';
import { createFindingsService } from './findings-service.ts';
import { createOutboxRelay, type SinkRound } from './outbox-relay.ts';
import { protectionEvents } from './protection-events.ts';

export interface MonitoringDeps {
  store: Pick<
    Store,
    | 'integrations'
    | 'scans'
    | 'inventory'
    | 'findings'
    | 'outbox'
    | 'alertLedger'
    | 'alertHold'
    | 'changes'
    | 'tenantReadings'
  >;
  lastUse: LastUseSource;
  now: () => number;
  tiers?: TierOverrides;
  sinks?: readonly EventSink[];
  channels?: readonly AlertChannel[];
  alerts?: {
    thresholds?: readonly number[];
    fallbackEmails?: Record<string, string>;
    /** With `channels`, which channels hold their alerts for the daily digest (config.ts). */
    digest?: AlertsConfig['digest'];
    channels?: AlertsConfig['channels'];
  };
  /** Told what each delivery round did (the service's metrics). */
  onDeliveries?: (rounds: readonly SinkRound[]) => void;
}

export interface MonitoringOutcome {
  opened: number;
  resolved: number;
  /** Alerts due this time, and how many a channel failed to take (they go again next time). */
  alerts: { due: number; retry: number };
  /** Per sink: events delivered now, and those left for a retry. */
  deliveries: SinkRound[];
  warnings: string[];
}

/** How long events every sink received stay in the outbox. */
const DELIVERED_EVENTS_KEPT_MS = 30 * 86_400_000;
/** How far back a scan looks for earlier scans whose change events were never recorded. */
const CHANGE_EVENTS_LOOKBACK = '2d';
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
const titles = new Map(CHECKS.map((check) => [check.id, check.title]));

/** A stored finding as the alerts take it (the demo previews alerts from the same). */
export function alertFindingOf(finding: FindingRecord): AlertFinding {
  return {
    checkId: finding.checkId,
    title: titles.get(finding.checkId) ?? finding.checkId,
    severity: finding.severity,
    objectId: finding.objectId,
    ...(finding.keyId ? { keyId: finding.keyId } : {}),
    message: finding.message,
    findingKey: findingKeyOf(finding),
    displayName: finding.displayName,
  };
}

export function createMonitoringService(deps: MonitoringDeps) {
  const { store, now, sinks = [], channels = [], alerts = {} } = deps;
  const findings = createFindingsService({
    store,
    lastUse: deps.lastUse,
    now,
    ...(deps.tiers ? { tiers: deps.tiers } : {}),
    sinks: sinks.map((sink) => sink.name),
  });
  const relayOf = sinks.length
    ? createOutboxRelay({ outbox: store.outbox, sinks, now: () => new Date(now()) })
    : undefined;
  const relay = relayOf && {
    async drain(): Promise<SinkRound[]> {
      const rounds = await relayOf.drain();
      deps.onDeliveries?.(rounds);
      return rounds;
    },
  };
  const thresholds = alerts.thresholds ?? DEFAULT_THRESHOLDS;
  const digest = alerts.digest?.enabled ? alerts.digest : undefined;
  const digestChannels = new Set(
    digest && alerts.channels ? digestChannelNames({ digest, channels: alerts.channels }) : [],
  );

  function alertIntegration(integration: Integration): AlertInput['integration'] {
    const fallback = integration.alertEmail ?? alerts.fallbackEmails?.[integration.name] ?? null;
    return { id: integration.id, name: integration.name, fallbackEmail: fallback };
  }

  /** Owners of the identities that have new high findings, read in one query per integration. */
  async function ownersByAppId(integration: Integration, appIds: string[]): Promise<Map<string, Identity[]>> {
    const byAppId = new Map<string, Identity[]>();
    if (!appIds.length) return byAppId;
    for (const identity of await store.inventory.byAppIds(integration.id, appIds)) {
      const key = identity.appId.toLowerCase();
      byAppId.set(key, [...(byAppId.get(key) ?? []), identity]);
    }
    return byAppId;
  }

  /** New high findings join the expiry alerts due; every channel gets what it has not sent yet. */
  async function sendAlerts(
    integration: Integration,
    opened: readonly FindingRecord[],
    due: Alert[],
    clock: Date,
    warnings: string[],
  ): Promise<number> {
    const alerting = opened.filter((f) => f.severity === 'high' || f.severity === 'critical');
    const byAppId = await ownersByAppId(integration, [...new Set(alerting.map((f) => f.appId))]);
    const findingAlerts = dueAlerts({
      integration: alertIntegration(integration),
      identities: [...byAppId.values()].flat(),
      ownersOf: (identity) =>
        (byAppId.get(identity.appId.toLowerCase()) ?? [identity]).flatMap((i) => i.owners),
      findings: alerting.map(alertFindingOf),
      thresholds,
      now: clock,
      alreadySent: new Set(),
    });
    // Those identities' expiry alerts are already among `due`, from the evaluation's pass.
    const summary = await dispatchAlerts({
      alerts: [...due, ...findingAlerts.filter((alert) => alert.kind === 'finding')],
      channels,
      ledger: store.alertLedger(integration.id),
      ...(digestChannels.size ? { hold: { into: store.alertHold, channels: digestChannels } } : {}),
    });
    for (const channel of summary.channels) {
      const [first] = channel.failed;
      if (first)
        warnings.push(
          `alert channel ${channel.channel}: ${channel.failed.length} not sent (${first.reason})`,
        );
    }
    return summary.retry.length;
  }

  /**
   * The change events of the integration's scans of the last days that have none recorded yet: this scan's, and
   * any an earlier run committed but could not record (it ended between its commit and its events). Ids are
   * fixed by scan and change, and `scan.finished` goes last, so a scan with it recorded has all its events.
   */
  async function recordChangeEvents(integration: Integration): Promise<void> {
    const changes = createChangesService({ store, now, ...(deps.tiers ? { tiers: deps.tiers } : {}) });
    const names = sinks.map((sink) => sink.name);
    const ref = { id: integration.id, name: integration.name, tenantId: integration.tenantId };
    for await (const { changes: list, ...header } of changes.reports({
      integration: integration.name,
      since: CHANGE_EVENTS_LOOKBACK,
    })) {
      const finishedId = scanFinishedEventId(integration.id, header.scanId);
      if ((await store.outbox.recorded([finishedId])).has(finishedId)) continue;
      const scan = { integration: ref, header };
      let batch: LanyardEvent[] = [];
      let count = 0;
      for await (const change of list) {
        batch.push(changeEvent(scan, change));
        count++;
        if (batch.length >= 1_000) {
          await store.outbox.enqueue(batch, names);
          batch = [];
        }
      }
      await store.outbox.enqueue([...batch, scanFinishedEvent(scan, count)], names);
    }
  }

  /**
   * Entra ID Protection's news of the risk reading this scan made (protection-events.ts): a principal's risk moving,
   * and each detection once. Nothing when the scan's part did not complete: the reading is an earlier scan's.
   */
  async function recordProtectionEvents(integration: Integration, scanId: number | null): Promise<void> {
    const readings = await store.tenantReadings.latest(integration.id);
    const ref = { id: integration.id, name: integration.name, tenantId: integration.tenantId };
    const events = protectionEvents(ref, readings.get(RISK_PART), scanId);
    if (events.length)
      await store.outbox.enqueue(
        events,
        sinks.map((sink) => sink.name),
      );
  }

  return {
    findings,

    async afterScan(integrationName: string, scanId: number | null): Promise<MonitoringOutcome> {
      const clock = new Date(now());
      const due: Alert[] = [];
      const warnings: string[] = [];
      const result = await findings.evaluate(integrationName, scanId, (entries, integration) => {
        if (!channels.length) return;
        const owners = new Map(
          entries.map((entry) => [entry.row.identity.objectId, workloadOwners(entry.workload)]),
        );
        due.push(
          ...dueAlerts({
            integration: alertIntegration(integration),
            identities: entries.map((entry) => entry.row.identity),
            ownersOf: (identity) => owners.get(identity.objectId) ?? identity.owners,
            thresholds,
            now: clock,
            alreadySent: new Set(),
          }),
        );
      });
      const { integration } = result;
      let retry = 0;
      // Alerts and deliveries each fail alone: the findings stand, and what was not sent goes next time.
      if (channels.length) {
        try {
          retry = await sendAlerts(integration, result.opened, due, clock, warnings);
        } catch (error) {
          warnings.push(`alerts were not sent: ${describe(error)}`);
        }
      }
      if (sinks.length) {
        try {
          await recordChangeEvents(integration);
        } catch (error) {
          warnings.push(
            `the scan's changes were not recorded as events (the next scan retries): ${describe(error)}`,
          );
        }
        try {
          await recordProtectionEvents(integration, scanId);
        } catch (error) {
          warnings.push(`Entra ID Protection's changes were not recorded as events: ${describe(error)}`);
        }
      }
      let deliveries: SinkRound[] = [];
      try {
        // Delivered events are kept a while (a receiver may ask again what it got), then go.
        await store.outbox.prune(new Date(clock.getTime() - DELIVERED_EVENTS_KEPT_MS));
        deliveries = relay ? await relay.drain() : [];
      } catch (error) {
        warnings.push(`events were not delivered: ${describe(error)}`);
      }
      for (const round of deliveries) {
        if (round.error)
          warnings.push(`sink ${round.sink}: ${round.failed} events wait for a retry (${round.error})`);
      }
      return {
        opened: result.opened.length,
        resolved: result.resolved.length,
        alerts: { due: due.length, retry },
        deliveries,
        warnings,
      };
    },

    /**
     * Sends the daily digest of the email channels that hold their alerts for it: what they held before the
     * day's cut (`hourUtc`), or everything they hold with `immediately`. Nothing to do when the digest is off.
     */
    async sendDigest(options: { immediately?: boolean } = {}): Promise<ChannelSummary[]> {
      if (!digest) return [];
      return sendDigest({
        channels: channels.filter((channel) => digestChannels.has(channel.name)),
        hold: store.alertHold,
        ledgerOf: (integrationId) => store.alertLedger(integrationId),
        now: new Date(now()),
        hourUtc: digest.hourUtc,
        ...(options.immediately ? { immediately: true } : {}),
      });
    },

    /**
     * Delivers what the outbox holds for the sinks (after an outage, or from `lanyard outbox deliver`); with
     * `retryNow`, events waiting for their retry time go now.
     */
    async deliver(options: { retryNow?: boolean } = {}): Promise<SinkRound[]> {
      if (!relay) return [];
      if (options.retryNow) {
        await store.outbox.retryNow(
          sinks.map((sink) => sink.name),
          new Date(now()),
        );
      }
      return relay.drain();
    },
  };
}

export type MonitoringService = ReturnType<typeof createMonitoringService>;
