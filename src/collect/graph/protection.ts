// The tenant's protections of its workload identities, read as two optional scan parts beside the inventory:
// - `conditional-access-policies`: GET /v1.0/identity/conditionalAccess/policies (Policy.Read.All; Entra ID P1),
//   kept as far as they target service principals (conditions.clientApplications);
// - `risky-service-principals`: GET /v1.0/identityProtection/riskyServicePrincipals
//   (IdentityRiskyServicePrincipal.Read.All) and /servicePrincipalRiskDetections (IdentityRiskEvent.Read.All),
//   both needing Microsoft Entra Workload ID Premium.
// Each is a few requests, so incremental scans read them too. Without the licence Graph answers 403 "Your tenant is
// not licensed for this feature." (`AccessDenied` for Conditional Access, `Forbidden` for ID Protection), without
// the permission 403 "... required scopes are missing in the token.": both stand until someone changes the tenant,
// so the part is unknown (standing) and the scan still succeeds. A complete reading replaces the stored one on
// commit; a part that did not complete leaves it as it was (store/tenant-readings.ts).
import { UpstreamFailed } from '../../core/errors.ts';
import {
  CONDITIONAL_ACCESS_PART,
  type ConditionalAccessPolicy,
  type ConditionalAccessReading,
  RISK_PART,
  type RiskDetection,
  type RiskReading,
  type RiskyServicePrincipal,
} from '../../core/protection.ts';
import type { PartTracker, ScanPart } from '../../core/scan-parts.ts';
import { LicenceMissing } from './graph-errors.ts';
import type { GraphTransport } from './transport.ts';

export const CONDITIONAL_ACCESS_SCAN_PART: Omit<ScanPart, 'complete'> = {
  name: CONDITIONAL_ACCESS_PART,
  kind: 'servicePrincipal',
  aspect: 'tenant',
  optional: true,
};
export const RISK_SCAN_PART: Omit<ScanPart, 'complete'> = {
  name: RISK_PART,
  kind: 'servicePrincipal',
  aspect: 'tenant',
  optional: true,
};

/** Least privileged application permissions (Graph API reference, conditionalaccessroot-list-policies etc.). */
export const CONDITIONAL_ACCESS_PERMISSION = 'Policy.Read.All';
export const RISKY_SERVICE_PRINCIPAL_PERMISSION = 'IdentityRiskyServicePrincipal.Read.All';
export const RISK_DETECTION_PERMISSION = 'IdentityRiskEvent.Read.All';

const POLICIES_URL = '/identity/conditionalAccess/policies?$select=id,displayName,state,conditions';
const RISKY_URL = '/identityProtection/riskyServicePrincipals';
const DETECTIONS_URL = '/identityProtection/servicePrincipalRiskDetections';

/** A tenant-wide reading of one part, stored whole on commit when the part completed. */
export interface TenantReading {
  part: string;
  data: ConditionalAccessReading | RiskReading;
}

type Reader = Pick<GraphTransport, 'pages'>;

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** An item without an id is a malformed answer: failing the part beats reading it as "not risky". */
function idOf(item: Record<string, unknown>, what: string): string {
  const id = text(item.id);
  if (!id) throw new UpstreamFailed(`Graph answered ${what} with an item that has no id`);
  return id;
}

/** Names the licence Graph refused for, in place of its generic wording. */
async function licensed<T>(licence: string, what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof LicenceMissing)) throw error;
    throw new LicenceMissing(`the tenant has no ${licence} licence, which Graph needs for ${what}`, {
      cause: error,
      fix: `license the tenant for ${licence}; until then this stays unknown, never "none"`,
    });
  }
}

async function readAll(
  transport: Reader,
  url: string,
  options: { signal: AbortSignal; permission: string; onRead?: ((count: number) => void) | undefined },
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of transport.pages<Record<string, unknown>>(url, {
    signal: options.signal,
    permission: options.permission,
  })) {
    items.push(...page);
    options.onRead?.(page.length);
  }
  return items;
}

