// Grants and roles for a generated tenant, drawn from side streams of the seed (deriveSeed(seed, 'access:…')):
// the main stream, and so every object generateTenant made before, is untouched. Shares are documented in
// emulator/README.md ("Blast radius and last use"); keep the two in step.

import { appRoleAssignmentId, permissionGrantId, roleAssignmentId } from './access-ids.ts';
import {
  DEFAULT_APP_ROLE_ID,
  type StoredAppRoleAssignment,
  type StoredPermissionGrant,
  type StoredRoleAssignment,
  type TenantAccess,
} from './access-model.ts';
import * as roles from './directory-roles.ts';
import { GRAPH_SCOPES } from './microsoft-catalogue.ts';
import type { EmulatedServicePrincipal, TenantState } from './model.ts';
import { MICROSOFT_GRAPH_APP_ID, MICROSOFT_TENANT_ID } from './model.ts';
import { createRandom, DAY, deriveSeed, isoSeconds, type Random } from './random.ts';

/** Office 365 Exchange Online's appId and its full_access_as_app role (risk-and-controls.md §0). */
export const EXCHANGE_ONLINE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
export const EXCHANGE_FULL_ACCESS_ROLE_ID = 'dc890d15-9560-4a4c-9b7f-a736ec74ec40';

export interface AccessOptions {
  seed: number;
  now: number;
  /** Give Exchange Online its full_access_as_app app role and assign it to a few service principals. */
  resourceAppRoles: boolean;
}

/** The principals generateTenant made, by kind. */
export interface PrincipalSets {
  own: EmulatedServicePrincipal[];
  thirdParty: EmulatedServicePrincipal[];
  managed: EmulatedServicePrincipal[];
  graph: EmulatedServicePrincipal | undefined;
  byAppId: Map<string, EmulatedServicePrincipal>;
  /** createdDateTime (ms) of own apps by appId, the earliest a grant to their principal can date from. */
  createdByAppId: Map<string, number>;
}

export function principalSets(tenant: TenantState): PrincipalSets {
  const sets: PrincipalSets = {
    own: [],
    thirdParty: [],
    managed: [],
    graph: undefined,
    byAppId: new Map(),
    createdByAppId: new Map(),
  };
  for (const a of tenant.applications.values()) {
    sets.createdByAppId.set(a.object.appId!, Date.parse(a.object.createdDateTime ?? ''));
  }
  for (const sp of tenant.servicePrincipals.values()) {
    const o = sp.object;
    sets.byAppId.set(o.appId!, sp);
    if (o.appId === MICROSOFT_GRAPH_APP_ID) sets.graph = sp;
    if (o.servicePrincipalType === 'ManagedIdentity') sets.managed.push(sp);
    else if (o.servicePrincipalType !== 'Application') continue;
    else if (o.appOwnerOrganizationId === tenant.id && sets.createdByAppId.has(o.appId!)) sets.own.push(sp);
    else if (o.appOwnerOrganizationId !== MICROSOFT_TENANT_ID && o.appOwnerOrganizationId !== tenant.id)
      sets.thirdParty.push(sp);
  }
  return sets;
}

/** ~`rate` of `items`, at least one once there are `minN` (as the main generator's rareIndices). */
export function some<T>(rng: Random, items: readonly T[], rate: number, minN = 50): T[] {
  const k =
    items.length >= minN ? Math.max(1, Math.round(items.length * rate)) : Math.round(items.length * rate);
  return rng.sample(items.length, k).map((i) => items[i]!);
}

export function grantTime(
  rng: Random,
  sets: PrincipalSets,
  sp: EmulatedServicePrincipal,
  now: number,
): number {
  const created = sets.createdByAppId.get(sp.object.appId!);
  const from = created !== undefined && Number.isFinite(created) ? created : now - 3 * 365 * DAY;
  return rng.timeBetween(Math.min(from, now - DAY), now - DAY);
}

