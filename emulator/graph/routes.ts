// Maps a Graph path (after /v1.0 or /beta) to the route it names, or to Graph's 400 for the first segment
// it cannot resolve. Graph resolves segment names case-insensitively.
import { graphErrors } from './errors.ts';
import type { GraphVersion } from './schema.ts';

export type CollectionName = 'applications' | 'servicePrincipals' | 'users';

export interface ObjectKey {
  by: 'id' | 'appId';
  value: string;
}

export type Route =
  | { kind: 'organization'; id?: string }
  | { kind: 'list'; collection: CollectionName }
  /** `applications/delta` and `servicePrincipals/delta` (also `microsoft.graph.delta`, with or without `()`). */
  | { kind: 'delta'; collection: 'applications' | 'servicePrincipals' }
  | { kind: 'count'; collection: CollectionName }
  | { kind: 'get'; collection: CollectionName; key: ObjectKey }
  | { kind: 'owners'; collection: 'applications' | 'servicePrincipals'; key: ObjectKey }
  | { kind: 'federatedIdentityCredentials'; key: ObjectKey; credentialId?: string }
  | { kind: 'getByIds' }
  | { kind: 'batch' }
  /** `servicePrincipals/{id}/appRoleAssignedTo` (resource side) or `/appRoleAssignments` (holder side). */
  | { kind: 'appRoleAssignments'; direction: 'assignedTo' | 'assignments'; key: ObjectKey }
  | { kind: 'oauth2PermissionGrants'; id?: string }
  | { kind: 'roleDefinitions'; id?: string }
  | { kind: 'roleAssignments'; id?: string }
  /** Eligible directory roles (PIM): `roleManagement/directory/roleEligibilityScheduleInstances`. */
  | { kind: 'roleEligibilityScheduleInstances'; id?: string }
  /** beta `reports/servicePrincipalSignInActivities` and `reports/appCredentialSignInActivities`. */
  | { kind: 'signInActivities'; report: 'servicePrincipal' | 'appCredential'; id?: string }
  | { kind: 'signIns'; id?: string }
  /** `auditLogs/directoryAudits`: the directory audit log (facts §6.4). */
  | { kind: 'directoryAudits'; id?: string }
  /** `identity/conditionalAccess/policies`. */
  | { kind: 'conditionalAccessPolicies'; id?: string }
  /** `identityProtection/riskyServicePrincipals` and `identityProtection/servicePrincipalRiskDetections`. */
  | { kind: 'riskyServicePrincipals'; id?: string }
  | { kind: 'servicePrincipalRiskDetections'; id?: string };

/** `/delta` is a shortcut for the fully qualified `/microsoft.graph.delta` that SDKs send (delta overview). */
const DELTA_SEGMENT = /^(microsoft\.graph\.)?delta(\(\))?$/i;

const COLLECTIONS: Record<string, CollectionName> = {
  applications: 'applications',
  serviceprincipals: 'servicePrincipals',
  users: 'users',
};

/** Path segments after the version, decoded; an undecodable segment is an unknown one. */
export function pathSegments(pathAfterVersion: string): string[] {
  return pathAfterVersion
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw graphErrors.segmentNotFound(s);
      }
    });
}

/** Identity and access reports (facts §1.3) have their own limit, whatever the route. */
export function isReportsPath(segments: readonly string[]): boolean {
  const first = segments[0]?.toLowerCase();
  return first === 'auditlogs' || first === 'reports';
}

function expectMethod(method: string, wanted: 'GET' | 'POST'): void {
  if (method !== wanted) throw graphErrors.methodNotAllowed();
}

/** `roleManagement/directory/{segment}`, by lower-cased segment. */
const ROLE_MANAGEMENT_ROUTES = new Map<
  string,
  'roleDefinitions' | 'roleAssignments' | 'roleEligibilityScheduleInstances'
>([
  ['roledefinitions', 'roleDefinitions'],
  ['roleassignments', 'roleAssignments'],
  ['roleeligibilityscheduleinstances', 'roleEligibilityScheduleInstances'],
]);