export function policyOf(item: Record<string, unknown>): ConditionalAccessPolicy {
  const conditions = (item.conditions ?? {}) as Record<string, unknown>;
  const clients = (conditions.clientApplications ?? {}) as Record<string, unknown>;
  const filter = (clients.servicePrincipalFilter ?? null) as { mode?: unknown } | null;
  const mode = filter?.mode === 'include' || filter?.mode === 'exclude' ? filter.mode : null;
  return {
    id: idOf(item, 'the Conditional Access policies'),
    displayName: text(item.displayName) ?? '',
    state: text(item.state) ?? 'disabled',
    includeServicePrincipals: texts(clients.includeServicePrincipals),
    excludeServicePrincipals: texts(clients.excludeServicePrincipals),
    servicePrincipalFilter: mode,
  };
}

function riskyOf(item: Record<string, unknown>): RiskyServicePrincipal {
  return {
    id: idOf(item, 'the risky service principals'),
    appId: text(item.appId),
    displayName: text(item.displayName),
    riskLevel: text(item.riskLevel) ?? 'none',
    riskState: text(item.riskState) ?? 'none',
    riskDetail: text(item.riskDetail),
    riskLastUpdatedDateTime: text(item.riskLastUpdatedDateTime),
  };
}

function detectionOf(item: Record<string, unknown>): RiskDetection {
  return {
    id: idOf(item, 'the service principal risk detections'),
    servicePrincipalId: text(item.servicePrincipalId),
    appId: text(item.appId),
    servicePrincipalDisplayName: text(item.servicePrincipalDisplayName),
    riskEventType: text(item.riskEventType),
    riskLevel: text(item.riskLevel),
    riskState: text(item.riskState),
    detectedDateTime: text(item.detectedDateTime),
    activityDateTime: text(item.activityDateTime),
    ipAddress: text(item.ipAddress),
    keyIds: texts(item.keyIds),
  };
}

export async function readConditionalAccess(
  transport: Reader,
  signal: AbortSignal,
  onRead?: (count: number) => void,
): Promise<ConditionalAccessReading> {
  const items = await licensed('Microsoft Entra ID P1', 'Conditional Access policies', () =>
    readAll(transport, POLICIES_URL, { signal, permission: CONDITIONAL_ACCESS_PERMISSION, onRead }),
  );
  // Only what targets service principals is kept: user policies say nothing about workloads.
  const policies = items
    .map(policyOf)
    .filter(
      (p) =>
        p.includeServicePrincipals.length || p.excludeServicePrincipals.length || p.servicePrincipalFilter,
    );
  return { policies };
}

export async function readRisk(
  transport: Reader,
  signal: AbortSignal,
  onRead?: (count: number) => void,
): Promise<RiskReading> {
  const licence = 'Microsoft Entra Workload ID Premium';
  const [risky, detections] = await Promise.all([
    licensed(licence, 'risky service principals', () =>
      readAll(transport, RISKY_URL, { signal, permission: RISKY_SERVICE_PRINCIPAL_PERMISSION, onRead }),
    ),
    licensed(licence, 'service principal risk detections', () =>
      readAll(transport, DETECTIONS_URL, { signal, permission: RISK_DETECTION_PERMISSION, onRead }),
    ),
  ]);
  return { servicePrincipals: risky.map(riskyOf), detections: detections.map(detectionOf) };
}

/**
 * Declares both parts and starts their reads; each reading completes its part. The caller turns a failure into
 * the part's outcome as it does for its other optional parts (a standing one for a missing permission or licence).
 */
export function startProtectionReads(options: {
  transport: Reader;
  signal: AbortSignal;
  parts: PartTracker;
  onRead?: (part: string, count: number) => void;
}): { name: string; reading: Promise<TenantReading> }[] {
  const { transport, signal, parts } = options;
  const start = <T extends TenantReading['data']>(
    part: Omit<ScanPart, 'complete'>,
    read: (onRead: (count: number) => void) => Promise<T>,
  ) => {
    parts.declare(part);
    const reading = read((count) => options.onRead?.(part.name, count)).then((data) => {
      parts.complete(part.name);
      return { part: part.name, data };
    });
    return { name: part.name, reading };
  };
  return [
    start(CONDITIONAL_ACCESS_SCAN_PART, (onRead) => readConditionalAccess(transport, signal, onRead)),
    start(RISK_SCAN_PART, (onRead) => readRisk(transport, signal, onRead)),
  ];
}