export function generateAccess(
  tenant: TenantState,
  sets: PrincipalSets,
  options: AccessOptions,
): Omit<TenantAccess, 'signInHistory' | 'roleEligibilities'> {
  // One side stream per part, so a switch that adds draws to one part (resourceAppRoles) moves no other.
  const stream = (part: string) => createRandom(deriveSeed(options.seed, `access:${part}`));
  const { now } = options;
  const users = [...tenant.users.values()].filter((u) => u.accountEnabled !== false);

  const appRoleAssignments: StoredAppRoleAssignment[] = [];
  let rng = stream('user-assignments');
  // Users assigned to the tenant's own enterprise apps, which declare no app roles: the default role id.
  for (const sp of some(rng, sets.own, 0.1)) {
    const n = Math.min(users.length, rng.int(1, 5));
    for (const i of rng.sample(users.length, n)) {
      const user = users[i]!;
      appRoleAssignments.push({
        id: appRoleAssignmentId(user.id!, sp.object.id!, DEFAULT_APP_ROLE_ID),
        appRoleId: DEFAULT_APP_ROLE_ID,
        principalId: user.id!,
        principalType: 'User',
        resourceId: sp.object.id!,
        createdDateTime: isoSeconds(grantTime(rng, sets, sp, now)),
      });
    }
  }
  const exchange = sets.byAppId.get(EXCHANGE_ONLINE_APP_ID);
  if (options.resourceAppRoles && exchange) {
    rng = stream('exchange');
    // Replaces the shared frozen empty list (see README, "Memory and mutation").
    exchange.object.appRoles = [
      {
        allowedMemberTypes: ['Application'],
        description: 'Allows the app to have full access via Exchange Web Services to all mailboxes.',
        displayName: 'Use Exchange Web Services with full access to all mailboxes',
        id: EXCHANGE_FULL_ACCESS_ROLE_ID,
        isEnabled: true,
        origin: 'Application',
        value: 'full_access_as_app',
      },
    ];
    // Granted straight through an app role assignment, not requested in requiredResourceAccess.
    for (const sp of [...some(rng, sets.own, 0.01), ...some(rng, sets.thirdParty, 0.03, 20)]) {
      appRoleAssignments.push({
        id: appRoleAssignmentId(sp.object.id!, exchange.object.id!, EXCHANGE_FULL_ACCESS_ROLE_ID),
        appRoleId: EXCHANGE_FULL_ACCESS_ROLE_ID,
        principalId: sp.object.id!,
        principalType: 'ServicePrincipal',
        resourceId: exchange.object.id!,
        createdDateTime: isoSeconds(grantTime(rng, sets, sp, now)),
      });
    }
  }

  rng = stream('roles');
  const administrativeUnitIds = Array.from(
    { length: Math.min(10, 2 + Math.floor(sets.own.length / 2000)) },
    () => rng.uuid(),
  );
  return {
    appRoleAssignments,
    generatedAt: now,
    roleAssignments: generateRoleAssignments(rng, tenant, sets, users, administrativeUnitIds),
    permissionGrants: generateGrants(stream('grants'), tenant, sets, users),
    administrativeUnitIds,
  };
}

const OIDC = 'openid profile';

function generateGrants(
  rng: Random,
  tenant: TenantState,
  sets: PrincipalSets,
  users: { id?: string }[],
): StoredPermissionGrant[] {
  const graph = sets.graph;
  if (!graph) return [];
  const grants: StoredPermissionGrant[] = [];
  // A few dozen distinct scope strings across tens of thousands of grants: keep one copy of each.
  const interned = new Map<string, string>();
  const intern = (text: string) => {
    const known = interned.get(text);
    if (known !== undefined) return known;
    interned.set(text, text);
    return text;
  };
  const add = (client: EmulatedServicePrincipal, scopes: string[], principalId: string | null) => {
    grants.push({
      id: permissionGrantId(client.object.id!, graph.object.id!, principalId),
      clientId: client.object.id!,
      consentType: principalId ? 'Principal' : 'AllPrincipals',
      principalId,
      resourceId: graph.object.id!,
      scope: intern(scopes.join(' ')),
    });
  };
  const perUser = (client: EmulatedServicePrincipal, scopes: string[]) => {
    for (const i of rng.sample(users.length, Math.min(users.length, rng.int(1, 3))))
      add(client, scopes, users[i]!.id!);
  };
  const requested = appsRequestingScope(tenant, GRAPH_SCOPES[0]!.id);
  for (const sp of sets.own) {
    if (!requested.has(sp.object.appId!)) continue;
    // Requested User.Read: mostly admin-consented, sometimes per-user consent, sometimes never consented.
    const scopes = ['User.Read'];
    if (rng.chance(0.2)) scopes.push(rng.pick(GRAPH_SCOPES.slice(1)).value);
    if (rng.chance(0.3)) scopes.push(OIDC);
    const kind = rng.weighted([60, 20, 20]);
    if (kind === 0) add(sp, scopes, null);
    else if (kind === 1) perUser(sp, scopes);
  }
  for (const sp of sets.thirdParty) {
    if (rng.chance(0.4)) {
      const n = rng.int(1, 3);
      const picked = rng.sample(GRAPH_SCOPES.length, n).map((i) => GRAPH_SCOPES[i]!.value);
      add(sp, [...picked, OIDC], null);
    } else if (rng.chance(0.15)) perUser(sp, ['User.Read', OIDC]);
  }
  return grants;
}

