// What each service principal holds (its blast radius), read from the resource side so the cost grows with the
// resources and tenant-wide lists, never with the identities:
// - the service principals that can be assigned to: `id,appId,displayName,appRoles,appRoleAssignmentRequired`
//   at 999 a page (1 RU each); this also names every resource and tells service principals from users;
// - `appRoleAssignedTo` of each resource that defines app roles or requires assignment, through $batch (20 a
//   call, 1 RU an item, nextLink followed outside the batch);
// - `oauth2PermissionGrants`, one tenant-wide list at 999 a page (1 RU with $select);
// - `roleManagement/directory/roleDefinitions` (names) and `roleAssignments`, tenant-wide lists (1 RU a page).
//   Older docs say the directory provider needs a `$filter` on roleAssignments (facts §5.8): where Graph refuses
//   the unfiltered list, it is read per role definition (`roleDefinitionId eq`) through $batch instead;
// - `roleManagement/directory/roleEligibilityScheduleInstances`, the directory roles each principal may activate
//   (PIM), tenant-wide (1 RU a page). Graph lists no Directory.* permission for it: an integration reading roles
//   through Directory.Read.All is refused (403) and the part fails, naming RoleEligibilitySchedule.Read.Directory,
//   so eligibility is never shown as "none" when it went unread. A tenant without Entra ID P2 / ID Governance is
//   answered 400 AadPremiumLicenseRequired: it holds no eligible roles (Entra removes them when the licence goes,
//   ED `licensing-pim.md`), so that answer is read as none and the part completes.
//
// Access is one optional part of the scan: its facts are delivered only once every list is read, so a service
// principal's access is either complete or left as the previous scan saw it (unknown when never read).
import type { Grant } from '../../core/access.ts';
import { uniqueGrants } from '../../core/access.ts';
import type { IdentityFact } from '../../core/facts.ts';
import type { ScanPart } from '../../core/scan-parts.ts';
import { type AzureAccess, assertAzureReadable } from '../arm/azure-access.ts';
import { readBatchedLists } from './collector-reads.ts';
import { QueryRefused } from './graph-errors.ts';
import type { GraphTransport } from './transport.ts';

export const ACCESS_PART: Omit<ScanPart, 'complete'> = {
  name: 'service-principal-access',
  kind: 'servicePrincipal',
  aspect: 'access',
  optional: true,
};

/** Federated credentials of user-assigned managed identities: ARM holds them, not Graph (facts §13). */
export const MANAGED_IDENTITY_FEDERATED_PART: Omit<ScanPart, 'complete'> = {
  name: 'managed-identity-federated-credentials',
  kind: 'servicePrincipal',
  aspect: 'federated',
  optional: true,
};

type Reader = Pick<GraphTransport, 'pages' | 'batch'>;

const RESOURCES_URL =
  '/servicePrincipals?$select=id,appId,displayName,appRoles,appRoleAssignmentRequired&$top=999';
const assignedToUrl = (resourceId: string) =>
  `/servicePrincipals/${resourceId}/appRoleAssignedTo?$select=id,appRoleId,principalId,principalType,resourceId&$top=999`;
const GRANTS_URL =
  '/oauth2PermissionGrants?$select=id,clientId,consentType,principalId,resourceId,scope&$top=999';
const ROLE_DEFINITIONS_URL = '/roleManagement/directory/roleDefinitions?$select=id,templateId,displayName';
const ROLE_ASSIGNMENTS_URL =
  '/roleManagement/directory/roleAssignments?$select=id,principalId,roleDefinitionId,directoryScopeId';
const ELIGIBILITY_URL =
  '/roleManagement/directory/roleEligibilityScheduleInstances?$select=id,principalId,roleDefinitionId,directoryScopeId';
const roleAssignmentsOfUrl = (roleDefinitionId: string) =>
  `${ROLE_ASSIGNMENTS_URL}&$filter=roleDefinitionId%20eq%20'${encodeURIComponent(roleDefinitionId)}'`;

/**
 * The permissions each read needs (least privileged). Directory.Read.All covers all but eligibility, which
 * RoleEligibilitySchedule.Read.Directory or RoleManagement.Read.Directory (which also covers roles) allows.
 */
export const ACCESS_PERMISSIONS = {
  resources: 'Application.Read.All',
  grants: 'Directory.Read.All',
  roles: 'RoleManagement.Read.Directory',
  eligibility: 'RoleEligibilitySchedule.Read.Directory',
} as const;

interface WireServicePrincipal {
  id?: string;
  appId?: string | null;
  displayName?: string | null;
  appRoles?: Array<{ id?: string; value?: string | null }> | null;
  appRoleAssignmentRequired?: boolean | null;
}
interface WireAssignment {
  appRoleId?: string;
  principalId?: string;
  principalType?: string | null;
  resourceId?: string;
}
interface WireGrant {
  clientId?: string;
  consentType?: string | null;
  principalId?: string | null;
  resourceId?: string;
  scope?: string | null;
}
interface WireRoleDefinition {
  id?: string;
  templateId?: string | null;
  displayName?: string | null;
}
interface WireRoleAssignment {
  principalId?: string;
  roleDefinitionId?: string;
  directoryScopeId?: string | null;
}