/** Grants, directory roles and sign-in reports: the routes under a first segment other than a collection. */
function matchAccessRoute(lower: string, rest: readonly string[], version: GraphVersion): Route | null {
  const id = (at: number) => (rest[at] === undefined ? {} : { id: rest[at] });
  if (lower === 'oauth2permissiongrants' && rest.length <= 1)
    return { kind: 'oauth2PermissionGrants', ...id(0) };
  if (lower === 'rolemanagement') {
    if (rest[0]?.toLowerCase() !== 'directory') throw graphErrors.segmentNotFound(rest[0] ?? lower);
    const kind = ROLE_MANAGEMENT_ROUTES.get(rest[1]?.toLowerCase() ?? '');
    if (rest.length > 3 || !kind) throw graphErrors.segmentNotFound(rest[1] ?? 'directory');
    return { kind, ...id(2) };
  }
  if (lower === 'reports') {
    const what = rest[0]?.toLowerCase();
    // Both reports are beta-only (facts §6.1, §6.2).
    const report =
      what === 'serviceprincipalsigninactivities'
        ? 'servicePrincipal'
        : what === 'appcredentialsigninactivities'
          ? 'appCredential'
          : null;
    if (!report || version !== 'beta' || rest.length > 2) throw graphErrors.segmentNotFound(rest[0] ?? lower);
    return { kind: 'signInActivities', report, ...id(1) };
  }
  if (lower === 'identity') {
    if (
      rest[0]?.toLowerCase() !== 'conditionalaccess' ||
      rest[1]?.toLowerCase() !== 'policies' ||
      rest.length > 3
    )
      throw graphErrors.segmentNotFound(
        rest[rest[0]?.toLowerCase() === 'conditionalaccess' ? 1 : 0] ?? lower,
      );
    return { kind: 'conditionalAccessPolicies', ...id(2) };
  }
  if (lower === 'identityprotection') {
    const what = rest[0]?.toLowerCase();
    const kind =
      what === 'riskyserviceprincipals'
        ? 'riskyServicePrincipals'
        : what === 'serviceprincipalriskdetections'
          ? 'servicePrincipalRiskDetections'
          : null;
    if (!kind || rest.length > 2) throw graphErrors.segmentNotFound(rest[0] ?? lower);
    return { kind, ...id(1) };
  }
  if (lower === 'auditlogs') {
    const what = rest[0]?.toLowerCase();
    if ((what !== 'signins' && what !== 'directoryaudits') || rest.length > 2)
      throw graphErrors.segmentNotFound(rest[0] ?? lower);
    return { kind: what === 'signins' ? 'signIns' : 'directoryAudits', ...id(1) };
  }
  return null;
}

export function matchRoute(
  method: string,
  segments: readonly string[],
  version: GraphVersion = 'v1.0',
): Route {
  const [first = '', ...rest] = segments;
  const lower = first.toLowerCase();
  const access = matchAccessRoute(lower, rest, version);
  if (access) {
    expectMethod(method, 'GET');
    return access;
  }
  if (lower === '$batch' && rest.length === 0) {
    expectMethod(method, 'POST');
    return { kind: 'batch' };
  }
  if (lower === 'organization' && rest.length <= 1) {
    expectMethod(method, 'GET');
    return rest[0] === undefined ? { kind: 'organization' } : { kind: 'organization', id: rest[0] };
  }
  if (lower === 'directoryobjects' && rest.length === 1 && rest[0]!.toLowerCase() === 'getbyids') {
    expectMethod(method, 'POST');
    return { kind: 'getByIds' };
  }
  const alternate = /^(applications|serviceprincipals)\(appId='([^']*)'\)$/i.exec(first);
  const collection = COLLECTIONS[alternate ? alternate[1]!.toLowerCase() : lower];
  if (!collection) throw graphErrors.segmentNotFound(first);
  expectMethod(method, 'GET');
  let key: ObjectKey | undefined;
  let tail = rest;
  if (alternate) {
    key = { by: 'appId', value: alternate[2]! };
  } else if (rest.length === 0) {
    return { kind: 'list', collection };
  } else if (rest[0] === '$count' && rest.length === 1) {
    return { kind: 'count', collection };
  } else if (rest.length === 1 && collection !== 'users' && DELTA_SEGMENT.test(rest[0]!)) {
    return { kind: 'delta', collection };
  } else {
    key = { by: 'id', value: rest[0]! };
    tail = rest.slice(1);
  }
  if (tail.length === 0) return { kind: 'get', collection, key };
  const nav = tail[0]!.toLowerCase();
  if (nav === 'owners' && tail.length === 1 && collection !== 'users')
    return { kind: 'owners', collection, key };
  if ((nav === 'approleassignedto' || nav === 'approleassignments') && collection === 'servicePrincipals') {
    if (tail.length === 1) {
      return {
        kind: 'appRoleAssignments',
        direction: nav === 'approleassignedto' ? 'assignedTo' : 'assignments',
        key,
      };
    }
    throw graphErrors.emulatorUnsupported('Reading one app role assignment by id');
  }
  if (nav === 'federatedidentitycredentials' && collection === 'applications' && tail.length <= 2) {
    return tail[1] === undefined
      ? { kind: 'federatedIdentityCredentials', key }
      : { kind: 'federatedIdentityCredentials', key, credentialId: tail[1] };
  }
  throw graphErrors.segmentNotFound(tail[0]!);
}
