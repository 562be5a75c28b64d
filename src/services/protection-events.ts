// The stored Conditional Access and Entra ID Protection readings as the checks see them, and what a new risk
// reading tells the SIEMs: a service principal becoming risky, confirmed compromised or cleared (compared with the
// reading it replaced), and each risk detection once. Ids are derived from the reading's scan and the principal's
// state, or from the detection's own id, so recording them again adds nothing (the outbox skips known ids).
import type { LanyardEvent } from '../core/events.ts';
import {
  CONDITIONAL_ACCESS_PART,
  type ConditionalAccessReading,
  newDetections,
  RISK_PART,
  type RiskDetection,
  type RiskReading,
  type RiskTransition,
  riskTransitions,
  type WorkloadProtection,
} from '../core/protection.ts';
import type { StoredTenantReading } from '../store/index.ts';
import { stableEventId } from './change-events.ts';

/** The checks' view: each part's last complete reading, null when never read (unknown). */
export function protectionOf(readings: ReadonlyMap<string, StoredTenantReading>): WorkloadProtection {
  return {
    conditionalAccess: (readings.get(CONDITIONAL_ACCESS_PART)?.data as ConditionalAccessReading) ?? null,
    risk: (readings.get(RISK_PART)?.data as RiskReading) ?? null,
  };
}

type Ref = { id: string; name: string; tenantId: string };

const TYPES: Record<RiskTransition, LanyardEvent['type']> = {
  'became-risky': 'identity.risky',
  'became-compromised': 'identity.compromised',
  cleared: 'identity.risk-cleared',
};
const LEVELS: Record<string, LanyardEvent['severity']> = { low: 'medium', medium: 'high', high: 'critical' };

/** The event id of a detection: the same whichever scan reads it, so it is recorded once. */
export const detectionEventId = (integrationId: string, detectionId: string): string =>
  stableEventId(`${integrationId}:risk.detected:${detectionId}`);

function detectionEvent(integration: Ref, detection: RiskDetection, time: string): LanyardEvent {
  const type = detection.riskEventType ?? 'unknown';
  const name = detection.servicePrincipalDisplayName ?? detection.servicePrincipalId ?? 'a service principal';
  return {
    id: detectionEventId(integration.id, detection.id),
    type: 'risk.detected',
    // When Lanyard observed it, as every event's time (the detection's own times are in data).
    time,
    severity: LEVELS[detection.riskLevel ?? ''] ?? 'high',
    integration,
    ...(detection.servicePrincipalId
      ? {
          subject: {
            objectId: detection.servicePrincipalId,
            appId: detection.appId ?? '',
            displayName: detection.servicePrincipalDisplayName ?? '',
            kind: 'servicePrincipal' as const,
          },
        }
      : {}),
    summary: `Entra ID Protection detected ${type} on ${name}`,
    data: {
      detectionId: detection.id,
      riskEventType: detection.riskEventType,
      riskLevel: detection.riskLevel,
      riskState: detection.riskState,
      detectedDateTime: detection.detectedDateTime,
      activityDateTime: detection.activityDateTime,
      ipAddress: detection.ipAddress,
      keyIds: detection.keyIds,
    },
  };
}

/**
 * The events of the risk part's stored reading: transitions against the reading it replaced, and the detections
 * that reading did not hold. Only for the scan that made the reading (`scanId`): a scan whose part did not
 * complete left the earlier reading, whose events that scan's monitoring recorded.
 */
export function protectionEvents(
  integration: Ref,
  reading: StoredTenantReading | undefined,
  scanId: number | null,
): LanyardEvent[] {
  if (!reading || reading.part !== RISK_PART || (scanId !== null && reading.scanId !== scanId)) return [];
  const current = reading.data as RiskReading;
  const previous = (reading.previous?.data as RiskReading | undefined) ?? null;
  const events: LanyardEvent[] = [];
  // The first reading has nothing to compare with: what is risky now is reported by the check's findings, and
  // every principal would otherwise "become" risky the day Lanyard started watching.
  if (previous) {
    for (const { transition, servicePrincipal: sp, from } of riskTransitions(
      previous.servicePrincipals,
      current.servicePrincipals,
    )) {
      const name = sp.displayName ?? sp.id;
      const summary =
        transition === 'became-compromised'
          ? `${name} was confirmed compromised in Entra ID Protection`
          : transition === 'became-risky'
            ? `${name} is at ${sp.riskLevel} risk in Entra ID Protection`
            : `${name} is no longer at risk in Entra ID Protection (${sp.riskState})`;
      events.push({
        id: stableEventId(
          `${integration.id}:${reading.scanId}:${TYPES[transition]}:${sp.id}:${sp.riskState}`,
        ),
        type: TYPES[transition],
        time: reading.readAt,
        severity:
          transition === 'became-compromised'
            ? 'critical'
            : transition === 'cleared'
              ? 'info'
              : (LEVELS[sp.riskLevel] ?? 'high'),
        integration,
        subject: {
          objectId: sp.id,
          appId: sp.appId ?? '',
          displayName: sp.displayName ?? '',
          kind: 'servicePrincipal',
        },
        summary,
        data: {
          scanId: reading.scanId,
          findingKey: `identity-protection:${sp.id}`,
          from,
          riskState: sp.riskState,
          riskLevel: sp.riskLevel,
          riskDetail: sp.riskDetail,
          riskLastUpdatedDateTime: sp.riskLastUpdatedDateTime,
        },
      });
    }
  }
  for (const detection of newDetections(previous?.detections ?? null, current.detections))
    events.push(detectionEvent(integration, detection, reading.readAt));
  return events;
}
