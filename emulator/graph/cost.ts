// Resource units a request costs (facts §1.2): base cost per route, then $select −1, $expand +1,
// $top < 20 −1, never below 1.
import type { ParsedQuery } from './query.ts';
import type { Route } from './routes.ts';

function baseCost(route: Route | null, query: ParsedQuery | null): number {
  if (!route) return 1;
  // A delta page is charged as a page of the collection's list (GET applications 2, servicePrincipals 1).
  if (
    (route.kind === 'list' || route.kind === 'delta') &&
    (route.collection === 'applications' || route.collection === 'users')
  )
    return 2;
  // GET oauth2PermissionGrants[/{id}] and servicePrincipals/{id}/appRoleAssignments are listed at 2;
  // appRoleAssignedTo and roleManagement are not listed, so 1 (facts §1.2).
  if (route.kind === 'oauth2PermissionGrants') return 2;
  if (route.kind === 'appRoleAssignments' && route.direction === 'assignments') return 2;
  // getByIds is 5, and 2 with $select: a base of 3 when selecting, so the generic −1 lands on 2.
  if (route.kind === 'getByIds') return query?.select ? 3 : 5;
  return 1;
}

/** `query` is null when the query options could not be parsed (the request still costs). */
export function resourceUnits(route: Route | null, query: ParsedQuery | null): number {
  let cost = baseCost(route, query);
  if (query?.select) cost -= 1;
  if (query && query.expand.length > 0) cost += 1;
  if (query?.top !== undefined && query.top < 20) cost -= 1;
  return Math.max(1, cost);
}
