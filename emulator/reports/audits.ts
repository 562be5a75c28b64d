// `auditLogs/directoryAudits`: the directory audit log (facts §6.4) of what the tenant's mutation helpers
// recorded (tenant/mutate.ts), newest first, kept as long as the licence keeps audit logs (facts §6.5: Free 7
// days, P1/P2 30). Audit logs need no premium licence. Draws on the reports limit like every auditLogs path.

import { compileFilter, type FilterTable } from '../graph/filter.ts';
import { listingView, pageList, singleItem } from '../graph/list-page.ts';
import type { ReadContext, ReadResult } from '../graph/read-context.ts';
import type { AuditEntry } from '../tenant/changes.ts';
import { changeLogOf } from '../tenant/changes.ts';
import { DAY, isoMillis } from '../tenant/random.ts';
import { discoverDirectChanges } from '../tenant/shadow.ts';
import { licenceOf } from './sign-ins.ts';

/** Audit log retention in days by licence (facts §6.5). */
const AUDIT_RETENTION_DAYS = { none: 7, p1: 30, p2: 30 } as const;

/**
 * `$filter` on directoryAudit: activityDateTime eq/ge/le, activityDisplayName eq/startswith, loggedByService eq
 * and correlationId eq (directoryAudit resource page); category eq is what the portal filters by (not listed
 * on the resource page: our choice to serve it, a client should cope without it).
 */
const AUDIT_FILTER: FilterTable = {
  resource: 'DirectoryAudit',
  properties: [
    { name: 'id', kind: 'string', ops: ['eq'] },
    { name: 'activityDateTime', kind: 'datetime', ops: ['eq', 'ge', 'le'] },
    { name: 'activityDisplayName', kind: 'string', ops: ['eq', 'startswith'] },
    { name: 'category', kind: 'string', ops: ['eq'] },
    { name: 'loggedByService', kind: 'string', ops: ['eq'] },
  ],
};

function auditObject(x: ReadContext, entry: AuditEntry): Record<string, unknown> {
  return {
    id: entry.id,
    category: 'ApplicationManagement',
    correlationId: entry.id,
    result: 'success',
    resultReason: '',
    activityDisplayName: entry.activity,
    activityDateTime: isoMillis(entry.time),
    loggedByService: 'Core Directory',
    operationType: entry.operationType,
    initiatedBy: { app: null, user: initiator(x) },
    targetResources: entry.targets.map((t) => ({
      id: t.id,
      displayName: t.displayName,
      type: t.type,
      userPrincipalName: null,
      groupType: null,
      modifiedProperties: t.modifiedProperties,
    })),
    additionalDetails: [],
  };
}

/** The tenant's first user stands for the administrator who made every change. */
function initiator(x: ReadContext): Record<string, unknown> | null {
  const user = x.tenant.users.values().next().value;
  if (!user) return null;
  return {
    id: user.id,
    displayName: null,
    userPrincipalName: user.userPrincipalName ?? null,
    ipAddress: '203.0.113.10',
  };
}

export function listDirectoryAudits(x: ReadContext, id: string | undefined): ReadResult {
  // Edits made to the tenant without mutate.ts are recorded first (tenant/shadow.ts).
  if (x.query.skiptoken === undefined) discoverDirectChanges(x.tenant, x.now);
  const cutoff = x.now - AUDIT_RETENTION_DAYS[licenceOf(x.tenant)] * DAY;
  const kept = () => changeLogOf(x.tenant).audits.filter((e) => e.time >= cutoff);
  if (id !== undefined) {
    const found = kept().find((e) => e.id === id);
    return singleItem(x, 'auditLogs/directoryAudits', 'directoryAudit', id, found && auditObject(x, found));
  }
  const items = listingView(x, () => {
    // Newest first, as the portal and Graph list them.
    const all = kept().reverse();
    if (!x.query.filter) return all;
    const { predicate } = compileFilter(x.query.filter, AUDIT_FILTER, x.query);
    return all.filter((e) =>
      predicate({
        id: e.id,
        activityDateTime: isoMillis(e.time),
        activityDisplayName: e.activity,
        category: 'ApplicationManagement',
        loggedByService: 'Core Directory',
      }),
    );
  });
  // Page size of directoryAudits is not documented: the directory default of 100, `$top` up to 999.
  return pageList(x, {
    fragment: 'auditLogs/directoryAudits',
    type: 'directoryAudit',
    items,
    idOf: (e) => e.id,
    toObject: (e) => auditObject(x, e),
  });
}
