// The answer key for blast radius and last use: per service principal what it holds (app-role assignments,
// delegated grants, directory roles, eligible directory roles) and when it last signed in, per credential its last sign-in, per user
// the roles and assignments it holds. A test compares what a client read over Graph with it.
import { writeFile } from 'node:fs/promises';
import type { SignInRecord } from '../context.ts';
import { type LastSignIn, lastSignIns } from '../reports/activity.ts';
import { licenceOf, retentionCutoff } from '../reports/sign-ins.ts';
import type { SignInCredentialType, StoredAppRoleAssignment, TenantLicence } from './access-model.ts';
import { appRoleValue, assignmentsOf } from './access-views.ts';
import { DIRECTORY_ROLE_BY_ID } from './directory-roles.ts';
import type { TenantState } from './model.ts';
import { isoSeconds } from './random.ts';

export interface TruthSignIn {
  dateTime: string;
  /** The sign-in's id: the activity reports' lastSignInRequestId and the signIn's `id`. */
  requestId: string;
  /** appId of the resource; null for sign-ins the login endpoint recorded. */
  resourceAppId: string | null;
  credentialType: SignInCredentialType | null;
  /** Still in the sign-in log at `now` (retention, facts §6.5); null when no `now` was given. */
  inLog: boolean | null;
}

export interface TruthAppRoleAssignment {
  id: string;
  resourceId: string;
  resourceAppId: string | null;
  resourceDisplayName: string | null;
  appRoleId: string;
  /** The role's value on its resource (e.g. "Application.ReadWrite.All"); null for the default role. */
  value: string | null;
  createdDateTime: string | null;
}

export interface TruthGrant {
  id: string;
  resourceId: string;
  consentType: 'AllPrincipals' | 'Principal';
  principalId: string | null;
  scopes: string[];
}

export interface TruthDirectoryRole {
  id: string;
  roleDefinitionId: string;
  displayName: string | null;
  directoryScopeId: string;
}

/** An eligible (PIM) directory role: the principal may activate it (unifiedRoleEligibilityScheduleInstance). */
export interface TruthEligibleDirectoryRole extends TruthDirectoryRole {
  startDateTime: string;
  /** null: permanently eligible. */
  endDateTime: string | null;
  memberType: string;
  roleEligibilityScheduleId: string;
}

export interface AccessTruthServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: string;
  appRoleAssignments: TruthAppRoleAssignment[];
  /** Grants in which this principal is the client. */
  delegatedGrants: TruthGrant[];
  directoryRoles: TruthDirectoryRole[];
  /** Roles it may activate; none without P2 (Entra removes eligible assignments: ED `licensing-pim.md`). */
  eligibleDirectoryRoles: TruthEligibleDirectoryRole[];
  /** Last successful sign-in as a client, however old (what the activity report shows). */
  lastSignIn: TruthSignIn | null;
  /** Last successful app-only sign-in to this principal as the resource. */
  lastSignInAsResource: TruthSignIn | null;
}

export interface AccessTruthCredential {
  /** keyId of a secret or certificate, or a federated credential's id. */
  keyId: string;
  type: 'clientSecret' | 'certificate' | 'federatedIdentityCredential';
  origin: 'application' | 'servicePrincipal';
  appId: string;
  lastSignIn: TruthSignIn | null;
}

export interface AccessTruthUser {
  id: string;
  userPrincipalName: string;
  directoryRoles: TruthDirectoryRole[];
  eligibleDirectoryRoles: TruthEligibleDirectoryRole[];
  appRoleAssignments: TruthAppRoleAssignment[];
  delegatedGrants: TruthGrant[];
}

export interface AccessGroundTruth {
  tenantId: string;
  licence: TenantLicence;
  /** ISO time before which sign-ins have left the log, at `now`; null without `now`. */
  logRetentionCutoff: string | null;
  servicePrincipals: AccessTruthServicePrincipal[];
  /** Users holding a directory role (active or eligible), an app-role assignment or a per-user grant. */
  users: AccessTruthUser[];
  credentials: AccessTruthCredential[];
}

export interface AccessTruthOptions {
  /** The login endpoint's record (`emulator.control.signIns()`); default none. */
  signIns?: readonly SignInRecord[];
  /** Emulated time (`emulator.control.context.clock.now()`), for `inLog`. */
  now?: number;
}

