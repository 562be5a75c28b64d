// What a route needs to answer one request: the tenant's ARM state with its indexes, the caller, access and
// paging. Lookups throw ARM's own 404s and 403s, in the order ARM checks them: existence of the subscription,
// then the caller's access to it, then the resource group or resource inside.
import type { ArmAccess } from './access.ts';
import { type ArmError, armErrors } from './errors.ts';
import type { ArmResource, ArmState, ResourceGroup, UserAssignedIdentity } from './model.ts';
import type { ArmPager } from './paging.ts';
import { createScopeIndex, type Scope, type ScopeIndex } from './scopes.ts';

export interface StateIndex {
  state: ArmState;
  scopes: ScopeIndex;
  subscriptions: ReadonlySet<string>;
  groups: ReadonlyMap<string, ResourceGroup>;
  /** User-assigned identities by lower-cased resource id. */
  identities: ReadonlyMap<string, UserAssignedIdentity>;
  /** Resources and user-assigned identities by lower-cased resource id. */
  resourceIds: ReadonlySet<string>;
  /** Filtered lists kept between the pages of one listing (the state never changes). */
  listings: Map<string, readonly unknown[]>;
}

const groupKey = (subscriptionId: string, name: string) => `${subscriptionId}/${name}`.toLowerCase();

export function indexState(state: ArmState): StateIndex {
  return {
    state,
    scopes: createScopeIndex(state),
    subscriptions: new Set(state.subscriptions.map((s) => s.subscriptionId.toLowerCase())),
    groups: new Map(state.resourceGroups.map((g) => [groupKey(g.subscriptionId, g.name), g])),
    identities: new Map(state.userAssignedIdentities.map((u) => [u.id.toLowerCase(), u])),
    resourceIds: new Set(
      [...state.resources, ...state.userAssignedIdentities].map((r: ArmResource | UserAssignedIdentity) =>
        r.id.toLowerCase(),
      ),
    ),
    listings: new Map(),
  };
}

export interface ReadContext {
  index: StateIndex;
  url: URL;
  access: ArmAccess;
  pager: ArmPager;
  pageSize: number;
  caller: { appId: string; objectId: string };
}

export function forbidden(rc: ReadContext, action: string, scope: string): ArmError {
  return armErrors.authorizationFailed(rc.caller.appId, rc.caller.objectId, action, scope);
}

/** The subscription must exist (404) and be readable (403 for `action`). */
export function requireSubscription(
  rc: ReadContext,
  subscriptionId: string,
  action: string,
  scope: string,
): void {
  if (!rc.index.subscriptions.has(subscriptionId.toLowerCase()))
    throw armErrors.subscriptionNotFound(subscriptionId);
  if (!rc.access.canReadSubscription(subscriptionId)) throw forbidden(rc, action, scope);
}

export function requireGroup(rc: ReadContext, subscriptionId: string, name: string): ResourceGroup {
  const group = rc.index.groups.get(groupKey(subscriptionId, name));
  if (!group) throw armErrors.resourceGroupNotFound(name);
  return group;
}

/** Management groups and the root need Reader above the subscriptions. */
export function requireManagementGroups(rc: ReadContext, action: string, scope: string): void {
  if (!rc.access.canReadManagementGroups()) throw forbidden(rc, action, scope);
}

/** A role-assignment or role-definition scope: checked as its kind needs; an unknown scope is a 404. */
export function requireScope(rc: ReadContext, scope: Scope, action: string): void {
  if (scope.kind === 'root' || scope.kind === 'managementGroup') {
    requireManagementGroups(rc, action, scope.id);
    if (
      scope.kind === 'managementGroup' &&
      !rc.index.state.managementGroups.some((g) => eqi(g.name, scope.name))
    ) {
      throw armErrors.managementGroupNotFound(scope.name);
    }
    return;
  }
  requireSubscription(rc, scope.subscriptionId, action, scope.id);
  if (scope.kind === 'subscription') return;
  requireGroup(rc, scope.subscriptionId, scope.resourceGroup);
  if (scope.kind === 'resource' && !rc.index.resourceIds.has(scope.id.toLowerCase())) {
    const parts = scope.id.split('/');
    throw armErrors.resourceNotFound(parts.slice(6, -1).join('/'), parts.at(-1)!, scope.resourceGroup);
  }
}

export const eqi = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A filtered list computed once per listing and reused by its later pages. */
export function cachedListing<T>(rc: ReadContext, key: string, build: () => T[]): readonly T[] {
  const { listings } = rc.index;
  let list = listings.get(key) as readonly T[] | undefined;
  if (!list) {
    if (listings.size >= 512) listings.clear();
    list = build();
    listings.set(key, list);
  }
  return list;
}

/** `{ value, nextLink }` for one page; `nullNextLink` where the SPECS example sends `"nextLink": null`. */
export function listPage<T, W>(
  rc: ReadContext,
  all: readonly T[],
  wire: (item: T) => W,
  options: { size?: number; nullNextLink?: boolean } = {},
): { body: unknown; objects: number } {
  const page = rc.pager.page(all, options.size ?? rc.pageSize, rc.url, rc.index.state.tenantId);
  const value = page.items.map(wire);
  const nextLink = page.nextLink ?? (options.nullNextLink ? null : undefined);
  return { body: nextLink === undefined ? { value } : { value, nextLink }, objects: value.length };
}
