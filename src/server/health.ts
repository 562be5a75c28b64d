// GET /healthz's answer: is the database reachable, is the queue, and how did each integration's last scan end.
import type { IntegrationStatus } from '../jobs/status.ts';
import type { Store } from '../store/index.ts';

export interface HealthDeps {
  storeKind: Store['kind'];
  /** Each integration with its schedule and latest scan: also the database's reachability check. */
  integrations: () => Promise<IntegrationStatus[]>;
  /** The scan queue's jobs waiting and running. */
  queue: () => Promise<{ queued: number; active: number }>;
  /** A check that takes longer counts as unreachable (default 5 s): a probe must not hang on a stuck pool. */
  timeoutMs?: number;
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  store: { kind: Store['kind']; reachable: boolean; error?: string };
  queue: { reachable: boolean; queued?: number; active?: number; error?: string };
  integrations: IntegrationStatus[];
}

export type HealthCheck = () => Promise<HealthReport>;

export function createHealthCheck({
  storeKind,
  integrations,
  queue,
  timeoutMs = 5_000,
}: HealthDeps): HealthCheck {
  return async () => {
    const [listed, counted] = await Promise.allSettled([
      within(integrations(), timeoutMs),
      within(queue(), timeoutMs),
    ]);
    const store: HealthReport['store'] =
      listed.status === 'fulfilled'
        ? { kind: storeKind, reachable: true }
        : { kind: storeKind, reachable: false, error: message(listed.reason) };
    const queueReport: HealthReport['queue'] =
      counted.status === 'fulfilled'
        ? { reachable: true, ...counted.value }
        : { reachable: false, error: message(counted.reason) };
    return {
      status: store.reachable && queueReport.reachable ? 'ok' : 'unavailable',
      store,
      queue: queueReport,
      integrations: listed.status === 'fulfilled' ? listed.value : [],
    };
  };
}

async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
