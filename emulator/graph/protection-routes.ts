// Conditional Access policies and Entra ID Protection's risky service principals and risk detections, in their v1.0
// shapes (conditionalAccessPolicy, riskyServicePrincipal, servicePrincipalRiskDetection), paged with nextLink.
// Unlicensed tenants get what Graph answers them: 403 with "Your tenant is not licensed for this feature."
// (`AccessDenied` for Conditional Access, `Forbidden` for ID Protection, as field reports quote them: Conditional
// Access needs Entra ID P1, the risk APIs Workload ID Premium per their API pages). Not confirmed: that listing the
// policies is refused with the same body; the one captured (a public test file) came from creating a policy.
import { licenceOf } from '../reports/sign-ins.ts';
import type {
  StoredConditionalAccessPolicy,
  StoredRiskDetection,
  StoredRiskyServicePrincipal,
} from '../tenant/protection.ts';
import { GraphError } from './errors.ts';
import { listingView, pageList, singleItem } from './list-page.ts';
import type { ReadContext, ReadResult } from './read-context.ts';

const NOT_LICENSED = 'Your tenant is not licensed for this feature.';
export const protectionErrors = {
  conditionalAccessNotLicensed: () =>
    new GraphError(403, 'AccessDenied', `${NOT_LICENSED} Please upgrade your subscription to access it.`),
  identityProtectionNotLicensed: () => new GraphError(403, 'Forbidden', NOT_LICENSED),
  // The newer workloads' wording for a token without the permission (not the directory's Authorization_RequestDenied).
  conditionalAccessScopeMissing: () =>
    new GraphError(
      403,
      'AccessDenied',
      'You cannot perform the requested operation, required scopes are missing in the token.',
    ),
  identityProtectionScopeMissing: () =>
    new GraphError(
      403,
      'Forbidden',
      'You cannot perform the requested operation, required scopes are missing in the token.',
    ),
};

export function policyObject(p: StoredConditionalAccessPolicy): Record<string, unknown> {
  return {
    id: p.id,
    templateId: null,
    displayName: p.displayName,
    createdDateTime: p.createdDateTime,
    modifiedDateTime: null,
    state: p.state,
    sessionControls: null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: ['all'],
      servicePrincipalRiskLevels: p.control === 'risk' ? ['high'] : [],
      platforms: null,
      devices: null,
      applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [] },
      users: p.forUsers
        ? {
            includeUsers: [],
            excludeUsers: [],
            includeGroups: [],
            excludeGroups: [],
            includeRoles: ['62e90394-69f5-4237-9190-012177145e10'],
            excludeRoles: [],
          }
        : {
            includeUsers: ['None'],
            excludeUsers: [],
            includeGroups: [],
            excludeGroups: [],
            includeRoles: [],
            excludeRoles: [],
          },
      locations:
        p.control === 'location' ? { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } : null,
      clientApplications: p.forUsers
        ? null
        : {
            includeServicePrincipals: p.includeServicePrincipals,
            excludeServicePrincipals: p.excludeServicePrincipals,
            servicePrincipalFilter: null,
          },
    },
    grantControls: {
      operator: 'OR',
      builtInControls: ['block'],
      customAuthenticationFactors: [],
      termsOfUse: [],
    },
  };
}

function riskyObject(r: StoredRiskyServicePrincipal): Record<string, unknown> {
  return {
    id: r.id,
    appId: r.appId,
    displayName: r.displayName,
    isEnabled: true,
    isProcessing: false,
    riskLastUpdatedDateTime: r.riskLastUpdatedDateTime,
    riskLevel: r.riskLevel,
    riskState: r.riskState,
    riskDetail: r.riskDetail,
    servicePrincipalType: 'Application',
  };
}

function detectionObject(d: StoredRiskDetection): Record<string, unknown> {
  return {
    id: d.id,
    requestId: null,
    correlationId: null,
    riskEventType: d.riskEventType,
    riskState: d.riskState,
    riskLevel: d.riskLevel,
    riskDetail: 'none',
    source: 'IdentityProtection',
    detectionTimingType: 'offline',
    activity: 'servicePrincipal',
    tokenIssuerType: 'AzureAD',
    ipAddress: d.ipAddress,
    location: null,
    activityDateTime: d.activityDateTime,
    detectedDateTime: d.detectedDateTime,
    lastUpdatedDateTime: d.lastUpdatedDateTime,
    servicePrincipalId: d.servicePrincipalId,
    servicePrincipalDisplayName: d.servicePrincipalDisplayName,
    appId: d.appId,
    keyIds: d.keyIds,
    additionalInfo: '[]',
  };
}

/** Conditional Access needs Entra ID P1 or P2 (checked after the permission, as for the sign-in reports). */
export function listConditionalAccessPolicies(x: ReadContext, id: string | undefined): ReadResult {
  if (licenceOf(x.tenant) === 'none') throw protectionErrors.conditionalAccessNotLicensed();
  const stored = x.tenant.protection?.conditionalAccessPolicies ?? [];
  const fragment = 'identity/conditionalAccess/policies';
  const type = 'conditionalAccessPolicy';
  if (id !== undefined) {
    const found = stored.find((p) => p.id === id);
    return singleItem(x, fragment, type, id, found && policyObject(found));
  }
  const items = listingView(x, () => stored.map(policyObject));
  return pageList(x, { fragment, type, items, idOf: (p) => String(p.id), toObject: (p) => p });
}

export function listRiskyServicePrincipals(x: ReadContext, id: string | undefined): ReadResult {
  if (!x.tenant.workloadIdentitiesPremium) throw protectionErrors.identityProtectionNotLicensed();
  const stored = x.tenant.protection?.riskyServicePrincipals ?? [];
  const fragment = 'identityProtection/riskyServicePrincipals';
  const type = 'riskyServicePrincipal';
  if (id !== undefined) {
    const found = stored.find((r) => r.id === id);
    return singleItem(x, fragment, type, id, found && riskyObject(found));
  }
  const items = listingView(x, () => stored.map(riskyObject));
  return pageList(x, { fragment, type, items, idOf: (r) => String(r.id), toObject: (r) => r });
}

export function listRiskDetections(x: ReadContext, id: string | undefined): ReadResult {
  if (!x.tenant.workloadIdentitiesPremium) throw protectionErrors.identityProtectionNotLicensed();
  const stored = x.tenant.protection?.riskDetections ?? [];
  const fragment = 'identityProtection/servicePrincipalRiskDetections';
  const type = 'servicePrincipalRiskDetection';
  if (id !== undefined) {
    const found = stored.find((d) => d.id === id);
    return singleItem(x, fragment, type, id, found && detectionObject(found));
  }
  const items = listingView(x, () => stored.map(detectionObject));
  return pageList(x, { fragment, type, items, idOf: (d) => String(d.id), toObject: (d) => d });
}
