// The events Lanyard sends to SIEMs and webhooks: one shape for every sink, each event with an id that stays the
// same on every delivery attempt, so a receiver that sees it twice (delivery is at least once) can drop the copy.
import type { IdentityKind } from './inventory.ts';

export type EventSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export type EventType =
  | 'identity.added'
  | 'identity.removed'
  | 'identity.changed'
  | 'credential.added'
  | 'credential.removed'
  | 'credential.expiring'
  | 'owner.added'
  | 'owner.removed'
  | 'permission.granted'
  | 'permission.revoked'
  | 'risk.changed'
  | 'finding.opened'
  | 'finding.resolved'
  | 'signin.suspicious'
  /** Entra ID Protection: a service principal became at risk, was confirmed compromised, or left either. */
  | 'identity.risky'
  | 'identity.compromised'
  | 'identity.risk-cleared'
  /** Entra ID Protection: one service principal risk detection, sent once per detection id. */
  | 'risk.detected'
  | 'scan.finished';

export interface LanyardEvent {
  /** A UUID fixed when the event is recorded: equal on every delivery of it. */
  id: string;
  type: EventType;
  /** ISO 8601: when Lanyard observed it (the scan's commit), not when it was delivered. */
  time: string;
  severity: EventSeverity;
  integration: { id: string; name: string; tenantId: string } | null;
  /** The identity it is about, when it is about one. */
  subject?: { objectId: string; appId: string; displayName: string; kind: IdentityKind };
  /** The credential it is about, when it is about one (never its value: Lanyard never holds one). */
  credential?: { keyId: string; type: string; displayName: string | null };
  /** One plain line; embeds tenant-controlled names, so sinks escape it for their format. */
  summary: string;
  /** Type-specific details (check id, old and new values, ...), JSON only. */
  data: Record<string, unknown>;
}
