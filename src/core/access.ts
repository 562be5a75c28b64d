// What a service principal may do in Entra (its blast radius): the app roles it holds on resources, the
// delegated permissions granted to it as a client, and the directory roles assigned to it or that it may
// activate (eligible through PIM). Pure.
import { compareCodePoints } from './code-point-order.ts';
import {
  type TierResult,
  tierOfAppRole,
  tierOfAzureRole,
  tierOfDelegatedScope,
  tierOfDirectoryRole,
} from './tiers/classify.ts';
import type { Tier, TierOverrides } from './tiers/tier-table.ts';

export type GrantKind = 'app-role' | 'delegated' | 'directory-role' | 'azure-role';

export interface Grant {
  kind: GrantKind;
  /** Object id of the resource service principal (app roles and delegated grants). */
  resourceId?: string;
  /** appId of the resource (e.g. Microsoft Graph's 00000003-…); null when the resource could not be read. */
  resourceAppId?: string | null;
  resourceDisplayName?: string | null;
  /**
   * The app role's value (its id when the resource defines none, as for the default role), one delegated
   * scope, or the directory role's name (its id when the definition could not be read).
   */
  permission: string;
  /** appRoleId or roleDefinitionId. */
  permissionId?: string;
  /**
   * Where it applies: a directory role's directoryScopeId (`/` is the whole tenant); a delegated grant's
   * `AllPrincipals` (admin consent) or the object id of the one user who consented; an Azure role's ARM scope
   * (a management group, subscription, resource group or resource).
   */
  scope?: string;
  /**
   * Azure roles only: the tier their definition earned when read (a custom role is tiered by its actions, which
   * are not kept), and why.
   */
  tier?: Tier | 'unknown';
  tierReason?: string;
  /**
   * Directory roles only: eligible (PIM), not active. It can be activated on demand (within the role's PIM
   * settings), so it weighs as the role itself for blast radius; absent for an active assignment. An eligible
   * role and the same role active are two grants.
   */
  eligible?: true;
}

/** The id Entra gives the default app role of a resource that declares none (DC `approleassignment.md`). */
export const DEFAULT_APP_ROLE_ID = '00000000-0000-0000-0000-000000000000';

const KIND_ORDER: Record<GrantKind, number> = {
  'directory-role': 0,
  'azure-role': 1,
  'app-role': 2,
  delegated: 3,
};

/** Canonical order, so equal grants are equal jsonb whatever order Graph listed them in. */
export function sortGrants(grants: readonly Grant[]): Grant[] {
  const text = (v: string | null | undefined) => v ?? '';
  return [...grants].sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      compareCodePoints(text(a.resourceId), text(b.resourceId)) ||
      compareCodePoints(a.permission, b.permission) ||
      compareCodePoints(text(a.permissionId), text(b.permissionId)) ||
      compareCodePoints(text(a.scope), text(b.scope)) ||
      // Active before eligible, so a role both held and eligible reads in that order.
      Number(a.eligible === true) - Number(b.eligible === true),
  );
}

/** What tells two grants apart (the canonical order's keys): equal identity, one grant. */
export function grantIdentity(grant: Grant): string {
  return JSON.stringify([
    grant.kind,
    grant.resourceId,
    grant.permission,
    grant.permissionId,
    grant.scope,
    grant.eligible === true,
  ]);
}

/** In canonical order, each grant once (Graph may list one twice, e.g. from two readings of a role). */
export function uniqueGrants(grants: readonly Grant[]): Grant[] {
  const seen = new Set<string>();
  return sortGrants(grants).filter((g) => {
    const key = grantIdentity(g);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A grant's tier from src/core/tiers: the user's overrides, then Lanyard's data; 'unknown' when neither. */
export function tierOfGrant(grant: Grant, overrides?: TierOverrides): TierResult {
  switch (grant.kind) {
    case 'app-role':
      return tierOfAppRole(
        {
          id: grant.permissionId ?? null,
          value: grant.permission,
          resourceAppId: grant.resourceAppId ?? null,
        },
        overrides,
      );
    case 'delegated':
      return tierOfDelegatedScope(
        { value: grant.permission, resourceAppId: grant.resourceAppId ?? null },
        overrides,
      );
    // An eligible role is tiered as the role: it can be activated on demand (eligible tier 0 is tier 0).
    case 'directory-role':
      return tierOfDirectoryRole(
        { templateId: grant.permissionId ?? null, displayName: grant.permission },
        overrides,
      );
    case 'azure-role': {
      // The user's override wins; else the tier the definition earned when read (its actions may make a
      // custom role tier 0 whatever its name), else what its name or id says.
      const byName = tierOfAzureRole(
        { roleDefinitionId: grant.permissionId ?? null, roleName: grant.permission },
        overrides,
      );
      if (byName.origin === 'override' || grant.tier === undefined) return byName;
      return {
        tier: grant.tier,
        source: 'role definition',
        reason: grant.tierReason ?? 'tiered from its role definition when read',
        origin: 'rule',
      };
    }
  }
}

export interface TieredGrant {
  grant: Grant;
  tier: TierResult;
}

/** Grants grouped by tier, tier 0 first and unknown last; each group in canonical order. */
export function grantsByTier(
  grants: readonly Grant[],
  overrides?: TierOverrides,
): Array<{ tier: TierResult['tier']; grants: TieredGrant[] }> {
  const groups = new Map<TierResult['tier'], TieredGrant[]>();
  for (const grant of sortGrants(grants)) {
    const tier = tierOfGrant(grant, overrides);
    const group = groups.get(tier.tier);
    if (group) group.push({ grant, tier });
    else groups.set(tier.tier, [{ grant, tier }]);
  }
  const rank = (t: TierResult['tier']) => (t === 'unknown' ? 3 : t);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([tier, list]) => ({ tier, grants: list }));
}
