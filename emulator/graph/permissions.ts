// Which application permissions (the token's `roles`) allow each route, least privileged first, as the
// permission tables of Graph's API reference list them for application access.
import { graphErrors } from './errors.ts';
import { protectionErrors } from './protection-routes.ts';
import type { Route } from './routes.ts';

const APPLICATIONS = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;
const USERS = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;
const ORGANIZATION = [
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;
const DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All'] as const;
/** List oauth2PermissionGrants (Graph API reference, application permissions). */
const GRANTS = [
  'Directory.Read.All',
  'DelegatedPermissionGrant.ReadWrite.All',
  'Directory.ReadWrite.All',
] as const;
/** roleManagement/directory (facts §5.8). */
const ROLE_MANAGEMENT = [
  'RoleManagement.Read.Directory',
  'RoleManagement.Read.All',
  'Directory.Read.All',
  'RoleManagement.ReadWrite.Directory',
  'Directory.ReadWrite.All',
] as const;
/**
 * roleManagement/directory/roleEligibilityScheduleInstances: the API reference lists no Directory.*
 * permission (DC rbacapplication-list-roleeligibilityscheduleinstances.md, application permissions).
 */
const ROLE_ELIGIBILITY = [
  'RoleEligibilitySchedule.Read.Directory',
  'RoleEligibilitySchedule.ReadWrite.Directory',
  'RoleManagement.Read.All',
  'RoleManagement.Read.Directory',
  'RoleManagement.ReadWrite.Directory',
] as const;
/** beta sign-in activity reports (facts §6.1, §6.2). */
const ACTIVITY_REPORTS = ['AuditLog.Read.All', 'Directory.Read.All'] as const;
/**
 * auditLogs/directoryAudits: AuditLog.Read.All *and* Directory.Read.All (directoryaudit-list, application
 * permissions: both are least privileged together); checked in assertAllowed.
 */
const AUDIT_LOGS = ['AuditLog.Read.All'] as const;
const AUDIT_LOGS_ALSO = ['Directory.Read.All', 'Directory.ReadWrite.All'] as const;
/** auditLogs/signIns: AuditLog.Read.All (signin-list; older pages also asked for Directory.Read.All). */
const SIGN_IN_LOGS = ['AuditLog.Read.All'] as const;

/** Conditional Access policies: Policy.Read.All, no higher one listed (conditionalaccessroot-list-policies). */
const CONDITIONAL_ACCESS = ['Policy.Read.All'] as const;
/** riskyServicePrincipal list (identityprotectionroot-list-riskyserviceprincipals). */
const RISKY_SERVICE_PRINCIPALS = [
  'IdentityRiskyServicePrincipal.Read.All',
  'IdentityRiskyServicePrincipal.ReadWrite.All',
] as const;
/** servicePrincipalRiskDetection list: IdentityRiskEvent.Read.All (identityprotectionroot-list-serviceprincipalriskdetections). */
const RISK_EVENTS = ['IdentityRiskEvent.Read.All'] as const;

/** Whether the caller may read objects of this type in full where a directoryObject collection holds them. */
export function mayReadType(type: 'user' | 'servicePrincipal' | 'application', roles: readonly string[]) {
  const allowing: readonly string[] = type === 'user' ? USERS : APPLICATIONS;
  return allowing.some((r) => roles.includes(r));
}

/** Roles any one of which allows the route; empty for $batch (its items are checked one by one). */
export function rolesAllowing(route: Route): readonly string[] {
  switch (route.kind) {
    case 'batch':
      return [];
    case 'organization':
      return ORGANIZATION;
    case 'getByIds':
      return DIRECTORY;
    case 'federatedIdentityCredentials':
    case 'appRoleAssignments':
      return APPLICATIONS;
    case 'oauth2PermissionGrants':
      return GRANTS;
    case 'roleDefinitions':
    case 'roleAssignments':
      return ROLE_MANAGEMENT;
    case 'roleEligibilityScheduleInstances':
      return ROLE_ELIGIBILITY;
    case 'signInActivities':
      return ACTIVITY_REPORTS;
    case 'signIns':
      return SIGN_IN_LOGS;
    case 'directoryAudits':
      return AUDIT_LOGS;
    case 'conditionalAccessPolicies':
      return CONDITIONAL_ACCESS;
    case 'riskyServicePrincipals':
      return RISKY_SERVICE_PRINCIPALS;
    case 'servicePrincipalRiskDetections':
      return RISK_EVENTS;
    default:
      return route.collection === 'users' ? USERS : APPLICATIONS;
  }
}

export function assertAllowed(route: Route, roles: readonly string[]): void {
  const allowing = rolesAllowing(route);
  if (allowing.length > 0 && !allowing.some((r) => roles.includes(r))) {
    // These workloads answer in their own words, not the directory's Authorization_RequestDenied.
    if (route.kind === 'conditionalAccessPolicies') throw protectionErrors.conditionalAccessScopeMissing();
    if (route.kind === 'riskyServicePrincipals' || route.kind === 'servicePrincipalRiskDetections')
      throw protectionErrors.identityProtectionScopeMissing();
    throw graphErrors.insufficientPrivileges();
  }
  if (route.kind === 'directoryAudits' && !AUDIT_LOGS_ALSO.some((r) => roles.includes(r)))
    throw graphErrors.insufficientPrivileges();
}
