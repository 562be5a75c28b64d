// What the tenant does to protect its workload identities, beyond the identities themselves: the Conditional Access
// policies that can cover service principals, and what Entra ID Protection says about their risk. Both are
// tenant-wide readings of optional, licence-dependent scan parts, kept apart from the identities' versions
// (store: tenant_readings), and read by the checks through CheckSubject.protection. Pure.

/** The scan parts that read them (names are stable: stored readings are keyed by them). */
export const CONDITIONAL_ACCESS_PART = 'conditional-access-policies';
export const RISK_PART = 'risky-service-principals';

/** Graph's `ServicePrincipalsInMyTenant`: every service principal the policy may cover (conditionalAccessClientApplications). */
export const ALL_SERVICE_PRINCIPALS = 'ServicePrincipalsInMyTenant';

/** One Conditional Access policy as far as workload identities go (conditionalAccessPolicy, clientApplications). */
export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  /** `enabledForReportingButNotEnforced` is report-only: it enforces nothing. */
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced' | string;
  /** Service principal object ids, or ServicePrincipalsInMyTenant; empty when the policy is about users. */
  includeServicePrincipals: string[];
  excludeServicePrincipals: string[];
  /**
   * The mode of a custom-security-attribute filter on service principals (`servicePrincipalFilter`), null when
   * none: Lanyard does not read custom security attributes, so such a filter makes coverage undecidable.
   */
  servicePrincipalFilter: 'include' | 'exclude' | null;
}

export interface ConditionalAccessReading {
  policies: ConditionalAccessPolicy[];
}

/** riskyServicePrincipal, as far as Lanyard keeps it. */
export interface RiskyServicePrincipal {
  /** The service principal's object id (riskyServicePrincipal.id is the service principal's id). */
  id: string;
  appId: string | null;
  displayName: string | null;
  /** low, medium, high, hidden, none. */
  riskLevel: string;
  /** none, confirmedSafe, remediated, dismissed, atRisk, confirmedCompromised, unknownFutureValue. */
  riskState: string;
  riskDetail: string | null;
  riskLastUpdatedDateTime: string | null;
}

/** servicePrincipalRiskDetection, as far as Lanyard keeps it (no sign-in secrets: Graph holds none here). */
export interface RiskDetection {
  id: string;
  servicePrincipalId: string | null;
  appId: string | null;
  servicePrincipalDisplayName: string | null;
  riskEventType: string | null;
  riskLevel: string | null;
  riskState: string | null;
  detectedDateTime: string | null;
  activityDateTime: string | null;
  ipAddress: string | null;
  /** The credentials the detection names (leaked credentials), by keyId. */
  keyIds: string[];
}

export interface RiskReading {
  servicePrincipals: RiskyServicePrincipal[];
  detections: RiskDetection[];
}

/** A stored reading: the last complete one, and the one it replaced (to tell what changed between them). */
export interface StoredReading<T> {
  scanId: number;
  readAt: string;
  data: T;
  previous: { scanId: number; readAt: string; data: T } | null;
}

/** The protection facts of the tenant as the checks see them: null when the part was never read (unknown). */
export interface WorkloadProtection {
  conditionalAccess: ConditionalAccessReading | null;
  risk: RiskReading | null;
}

export const NO_PROTECTION_READ: WorkloadProtection = { conditionalAccess: null, risk: null };

/** Whether Entra ID Protection holds the service principal at risk now. */
export const isRisky = (riskState: string | null | undefined): boolean =>
  riskState === 'atRisk' || riskState === 'confirmedCompromised';

export interface Coverage {
  /** Enabled policies that certainly cover it. */
  covering: ConditionalAccessPolicy[];
  /** Enabled policies whose custom-security-attribute filter decides whether they cover it. */
  undecided: ConditionalAccessPolicy[];
}

/**
 * Which enabled policies cover a service principal: included by id or by ServicePrincipalsInMyTenant and not
 * excluded by id. Report-only and disabled policies enforce nothing, so they never cover. A filter on custom
 * security attributes can add (include mode) or remove (exclude mode) it: Lanyard cannot tell, so undecided.
 */
export function coverageOf(policies: readonly ConditionalAccessPolicy[], objectId: string): Coverage {
  const id = objectId.toLowerCase();
  const covering: ConditionalAccessPolicy[] = [];
  const undecided: ConditionalAccessPolicy[] = [];
  for (const policy of policies) {
    if (policy.state !== 'enabled') continue;
    if (policy.excludeServicePrincipals.some((x) => x.toLowerCase() === id)) continue;
    const included = policy.includeServicePrincipals.some(
      (x) => x === ALL_SERVICE_PRINCIPALS || x.toLowerCase() === id,
    );
    if (included && policy.servicePrincipalFilter !== 'exclude') covering.push(policy);
    else if (included || policy.servicePrincipalFilter === 'include') undecided.push(policy);
  }
  return { covering, undecided };
}

export type RiskTransition = 'became-risky' | 'became-compromised' | 'cleared';

/**
 * How a service principal's risk moved from one reading to the next: became at risk, was confirmed compromised,
 * or left either (remediated, dismissed, confirmed safe, or gone from the list). Unchanged states say nothing.
 */
export function riskTransitions(
  previous: readonly RiskyServicePrincipal[],
  current: readonly RiskyServicePrincipal[],
): { transition: RiskTransition; servicePrincipal: RiskyServicePrincipal; from: string }[] {
  const before = new Map(previous.map((sp) => [sp.id.toLowerCase(), sp]));
  const now = new Map(current.map((sp) => [sp.id.toLowerCase(), sp]));
  const out: { transition: RiskTransition; servicePrincipal: RiskyServicePrincipal; from: string }[] = [];
  for (const [id, sp] of now) {
    const from = before.get(id)?.riskState ?? 'none';
    if (from === sp.riskState) continue;
    if (sp.riskState === 'confirmedCompromised')
      out.push({ transition: 'became-compromised', servicePrincipal: sp, from });
    else if (sp.riskState === 'atRisk' && from !== 'confirmedCompromised')
      out.push({ transition: 'became-risky', servicePrincipal: sp, from });
    else if (isRisky(from) && !isRisky(sp.riskState))
      out.push({ transition: 'cleared', servicePrincipal: sp, from });
  }
  // Gone from the list while risky: Entra no longer holds it at risk (or the principal was deleted).
  for (const [id, sp] of before) {
    if (!now.has(id) && isRisky(sp.riskState))
      out.push({ transition: 'cleared', servicePrincipal: { ...sp, riskState: 'none' }, from: sp.riskState });
  }
  return out;
}

/** Detections of the current reading that the previous one did not hold: each is announced once. */
export function newDetections(
  previous: readonly RiskDetection[] | null,
  current: readonly RiskDetection[],
): RiskDetection[] {
  const seen = new Set((previous ?? []).map((d) => d.id));
  return current.filter((d) => !seen.has(d.id));
}