export function accessGroundTruth(tenant: TenantState, options: AccessTruthOptions = {}): AccessGroundTruth {
  const access = tenant.access;
  const last = lastSignIns(tenant, options.signIns ?? []);
  const cutoff = options.now === undefined ? null : retentionCutoff(tenant, options.now);
  const signIn = (s: LastSignIn | undefined): TruthSignIn | null =>
    s
      ? {
          dateTime: isoSeconds(s.time),
          requestId: s.requestId,
          resourceAppId: s.resourceAppId,
          credentialType: s.credentialType,
          inLog: cutoff === null ? null : s.time >= cutoff,
        }
      : null;
  const assignment = (a: StoredAppRoleAssignment): TruthAppRoleAssignment => {
    const resource = tenant.servicePrincipals.get(a.resourceId)?.object;
    return {
      id: a.id,
      resourceId: a.resourceId,
      resourceAppId: resource?.appId ?? null,
      resourceDisplayName: resource?.displayName ?? null,
      appRoleId: a.appRoleId,
      value: appRoleValue(tenant, a.resourceId, a.appRoleId),
      createdDateTime: a.createdDateTime || null,
    };
  };
  const grants = access?.permissionGrants ?? [];
  const grantsByClient = groupBy(grants, (g) => g.clientId);
  const grantsByUser = groupBy(grants, (g) => g.principalId);
  const rolesByPrincipal = groupBy(access?.roleAssignments ?? [], (r) => r.principalId);
  // Served only with P2, as Graph does (graph/access-routes.ts); without it the tenant holds none.
  const eligibilities = licenceOf(tenant) === 'p2' ? (access?.roleEligibilities ?? []) : [];
  const eligibleByPrincipal = groupBy(eligibilities, (r) => r.principalId);
  const toGrant = (g: (typeof grants)[number]): TruthGrant => ({
    id: g.id,
    resourceId: g.resourceId,
    consentType: g.consentType,
    principalId: g.principalId,
    scopes: g.scope.split(' ').filter(Boolean),
  });
  const rolesOf = (principalId: string): TruthDirectoryRole[] =>
    (rolesByPrincipal.get(principalId) ?? []).map((r) => ({
      id: r.id,
      roleDefinitionId: r.roleDefinitionId,
      displayName: DIRECTORY_ROLE_BY_ID.get(r.roleDefinitionId)?.displayName ?? null,
      directoryScopeId: r.directoryScopeId,
    }));
  const eligibleOf = (principalId: string): TruthEligibleDirectoryRole[] =>
    (eligibleByPrincipal.get(principalId) ?? []).map((r) => ({
      id: r.id,
      roleDefinitionId: r.roleDefinitionId,
      displayName: DIRECTORY_ROLE_BY_ID.get(r.roleDefinitionId)?.displayName ?? null,
      directoryScopeId: r.directoryScopeId,
      startDateTime: r.startDateTime,
      endDateTime: r.endDateTime,
      memberType: r.memberType,
      roleEligibilityScheduleId: r.roleEligibilityScheduleId,
    }));

  const servicePrincipals: AccessTruthServicePrincipal[] = [];
  for (const sp of tenant.servicePrincipals.values()) {
    const id = sp.object.id!;
    servicePrincipals.push({
      id,
      appId: sp.object.appId!,
      displayName: sp.object.displayName ?? '',
      servicePrincipalType: sp.object.servicePrincipalType ?? 'Application',
      appRoleAssignments: assignmentsOf(tenant, id).map(assignment),
      delegatedGrants: (grantsByClient.get(id) ?? []).map(toGrant),
      directoryRoles: rolesOf(id),
      eligibleDirectoryRoles: eligibleOf(id),
      lastSignIn: signIn(last.client.get(id)),
      lastSignInAsResource: signIn(last.resource.get(sp.object.appId!.toLowerCase())),
    });
  }

  const users: AccessTruthUser[] = [];
  for (const u of tenant.users.values()) {
    const entry: AccessTruthUser = {
      id: u.id!,
      userPrincipalName: u.userPrincipalName ?? '',
      directoryRoles: rolesOf(u.id!),
      eligibleDirectoryRoles: eligibleOf(u.id!),
      appRoleAssignments: assignmentsOf(tenant, u.id!).map(assignment),
      delegatedGrants: (grantsByUser.get(u.id!) ?? []).map(toGrant),
    };
    const held =
      entry.directoryRoles.length +
      entry.eligibleDirectoryRoles.length +
      entry.appRoleAssignments.length +
      entry.delegatedGrants.length;
    if (held > 0) users.push(entry);
  }

  const credentials: AccessTruthCredential[] = [];
  const credential = (
    keyId: string | null | undefined,
    type: AccessTruthCredential['type'],
    origin: AccessTruthCredential['origin'],
    appId: string,
  ) => {
    if (keyId)
      credentials.push({ keyId, type, origin, appId, lastSignIn: signIn(last.credential.get(keyId)) });
  };
  for (const a of tenant.applications.values()) {
    const appId = a.object.appId!;
    for (const p of a.object.passwordCredentials ?? [])
      credential(p.keyId, 'clientSecret', 'application', appId);
    for (const k of a.object.keyCredentials ?? []) credential(k.keyId, 'certificate', 'application', appId);
    for (const f of a.federatedIdentityCredentials)
      credential(f.id, 'federatedIdentityCredential', 'application', appId);
  }
  for (const s of tenant.servicePrincipals.values()) {
    for (const p of s.object.passwordCredentials ?? [])
      credential(p.keyId, 'clientSecret', 'servicePrincipal', s.object.appId!);
    for (const k of s.object.keyCredentials ?? [])
      credential(k.keyId, 'certificate', 'servicePrincipal', s.object.appId!);
  }

  return {
    tenantId: tenant.id,
    licence: licenceOf(tenant),
    logRetentionCutoff: cutoff === null ? null : isoSeconds(cutoff),
    servicePrincipals,
    users,
    credentials,
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    const list = out.get(key);
    if (list) list.push(item);
    else out.set(key, [item]);
  }
  return out;
}

export async function writeAccessGroundTruth(
  tenant: TenantState,
  path: string,
  options: AccessTruthOptions = {},
): Promise<void> {
  await writeFile(path, `${JSON.stringify(accessGroundTruth(tenant, options))}\n`, 'utf8');
}