interface Resource {
  appId: string | null;
  displayName: string | null;
  /** appRoleId → value, for resources that define app roles. */
  roles: Map<string, string>;
  assignable: boolean;
}

export interface ReadAccessOptions {
  transport: Reader;
  /**
   * The directory role lists, when the caller reads them already (the collector shares them with the owners'
   * roles, owner-roles.ts): read here otherwise.
   */
  roles?: Promise<DirectoryRoles>;
  /**
   * What Azure Resource Manager says (azure-access.ts): its role assignments join each service principal's
   * grants, and a subscription it could not read fails the part (carried forward, never shown as "none").
   */
  azure?: Promise<AzureAccess>;
  signal: AbortSignal;
  /** Objects read, after each page or batch (for progress). */
  onRead?: (objects: number) => void;
}

/**
 * Reads every service principal's access; one fact per service principal holding anything. Throws the first
 * failure (a missing permission is PermissionMissing): nothing is returned for a part read in half.
 */
export async function readAccess(options: ReadAccessOptions): Promise<IdentityFact[]> {
  const failures: unknown[] = [];
  try {
    return await readAll(options, (error) => failures.push(error));
  } catch (error) {
    // The first failure, not a sibling read's abort that it caused.
    throw failures.length > 0 ? failures[0] : error;
  }
}

async function readAll(
  options: ReadAccessOptions,
  failed: (error: unknown) => void,
): Promise<IdentityFact[]> {
  const { transport } = options;
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const read = (n: number) => options.onRead?.(n);
  const guard = <T>(work: Promise<T>): Promise<T> =>
    work.catch((error: unknown) => {
      failed(error);
      stop.abort(error);
      throw error;
    });

  const resourcesRead = guard(
    (async () => {
      const resources = new Map<string, Resource>();
      for await (const page of transport.pages<WireServicePrincipal>(RESOURCES_URL, {
        signal,
        permission: ACCESS_PERMISSIONS.resources,
      })) {
        for (const sp of page) {
          if (!sp.id) continue;
          const roles = new Map<string, string>();
          for (const role of sp.appRoles ?? []) if (role.id && role.value) roles.set(role.id, role.value);
          resources.set(sp.id, {
            appId: sp.appId ?? null,
            displayName: sp.displayName ?? null,
            roles,
            assignable: (sp.appRoles?.length ?? 0) > 0 || sp.appRoleAssignmentRequired === true,
          });
        }
        read(page.length);
      }
      return resources;
    })(),
  );
  const grantsRead = guard(
    collect<WireGrant>(transport, GRANTS_URL, ACCESS_PERMISSIONS.grants, signal, read),
  );
  const rolesRead = guard(options.roles ?? readDirectoryRoles(transport, signal, read));
  // Awaited below; a failure while another is awaited must not go unhandled.
  for (const reading of [resourcesRead, grantsRead, rolesRead]) reading.catch(() => {});

  const resources = await resourcesRead;
  const assignable = [...resources].filter(([, r]) => r.assignable).map(([id]) => id);
  const assignmentLists = await guard(
    readBatchedLists(
      transport,
      assignable.map((id) => ({ id, url: assignedToUrl(id) })),
      { signal, permission: ACCESS_PERMISSIONS.resources, background: true },
    ),
  );
  const [grants, roles, azure] = await Promise.all([grantsRead, rolesRead, options.azure]);
  if (azure) assertAzureReadable(azure);

  const held = new Map<string, Grant[]>();
  const add = (principalId: string | undefined | null, grant: Grant) => {
    // Users and groups hold roles and grants too; only service principals are workload identities.
    if (!principalId || !resources.has(principalId)) return;
    const list = held.get(principalId);
    if (list) list.push(grant);
    else held.set(principalId, [grant]);
  };
  const resourceOf = (id: string) => {
    const r = resources.get(id);
    return { resourceId: id, resourceAppId: r?.appId ?? null, resourceDisplayName: r?.displayName ?? null };
  };

  for (const { items } of assignmentLists) {
    read(items?.length ?? 0);
    for (const a of (items ?? []) as WireAssignment[]) {
      if (a.principalType && a.principalType !== 'ServicePrincipal') continue;
      if (!a.resourceId || !a.appRoleId) continue;
      add(a.principalId, {
        kind: 'app-role',
        ...resourceOf(a.resourceId),
        permission: resources.get(a.resourceId)?.roles.get(a.appRoleId) ?? a.appRoleId,
        permissionId: a.appRoleId,
      });
    }
  }
  for (const g of grants) {
    if (!g.resourceId) continue;
    const scope = g.consentType === 'AllPrincipals' ? 'AllPrincipals' : (g.principalId ?? 'Principal');
    for (const permission of new Set((g.scope ?? '').split(' ').filter(Boolean)))
      add(g.clientId, { kind: 'delegated', ...resourceOf(g.resourceId), permission, scope });
  }
  for (const [principalId, held] of rolesByPrincipal(roles))
    for (const grant of held) add(principalId, grant);

  for (const [principalId, assignments] of azure?.assignments ?? []) {
    for (const a of assignments)
      add(principalId, {
        kind: 'azure-role',
        permission: a.roleName,
        permissionId: a.roleDefinitionId,
        scope: a.scope,
        tier: a.tier,
        tierReason: a.tierReason,
      });
  }

  return [...held].map(([objectId, list]) => ({ aspect: 'access', objectId, grants: uniqueGrants(list) }));
}

