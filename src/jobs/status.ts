// What the service reports about each integration: its schedule and its latest scan, in one query.
import type { Store } from '../store/index.ts';

export interface IntegrationStatus {
  name: string;
  schedule: string;
  lastScan: {
    id: number;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    reason: string | null;
  } | null;
}

export async function integrationStatus(store: Pick<Store, 'executeRaw'>): Promise<IntegrationStatus[]> {
  const { rows } = await store.executeRaw(`
    select i.name, i.schedule, s.id, s.status, s.started_at, s.finished_at, s.reason
    from integrations i
    left join lateral (
      select id, status, started_at, finished_at, reason from scans
      where integration_id = i.id order by id desc limit 1
    ) s on true
    order by i.name`);
  return rows.map((row) => ({
    name: String(row.name),
    schedule: String(row.schedule),
    lastScan:
      row.id === null || row.id === undefined
        ? null
        : {
            id: Number(row.id),
            status: String(row.status),
            startedAt: iso(row.started_at)!,
            finishedAt: iso(row.finished_at),
            reason: row.reason === null ? null : String(row.reason),
          },
  }));
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return new Date(value as string | Date).toISOString();
}