/** appIds of the apps listing the Graph delegated permission `scopeId` in requiredResourceAccess. */
function appsRequestingScope(tenant: TenantState, scopeId: string): Set<string> {
  const out = new Set<string>();
  for (const a of tenant.applications.values()) {
    for (const r of a.object.requiredResourceAccess ?? []) {
      if (r.resourceAppId !== MICROSOFT_GRAPH_APP_ID) continue;
      if (r.resourceAccess?.some((x) => x.type === 'Scope' && x.id === scopeId)) out.add(a.object.appId!);
    }
  }
  return out;
}

/** Weights of directory roles held by workload identities: readers most, tier-0 roles rarely. */
const SP_ROLE_WEIGHTS: readonly [string, number][] = [
  [roles.DIRECTORY_READERS, 30],
  [roles.GLOBAL_READER, 15],
  [roles.APPLICATION_ADMINISTRATOR, 12],
  [roles.CLOUD_APPLICATION_ADMINISTRATOR, 12],
  [roles.REPORTS_READER, 8],
  [roles.APPLICATION_DEVELOPER, 6],
  [roles.USER_ADMINISTRATOR, 5],
  [roles.SECURITY_ADMINISTRATOR, 3],
  [roles.EXCHANGE_ADMINISTRATOR, 3],
  [roles.GLOBAL_ADMINISTRATOR, 2],
  [roles.PRIVILEGED_ROLE_ADMINISTRATOR, 2],
  [roles.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, 1],
  [roles.INTUNE_ADMINISTRATOR, 1],
];

/** Roles held by people: [role, min, max] users. */
const USER_ROLES: readonly [string, number, number][] = [
  [roles.GLOBAL_ADMINISTRATOR, 2, 4],
  [roles.PRIVILEGED_ROLE_ADMINISTRATOR, 1, 1],
  [roles.APPLICATION_ADMINISTRATOR, 1, 3],
  [roles.CLOUD_APPLICATION_ADMINISTRATOR, 0, 2],
  [roles.GLOBAL_READER, 1, 2],
  [roles.SECURITY_ADMINISTRATOR, 1, 1],
  [roles.USER_ADMINISTRATOR, 1, 2],
  [roles.HELPDESK_ADMINISTRATOR, 1, 3],
  [roles.REPORTS_READER, 0, 1],
];

function generateRoleAssignments(
  rng: Random,
  tenant: TenantState,
  sets: PrincipalSets,
  users: { id?: string }[],
  units: string[],
): StoredRoleAssignment[] {
  const out: StoredRoleAssignment[] = [];
  const taken = new Set<string>();
  const appObjectIds = [...tenant.applications.keys()];
  const scopeFor = (role: string): string => {
    if (roles.APP_SCOPABLE_ROLES.has(role) && appObjectIds.length > 0 && rng.chance(0.2))
      return `/${rng.pick(appObjectIds)}`;
    if (roles.UNIT_SCOPABLE_ROLES.has(role) && units.length > 0 && rng.chance(0.12))
      return `/administrativeUnits/${rng.pick(units)}`;
    return '/';
  };
  const assign = (principalId: string, kind: 'user' | 'servicePrincipal', role: string, scope?: string) => {
    // One assignment per principal and role, so the ids (role + principal) stay unique.
    if (taken.has(`${principalId}|${role}`)) return;
    taken.add(`${principalId}|${role}`);
    out.push({
      id: roleAssignmentId(role, principalId),
      principalId,
      principalKind: kind,
      roleDefinitionId: role,
      directoryScopeId: scope ?? scopeFor(role),
    });
  };
  const weights = SP_ROLE_WEIGHTS.map(([, w]) => w);
  const pickRole = () => SP_ROLE_WEIGHTS[rng.weighted(weights)]![0];
  for (const sp of some(rng, sets.own, 0.015)) assign(sp.object.id!, 'servicePrincipal', pickRole());
  for (const sp of some(rng, sets.thirdParty, 0.015, 100))
    assign(sp.object.id!, 'servicePrincipal', pickRole());
  for (const sp of some(rng, sets.managed, 0.01, 100)) assign(sp.object.id!, 'servicePrincipal', pickRole());
  // Always one own app holding a tier-0 role tenant-wide once the tenant is big enough to have risk.
  if (sets.own.length >= 50) {
    const sp = rng.pick(sets.own);
    assign(
      sp.object.id!,
      'servicePrincipal',
      rng.pick([roles.PRIVILEGED_ROLE_ADMINISTRATOR, roles.GLOBAL_ADMINISTRATOR]),
      '/',
    );
  }
  for (const [role, min, max] of USER_ROLES) {
    for (const i of rng.sample(users.length, Math.min(users.length, rng.int(min, max))))
      assign(users[i]!.id!, 'user', role);
  }
  return out;
}
