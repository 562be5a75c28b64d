// The applications and service principals the directory audit log names since a time: what an incremental
// scan learns of the changes delta does not report. Owners and federated credentials are navigation
// properties, which delta does not track (delta overview, "Navigation properties"; neither delta page
// documents a way to select them), and certificates are left out of delta's $select (delta.ts); every one of
// these changes is an ApplicationManagement activity in the audit log (facts §6.4).
//
// Read from the log: `activityDateTime ge` the previous reading's start, less the log's lag, and `category eq
// 'ApplicationManagement'` (what the portal filters by; a Graph that refuses it is read without, and filtered
// here). Every Application or ServicePrincipal target counts, and so do the `Application.ObjectID` /
// `ServicePrincipal.ObjectID` modified properties: owner records name the owner as their target and the
// object it owns only there (field reports). Which activity records a federated credential is unconfirmed
// (facts §6.4), so no activity name is relied on.
import { QueryRefused } from './graph-errors.ts';
import type { GraphTransport } from './transport.ts';

/** directoryaudit-list: AuditLog.Read.All and Directory.Read.All together (application permissions). */
export const AUDIT_PERMISSION = 'AuditLog.Read.All and Directory.Read.All';
/**
 * Audit records reach the log some minutes after the change (sign-ins, hours at worst): each reading starts this
 * long before the previous one began. Reading a change twice only reads its object again.
 */
export const AUDIT_LAG_MS = 2 * 60 * 60 * 1000;
/** Entra ID Free keeps audit logs 7 days (facts §6.5): a reading reaching further back may have lost some. */
export const AUDIT_RETENTION_MS = 7 * 86_400_000;

const CATEGORY = 'ApplicationManagement';

interface WireTarget {
  id?: string | null;
  type?: string | null;
  modifiedProperties?: Array<{
    displayName?: string | null;
    oldValue?: string | null;
    newValue?: string | null;
  }>;
}
interface WireAudit {
  category?: string | null;
  targetResources?: WireTarget[] | null;
}

export interface AuditedChanges {
  applications: Set<string>;
  servicePrincipals: Set<string>;
  records: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A modified property's value: JSON (`"\"<id>\""`) or plain. */
function idIn(value: string | null | undefined): string | null {
  if (!value) return null;
  let text = value;
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed === 'string') text = parsed;
  } catch {}
  const id = text.replace(/^"+|"+$/g, '').trim();
  return GUID.test(id) ? id.toLowerCase() : null;
}

function note(changes: AuditedChanges, audit: WireAudit): void {
  if (audit.category && audit.category !== CATEGORY) return;
  for (const target of audit.targetResources ?? []) {
    const id = typeof target.id === 'string' && GUID.test(target.id) ? target.id.toLowerCase() : null;
    if (id && target.type === 'Application') changes.applications.add(id);
    if (id && target.type === 'ServicePrincipal') changes.servicePrincipals.add(id);
    for (const property of target.modifiedProperties ?? []) {
      const name = property.displayName ?? '';
      const named = idIn(property.newValue) ?? idIn(property.oldValue);
      if (!named) continue;
      if (name === 'Application.ObjectID') changes.applications.add(named);
      if (name === 'ServicePrincipal.ObjectID') changes.servicePrincipals.add(named);
    }
  }
}

const auditsUrl = (since: Date, byCategory: boolean) => {
  const filter = `activityDateTime ge ${since.toISOString()}${byCategory ? ` and category eq '${CATEGORY}'` : ''}`;
  return `/auditLogs/directoryAudits?$filter=${encodeURIComponent(filter)}&$top=999`;
};

/** Reads the audit log since `since`; throws PermissionMissing when the reader may not (the caller reads in full). */
export async function readAuditedChanges(
  transport: Pick<GraphTransport, 'pages'>,
  options: { since: Date; signal: AbortSignal; onPage?: (records: number) => void },
): Promise<AuditedChanges> {
  for (const byCategory of [true, false]) {
    const changes: AuditedChanges = { applications: new Set(), servicePrincipals: new Set(), records: 0 };
    try {
      for await (const page of transport.pages<WireAudit>(auditsUrl(options.since, byCategory), {
        signal: options.signal,
        permission: AUDIT_PERMISSION,
      })) {
        changes.records += page.length;
        for (const audit of page) note(changes, audit);
        options.onPage?.(page.length);
      }
      return changes;
    } catch (error) {
      // A Graph that refuses the category filter (undocumented on the resource page) is read without it.
      if (!(error instanceof QueryRefused) || !byCategory) throw error;
    }
  }
  throw new Error('unreachable');
}