async function collect<T>(
  transport: Reader,
  url: string,
  permission: string,
  signal: AbortSignal,
  read: (n: number) => void,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of transport.pages<T>(url, { signal, permission })) {
    out.push(...page);
    read(page.length);
  }
  return out;
}

/** Graph's answer to a PIM read in a tenant without Entra ID P2 or ID Governance (maester issue 1421). */
function isLicenceRefusal(error: unknown): boolean {
  return error instanceof QueryRefused && error.message.includes('AadPremiumLicenseRequired');
}

/** The tenant's directory role lists, for every principal (users, groups and service principals alike). */
export interface DirectoryRoles {
  names: Map<string, string>;
  assignments: WireRoleAssignment[];
  /** Eligible (PIM) roles; [] where the tenant has no licence for PIM, so none can exist. */
  eligibilities: WireRoleAssignment[];
}

/**
 * Every principal's directory roles as `directory-role` grants (active, then eligible), each list in canonical
 * order: the service principals' join their access, the users' their owner entries (owner-roles.ts).
 */
export function rolesByPrincipal(roles: DirectoryRoles): Map<string, Grant[]> {
  const held = new Map<string, Grant[]>();
  const directoryRole = (r: WireRoleAssignment, eligible: boolean) => {
    if (!r.roleDefinitionId || !r.principalId) return;
    const grant: Grant = {
      kind: 'directory-role',
      permission: roles.names.get(r.roleDefinitionId) ?? r.roleDefinitionId,
      permissionId: r.roleDefinitionId,
      scope: r.directoryScopeId ?? '/',
      ...(eligible ? { eligible: true as const } : {}),
    };
    const list = held.get(r.principalId);
    if (list) list.push(grant);
    else held.set(r.principalId, [grant]);
  };
  for (const r of roles.assignments) directoryRole(r, false);
  for (const r of roles.eligibilities) directoryRole(r, true);
  for (const [principalId, list] of held) held.set(principalId, uniqueGrants(list));
  return held;
}

/**
 * Role names by id and template id, every role assignment (per definition where Graph wants a filter) and every
 * eligibility. A refused eligibility list fails the whole reading but for the licence refusal (see the top).
 */
function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

export async function readDirectoryRoles(
  transport: Reader,
  signal: AbortSignal,
  read: (n: number) => void,
): Promise<DirectoryRoles> {
  const permission = ACCESS_PERMISSIONS.roles;
  const [definitionsRead, assignmentsRead, eligibilitiesRead] = await Promise.allSettled([
    collect<WireRoleDefinition>(transport, ROLE_DEFINITIONS_URL, permission, signal, read),
    collect<WireRoleAssignment>(transport, ROLE_ASSIGNMENTS_URL, permission, signal, read).catch(
      (error: unknown) => (error instanceof QueryRefused ? null : Promise.reject(error)),
    ),
    collect<WireRoleAssignment>(
      transport,
      ELIGIBILITY_URL,
      ACCESS_PERMISSIONS.eligibility,
      signal,
      read,
    ).catch((error: unknown) => (isLicenceRefusal(error) ? [] : Promise.reject(error))),
  ]);
  // Every list is waited for and the first failure in this order is reported, not the first to arrive: a reader
  // refused both the role lists and eligibility is told the role lists' permission, every time.
  const definitions = settledValue(definitionsRead);
  const assignments = settledValue(assignmentsRead);
  const eligibilities = settledValue(eligibilitiesRead);
  const names = new Map<string, string>();
  for (const d of definitions) {
    if (!d.displayName) continue;
    if (d.id) names.set(d.id, d.displayName);
    if (d.templateId) names.set(d.templateId, d.displayName);
  }
  if (assignments) return { names, assignments, eligibilities };
  const ids = [...new Set(definitions.map((d) => d.id).filter((id): id is string => !!id))];
  const lists = await readBatchedLists(
    transport,
    ids.map((id, i) => ({ id: String(i), url: roleAssignmentsOfUrl(id) })),
    { signal, permission },
  );
  return {
    names,
    assignments: lists.flatMap((l) => (l.items ?? []) as WireRoleAssignment[]),
    eligibilities,
  };
}
