// Events as OCSF 1.3 (Open Cybersecurity Schema Framework) records, one class per kind of event:
//   finding.*, credential.expiring, risk.changed → Detection Finding (2004, Findings)
//   identity.risky/compromised/risk-cleared, risk.detected (Entra ID Protection) → Detection Finding (2004)
//   identity.added / identity.removed            → Account Change (3001): Create / Delete of the account
//   permission.granted / permission.revoked      → Account Change (3001): Attach Policy / Detach Policy
//   identity.changed, owner.*                    → Entity Management (3004): Update of the identity
//   credential.added / credential.removed        → Entity Management (3004): Create / Delete of the credential
//   signin.suspicious                            → Authentication (3002): Logon
//   scan.finished                                → Scan Activity (6007): Completed
// Every record has metadata.uid = the event id (what consumers deduplicate by), time in epoch ms, severity_id,
// type_uid = class_uid * 100 + activity_id, and the event's own fields under `unmapped` so nothing is lost.
import type { EventSeverity, EventType, LanyardEvent } from '../../core/events.ts';

export const OCSF_VERSION = '1.3.0';

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
export const OCSF_SEVERITY: Record<EventSeverity, { id: number; caption: string }> = {
  info: { id: 1, caption: 'Informational' },
  low: { id: 2, caption: 'Low' },
  medium: { id: 3, caption: 'Medium' },
  high: { id: 4, caption: 'High' },
  critical: { id: 5, caption: 'Critical' },
};

interface OcsfClass {
  classUid: number;
  className: string;
  categoryUid: number;
  categoryName: string;
}

const DETECTION_FINDING: OcsfClass = {
  classUid: 2004,
  className: 'Detection Finding',
  categoryUid: 2,
  categoryName: 'Findings',
};
const ACCOUNT_CHANGE: OcsfClass = {
  classUid: 3001,
  className: 'Account Change',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
};
const AUTHENTICATION: OcsfClass = {
  classUid: 3002,
  className: 'Authentication',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
};
const ENTITY_MANAGEMENT: OcsfClass = {
  classUid: 3004,
  className: 'Entity Management',
  categoryUid: 3,
  categoryName: 'Identity & Access Management',
};
const SCAN_ACTIVITY: OcsfClass = {
  classUid: 6007,
  className: 'Scan Activity',
  categoryUid: 6,
  categoryName: 'Application Activity',
};

/** Each event type's class and activity (id and caption, as the class defines them). */
export const OCSF_MAPPING: Record<EventType, { cls: OcsfClass; activityId: number; activityName: string }> = {
  'finding.opened': { cls: DETECTION_FINDING, activityId: 1, activityName: 'Create' },
  'credential.expiring': { cls: DETECTION_FINDING, activityId: 1, activityName: 'Create' },
  'risk.changed': { cls: DETECTION_FINDING, activityId: 2, activityName: 'Update' },
  'finding.resolved': { cls: DETECTION_FINDING, activityId: 3, activityName: 'Close' },
  'identity.added': { cls: ACCOUNT_CHANGE, activityId: 1, activityName: 'Create' },
  'identity.removed': { cls: ACCOUNT_CHANGE, activityId: 6, activityName: 'Delete' },
  'permission.granted': { cls: ACCOUNT_CHANGE, activityId: 7, activityName: 'Attach Policy' },
  'permission.revoked': { cls: ACCOUNT_CHANGE, activityId: 8, activityName: 'Detach Policy' },
  'identity.changed': { cls: ENTITY_MANAGEMENT, activityId: 3, activityName: 'Update' },
  'owner.added': { cls: ENTITY_MANAGEMENT, activityId: 3, activityName: 'Update' },
  'owner.removed': { cls: ENTITY_MANAGEMENT, activityId: 3, activityName: 'Update' },
  'credential.added': { cls: ENTITY_MANAGEMENT, activityId: 1, activityName: 'Create' },
  'credential.removed': { cls: ENTITY_MANAGEMENT, activityId: 4, activityName: 'Delete' },
  'identity.risky': { cls: DETECTION_FINDING, activityId: 1, activityName: 'Create' },
  'identity.compromised': { cls: DETECTION_FINDING, activityId: 2, activityName: 'Update' },
  'identity.risk-cleared': { cls: DETECTION_FINDING, activityId: 3, activityName: 'Close' },
  'risk.detected': { cls: DETECTION_FINDING, activityId: 1, activityName: 'Create' },
  'signin.suspicious': { cls: AUTHENTICATION, activityId: 1, activityName: 'Logon' },
  'scan.finished': { cls: SCAN_ACTIVITY, activityId: 2, activityName: 'Completed' },
};

export interface OcsfOptions {
  /** Lanyard's version, metadata.product.version. */
  version: string;
}

export type OcsfRecord = Record<string, unknown>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Drops undefined members, so records carry no `"x": null` for what Lanyard did not know. */
function compact<T extends Record<string, unknown>>(object: T): T {
  for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
  return object;
}

