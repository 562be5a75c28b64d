// Rows for a Log Analytics custom table fed by the Azure Monitor Logs Ingestion API: flat columns, what KQL
// filters on, with the type-specific details as one dynamic column. The data collection rule's stream must
// declare these columns (TimeGenerated datetime, Data dynamic, the rest string).
import type { LanyardEvent } from '../../core/events.ts';

export interface AzureMonitorRecord {
  TimeGenerated: string;
  EventId: string;
  EventType: string;
  Severity: string;
  Integration: string;
  TenantId: string;
  ObjectId: string;
  AppId: string;
  DisplayName: string;
  KeyId: string;
  Summary: string;
  Data: Record<string, unknown>;
}

/** The stream declaration a DCR needs for these records (its `streamDeclarations` entry's columns). */
export const AZURE_MONITOR_COLUMNS: readonly { name: keyof AzureMonitorRecord; type: string }[] = [
  { name: 'TimeGenerated', type: 'datetime' },
  { name: 'EventId', type: 'string' },
  { name: 'EventType', type: 'string' },
  { name: 'Severity', type: 'string' },
  { name: 'Integration', type: 'string' },
  { name: 'TenantId', type: 'string' },
  { name: 'ObjectId', type: 'string' },
  { name: 'AppId', type: 'string' },
  { name: 'DisplayName', type: 'string' },
  { name: 'KeyId', type: 'string' },
  { name: 'Summary', type: 'string' },
  { name: 'Data', type: 'dynamic' },
];

export function toAzureMonitorRecord(event: LanyardEvent): AzureMonitorRecord {
  const ms = Date.parse(event.time);
  return {
    TimeGenerated: Number.isNaN(ms) ? event.time : new Date(ms).toISOString(),
    EventId: event.id,
    EventType: event.type,
    Severity: event.severity,
    Integration: event.integration?.name ?? '',
    TenantId: event.integration?.tenantId ?? '',
    ObjectId: event.subject?.objectId ?? '',
    AppId: event.subject?.appId ?? '',
    DisplayName: event.subject?.displayName ?? '',
    KeyId: event.credential?.keyId ?? '',
    Summary: event.summary,
    Data: event.data,
  };
}
