// What an evaluation tells the SIEMs: one event per finding that opened (new or again) and one per finding that
// resolved, each with a fresh id that stays with it through every delivery attempt.
import { randomUUID } from 'node:crypto';
import { isOwnerFindingKey } from '../core/checks/check.ts';
import type { LanyardEvent } from '../core/events.ts';
import type { FindingRecord, Reconciled } from '../store/findings.ts';
import type { Integration } from '../store/index.ts';

function eventOf(
  integration: Pick<Integration, 'id' | 'name' | 'tenantId'>,
  finding: FindingRecord,
  type: 'finding.opened' | 'finding.resolved',
  time: string,
  newId: () => string,
): LanyardEvent {
  const verb = type === 'finding.opened' ? 'found' : 'resolved';
  return {
    id: newId(),
    type,
    time,
    severity: type === 'finding.opened' ? finding.severity : 'info',
    integration: { id: integration.id, name: integration.name, tenantId: integration.tenantId },
    subject: {
      objectId: finding.objectId,
      appId: finding.appId,
      displayName: finding.displayName,
      kind: finding.kind,
    },
    // A finding about one owner is keyed by the owner (check.ts ownerFindingKey): no credential to name.
    ...(finding.keyId && !isOwnerFindingKey(finding.keyId)
      ? { credential: { keyId: finding.keyId, type: 'unknown', displayName: null } }
      : {}),
    summary: `${finding.checkId} ${verb}: ${finding.message}`,
    data: {
      // Ties an opened event to its later resolved event (OCSF finding_info.uid).
      findingId: `${integration.id}:${finding.checkId}:${finding.objectId}:${finding.keyId}`,
      checkId: finding.checkId,
      findingSeverity: finding.severity,
      firstSeenAt: finding.firstSeenAt,
      ...(finding.resolvedAt ? { resolvedAt: finding.resolvedAt } : {}),
    },
  };
}

export function findingEvents(
  integration: Pick<Integration, 'id' | 'name' | 'tenantId'>,
  reconciled: Reconciled,
  at: Date,
  newId: () => string = randomUUID,
): LanyardEvent[] {
  const time = at.toISOString();
  return [
    ...reconciled.opened.map((f) => eventOf(integration, f, 'finding.opened', time, newId)),
    ...reconciled.resolved.map((f) => eventOf(integration, f, 'finding.resolved', time, newId)),
  ];
}