/** The identity as an OCSF user: uid the object id, uid_alt the application id, org the tenant. */
function user(event: LanyardEvent): OcsfRecord | undefined {
  const s = event.subject;
  if (!s) return undefined;
  return compact({
    uid: s.objectId,
    uid_alt: s.appId,
    name: s.displayName,
    // A workload identity is neither a person nor an admin: Other, with Entra's kind as the label.
    type_id: 99,
    type: s.kind === 'servicePrincipal' ? 'Service Principal' : 'Application',
    org: event.integration ? { uid: event.integration.tenantId, name: event.integration.name } : undefined,
  });
}

/**
 * The finding a finding event is about: the data's `findingId` when the producer gave one, else a key made of
 * what identifies it (check, identity, credential), so that opening, updating and closing one finding share
 * finding_info.uid; the event id as a last resort.
 */
export function findingUid(event: LanyardEvent): string {
  const given = str(event.data.findingId) ?? str(event.data.findingKey);
  if (given) return given;
  const check = str(event.data.checkId) ?? (event.type === 'risk.changed' ? 'risk' : undefined);
  const parts = [check ?? event.type, event.subject?.objectId, event.credential?.keyId].filter(Boolean);
  return parts.length > 1 ? parts.join(':') : event.id;
}

function entityOf(event: LanyardEvent): OcsfRecord {
  if ((event.type === 'credential.added' || event.type === 'credential.removed') && event.credential) {
    return compact({
      uid: event.credential.keyId,
      name: event.credential.displayName ?? undefined,
      type: `credential:${event.credential.type}`,
    });
  }
  const s = event.subject;
  return compact({
    uid: s?.objectId,
    name: s?.displayName,
    type: s ? (s.kind === 'servicePrincipal' ? 'Service Principal' : 'Application') : 'identity',
  });
}

function classFields(event: LanyardEvent, activityId: number): OcsfRecord {
  const { cls } = OCSF_MAPPING[event.type];
  switch (cls.classUid) {
    case 2004:
      return {
        finding_info: compact({
          uid: findingUid(event),
          title: event.summary,
          types: str(event.data.checkId) ? [event.data.checkId] : [event.type],
          analytic: str(event.data.checkId)
            ? { uid: event.data.checkId, name: event.data.checkId, type_id: 1, type: 'Rule' }
            : undefined,
        }),
        status_id: activityId === 3 ? 4 : 1,
        status: activityId === 3 ? 'Resolved' : 'New',
        is_alert: activityId === 1,
        resources: event.subject
          ? [
              compact({
                uid: event.subject.objectId,
                name: event.subject.displayName,
                type: event.subject.kind,
              }),
            ]
          : undefined,
      };
    case 3001: {
      const permission = str(event.data.permission) ?? str(event.data.permissionName);
      const permissionId = str(event.data.permissionId);
      return {
        user: user(event) ?? { uid: 'unknown', type_id: 0 },
        policy:
          activityId === 7 || activityId === 8
            ? compact({ name: permission ?? event.summary, uid: permissionId })
            : undefined,
      };
    }
    case 3002: {
      const outcome = str(event.data.status) ?? str(event.data.result);
      const statusId = outcome === 'success' ? 1 : outcome === 'failure' ? 2 : 0;
      return {
        user: user(event) ?? { uid: 'unknown', type_id: 0 },
        status_id: statusId,
        status: ['Unknown', 'Success', 'Failure'][statusId],
      };
    }
    case 3004:
      return { entity: entityOf(event), comment: event.summary };
    case 6007:
      return {
        scan: compact({
          uid:
            str(event.data.scanId) ??
            (typeof event.data.scanId === 'number' ? String(event.data.scanId) : undefined),
          name: event.integration?.name ?? 'Lanyard scan',
          type_id: 99,
          type: 'Entra workload identity inventory',
        }),
        status_id: 1,
        status: 'Success',
      };
    default:
      return {};
  }
}

/** One event as an OCSF record (a plain object; JSON.stringify it). */
export function toOcsf(event: LanyardEvent, options: OcsfOptions): OcsfRecord {
  const { cls, activityId, activityName } = OCSF_MAPPING[event.type];
  const severity = OCSF_SEVERITY[event.severity];
  return compact({
    class_uid: cls.classUid,
    class_name: cls.className,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: cls.classUid * 100 + activityId,
    type_name: `${cls.className}: ${activityName}`,
    time: Date.parse(event.time),
    timezone_offset: 0,
    severity_id: severity.id,
    severity: severity.caption,
    message: event.summary,
    metadata: compact({
      uid: event.id,
      version: OCSF_VERSION,
      product: { name: 'Lanyard', vendor_name: 'Lanyard', version: options.version },
      event_code: event.type,
      log_name: 'lanyard:event',
      original_time: event.time,
    }),
    ...compact(classFields(event, activityId)),
    unmapped: compact({
      type: event.type,
      severity: event.severity,
      integration: event.integration ?? undefined,
      subject: event.subject,
      credential: event.credential,
      data: event.data,
    }),
  });
}
