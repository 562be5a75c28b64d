// What a committed scan tells the SIEMs: one event per change it made (identity and credential lifecycle, owners,
// permission escalations, risk changes) and a closing `scan.finished`. Ids are derived from the scan and the
// change, so recording a scan's events again (after a crash between the commit and the outbox) adds nothing.
import { createHash } from 'node:crypto';
import type { Change } from '../core/change-types.ts';
import type { LanyardEvent } from '../core/events.ts';
import type { ScanHeader } from './changes-service.ts';

/** A UUID (version 8: custom) from a hash of the text: equal text, equal id. */
export function stableEventId(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface ScanOfEvents {
  integration: { id: string; name: string; tenantId: string };
  header: ScanHeader;
}

export const scanFinishedEventId = (integrationId: string, scanId: number) =>
  stableEventId(`${integrationId}:${scanId}:scan.finished`);

export function changeEvent(scan: ScanOfEvents, change: Change): LanyardEvent {
  const { identity, severity, summary, type, ...details } = change;
  const credential =
    'credential' in change
      ? { keyId: change.credential.keyId, type: change.credential.type, displayName: change.credential.name }
      : undefined;
  return {
    id: stableEventId(`${scan.integration.id}:${scan.header.scanId}:${JSON.stringify(change)}`),
    type,
    time: scan.header.finishedAt,
    severity,
    integration: scan.integration,
    subject: {
      objectId: identity.objectId,
      appId: identity.appId,
      displayName: identity.displayName,
      kind: identity.kind,
    },
    ...(credential ? { credential } : {}),
    summary,
    data: { scanId: scan.header.scanId, publisher: identity.publisher, ...details },
  };
}

export function scanFinishedEvent(scan: ScanOfEvents, changes: number): LanyardEvent {
  const { header } = scan;
  return {
    id: scanFinishedEventId(scan.integration.id, header.scanId),
    type: 'scan.finished',
    time: header.finishedAt,
    severity: header.status === 'succeeded' ? 'info' : 'low',
    integration: scan.integration,
    summary: `scan ${header.scanId} of ${scan.integration.name} ${header.status}: ${changes} change${changes === 1 ? '' : 's'}`,
    data: {
      scanId: header.scanId,
      status: header.status,
      reason: header.reason,
      removalsReported: header.removalsReported,
      counts: header.counts,
      changes,
    },
  };
}
