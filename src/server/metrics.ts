// The Prometheus metrics of one Lanyard process: the scans it ran, their durations and Graph resource units, the
// deliveries to each sink, and the outbox backlog per sink (read from the database when scraped).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ScanObserver } from '../jobs/scan-worker.ts';
import type { OutboxBacklog } from '../store/outbox.ts';

export interface MetricsDeps {
  /** Pending events per sink (store.outbox.backlog). */
  backlog: () => Promise<OutboxBacklog[]>;
  /** Node's process metrics (CPU, memory, event loop lag) as well (default true). */
  processMetrics?: boolean;
}

export interface Metrics extends Required<ScanObserver> {
  readonly registry: Registry;
}

/** Scans take seconds on a small tenant and many minutes on a large one's first reading. */
const DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1_200, 2_400, 3_600];

export function createMetrics({ backlog, processMetrics = true }: MetricsDeps): Metrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const scans = new Counter({
    name: 'lanyard_scans_total',
    help: 'Scans this process ran, by integration and outcome',
    labelNames: ['integration', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'lanyard_scan_duration_seconds',
    help: 'Wall time of the scans this process ran',
    labelNames: ['integration'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const resourceUnits = new Counter({
    name: 'lanyard_scan_resource_units_total',
    help: "Microsoft Graph resource units spent by this process's scans (its throttling budget)",
    labelNames: ['integration'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'lanyard_deliveries_total',
    help: 'Events delivered to each sink, or failed and left for a retry',
    labelNames: ['sink', 'outcome'] as const,
    registers: [registry],
  });
  const sinks = new Set<string>();
  new Gauge({
    name: 'lanyard_outbox_backlog',
    help: 'Events waiting for delivery, per sink',
    labelNames: ['sink'] as const,
    registers: [registry],
    async collect() {
      // A database that does not answer leaves the gauge empty for this scrape; /healthz says why.
      const rows = await backlog().catch(() => undefined);
      if (!rows) return;
      // The store lists sinks with something pending; one seen before (pending or delivered to) reads 0, not absent.
      for (const sink of sinks) this.set({ sink }, 0);
      for (const row of rows) {
        sinks.add(row.sink);
        this.set({ sink: row.sink }, row.pending);
      }
    },
  });
  return {
    registry,
    scanFinished(summary) {
      scans.inc({ integration: summary.integration, status: summary.status });
      duration.observe({ integration: summary.integration }, summary.durationMs / 1000);
      resourceUnits.inc({ integration: summary.integration }, summary.resourceUnits);
    },
    delivered(rounds) {
      for (const round of rounds) {
        sinks.add(round.sink);
        if (round.delivered) deliveries.inc({ sink: round.sink, outcome: 'delivered' }, round.delivered);
        if (round.failed) deliveries.inc({ sink: round.sink, outcome: 'failed' }, round.failed);
      }
    },
  };
}
