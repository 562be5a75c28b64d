// One workload = an application and its service principal (same appId, same integration): what the risk
// scores take for it. The application holds credentials and owners, the service principal holds credentials,
// owners and the grants (its blast radius); an attacker holding any of their credentials gets all of it. Pure.
import { DEFAULT_APP_ROLE_ID, type Grant, tierOfGrant } from '../access.ts';
import type { Credential, Identity, Owner } from '../inventory.ts';
import type { IdentityAspect } from '../scan-parts.ts';
import { MICROSOFT_GRAPH_APP_ID, type TierOverrides } from '../tiers/tier-table.ts';
import type { IdentityRiskInput, LastUse, Reach, ReachInput, ReachKind } from './types.ts';

export interface Workload {
  application?: Identity;
  servicePrincipal?: Identity;
}

export const ACCESS_NOT_READ =
  'its access (app roles, delegated grants, directory and Azure roles): not read yet (every scan reads it, unless run with --no-access)';
export const ACCESS_INCOMPLETE =
  'its access (app roles, delegated grants, directory and Azure roles): the scans could not read it completely';
export const OTHER_TENANTS =
  'what it holds in other tenants: a multi-tenant application without a service principal here';

/** Pairs an identity with its partner of the other kind (same appId), when there is one. */
export function workloadOf(identity: Identity, partner?: Identity): Workload {
  const other = partner && partner.kind !== identity.kind ? partner : undefined;
  const [application, servicePrincipal] =
    identity.kind === 'application' ? [identity, other] : [other, identity];
  return {
    ...(application ? { application } : {}),
    ...(servicePrincipal ? { servicePrincipal } : {}),
  };
}

const KINDS: Record<Grant['kind'], ReachKind> = {
  'app-role': 'app-permission',
  delegated: 'delegated-grant',
  'directory-role': 'directory-role',
  'azure-role': 'azure-role',
};

/** One grant as a reach entry, tiered by src/core/tiers (the user's overrides first). */
export function reachOfGrant(grant: Grant, overrides?: TierOverrides): Reach {
  const tier = tierOfGrant(grant, overrides);
  const name =
    grant.kind === 'app-role' &&
    grant.permissionId === DEFAULT_APP_ROLE_ID &&
    grant.permission === grant.permissionId
      ? 'default access'
      : grant.permission;
  const entry: Reach = {
    kind: KINDS[grant.kind],
    name,
    tier: tier.tier,
    ...(tier.origin === 'none' ? {} : { reason: tier.reason }),
    // Eligible (PIM): held once activated, which the principal or an admin can do.
    path: grant.eligible ? ['eligible (PIM): activate to use'] : [],
  };
  if (grant.kind === 'directory-role') entry.scope = grant.scope || '/';
  if (grant.kind === 'azure-role' && grant.scope) entry.scope = grant.scope;
  if (grant.kind === 'delegated' && grant.scope) {
    entry.scope = grant.scope === 'AllPrincipals' ? 'AllPrincipals' : `user ${grant.scope}`;
  }
  // Microsoft Graph is the default API of the factor texts; any other API is named.
  if (
    (grant.kind === 'app-role' || grant.kind === 'delegated') &&
    grant.resourceAppId !== MICROSOFT_GRAPH_APP_ID
  ) {
    const resource = grant.resourceDisplayName ?? grant.resourceAppId ?? grant.resourceId;
    if (resource) entry.resource = resource;
  }
  return entry;
}

const rank = (tier: Reach['tier']) => (tier === 'unknown' ? 3 : tier);

/** Most privileged first (tier 0, 1, 2, unclassified), then by kind and name: the order people read them in. */
export function sortReach(entries: readonly Reach[]): Reach[] {
  return [...entries].sort(
    (a, b) =>
      rank(a.tier) - rank(b.tier) ||
      a.kind.localeCompare(b.kind, 'en') ||
      a.name.localeCompare(b.name, 'en') ||
      (a.scope ?? '').localeCompare(b.scope ?? '', 'en'),
  );
}

/**
 * What the workload can reach: its service principal's grants (Azure roles among them when the scan read ARM),
 * and what could not be read. Absent or incompletely read access is unknown, never "no permissions".
 */
export function reachOfWorkload(workload: Workload, overrides?: TierOverrides): ReachInput {
  const sp = workload.servicePrincipal;
  if (!sp) {
    // No service principal in this tenant: it cannot sign in here, but a multi-tenant app may elsewhere.
    const multiTenant = (workload.application?.signInAudience ?? 'AzureADMyOrg') !== 'AzureADMyOrg';
    return { entries: [], ...(multiTenant ? { unknown: [OTHER_TENANTS] } : {}) };
  }
  const unknown: string[] = [];
  if (!sp.access) unknown.push(ACCESS_NOT_READ);
  else if (sp.unknown?.includes('access')) unknown.push(ACCESS_INCOMPLETE);
  const entries = sortReach((sp.access ?? []).map((grant) => reachOfGrant(grant, overrides)));
  return { entries, unknown };
}

function mergeOwners(lists: readonly (readonly Owner[])[]): Owner[] {
  const byId = new Map<string, Owner>();
  for (const list of lists)
    for (const owner of list) if (!byId.has(owner.objectId)) byId.set(owner.objectId, owner);
  return [...byId.values()];
}

/**
 * The identity the scores read: the service principal's (publisher, type) when there is one, with both objects'
 * credentials and owners (an owner of either can add a credential and sign in as the workload), and what
 * either never had read completely.
 */
export function scoredIdentity(workload: Workload): Identity {
  const parts = [workload.application, workload.servicePrincipal].filter((p): p is Identity => Boolean(p));
  const base = workload.servicePrincipal ?? workload.application;
  if (!base) throw new Error('a workload has an application or a service principal');
  const unknown = [
    ...new Set(parts.flatMap((part) => part.unknown ?? []).filter((aspect) => aspect !== 'access')),
  ] as IdentityAspect[];
  const { unknown: _, ...rest } = base;
  return {
    ...rest,
    owners: mergeOwners(parts.map((part) => part.owners)),
    credentials: parts.flatMap((part) => part.credentials),
    ...(unknown.length ? { unknown } : {}),
  };
}

/** Everything scoreIdentity needs for the workload. */
export function workloadRiskInput(
  workload: Workload,
  context: { lastUse: (credential: Credential) => LastUse; now: Date; reach: ReachInput },
): IdentityRiskInput {
  return {
    identity: scoredIdentity(workload),
    reach: context.reach,
    lastUse: context.lastUse,
    now: context.now,
  };
}
