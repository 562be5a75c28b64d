// Graph's resource-unit accounting for identity reads, mirrored so the local budget spends what Graph will.
// Source: learn.microsoft.com/graph/throttling-limits, "Identity and access service limits" (facts §1.2).

export interface RequestCost {
  /** Resource units Graph charges against the app+tenant budget. */
  resourceUnits: number;
  /** True when the request also counts against the 150 requests/min/tenant limit on `$select=keyCredentials`. */
  keyCredentials: boolean;
}

/** Base costs that differ from the default of 1; `{id}` stands for any single path segment. */
const BASE_COSTS: [pattern: string, method: string, cost: number][] = [
  ['applications', 'GET', 2],
  // Not listed separately; charged like the list (the stricter reading) and corrected by x-ms-resource-unit.
  ['applications/{id}', 'GET', 2],
  ['applications/{id}/extensionProperties', 'GET', 2],
  ['oauth2PermissionGrants', 'GET', 2],
  ['oauth2PermissionGrants/{id}', 'GET', 2],
  ['servicePrincipals/{id}/appRoleAssignments', 'GET', 2],
  ['users', 'GET', 2],
  ['groups/{id}/members', 'GET', 3],
  ['groups/{id}/transitiveMembers', 'GET', 5],
  ['directoryObjects/getByIds', 'POST', 5],
  ['getObjectsById', 'POST', 5],
  ['me/memberOf', 'GET', 2],
  ['me/ownedObjects', 'GET', 2],
  ['me/transitiveMemberOf', 'GET', 2],
];

/** Splits a Graph URL or path into resource segments (after `v1.0`/`beta`) and query parameters. */
export function parseGraphPath(pathOrUrl: string): { segments: string[]; query: URLSearchParams } {
  const url = new URL(pathOrUrl, 'https://graph.invalid/');
  let segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const version = segments.findIndex((s) => s === 'v1.0' || s === 'beta');
  if (version >= 0) segments = segments.slice(version + 1);
  return { segments, query: url.searchParams };
}

/** Reads a system query option with or without its `$` (v1.0 accepts both). */
export function queryOption(query: URLSearchParams, name: string): string | null {
  return query.get(`$${name}`) ?? query.get(name);
}

function matches(pattern: string, segments: string[]): boolean {
  const parts = pattern.split('/');
  return parts.length === segments.length && parts.every((p, i) => p === '{id}' || p === segments[i]);
}

export function estimateCost(method: string, pathOrUrl: string): RequestCost {
  const verb = method.toUpperCase();
  const { segments, query } = parseGraphPath(pathOrUrl);
  const base = BASE_COSTS.find(([pattern, m]) => m === verb && matches(pattern, segments))?.[2] ?? 1;
  const select = queryOption(query, 'select');
  const expand = queryOption(query, 'expand');
  const top = Number(queryOption(query, 'top') ?? Number.NaN);
  let cost = base;
  if (select) cost -= 1;
  if (expand) cost += 1;
  if (top < 20) cost -= 1;
  const listsOrGetsKeys =
    verb === 'GET' &&
    segments.length <= 2 &&
    (segments[0] === 'applications' || segments[0] === 'servicePrincipals') &&
    (select ?? '').split(',').some((p) => p.trim().toLowerCase() === 'keycredentials');
  return { resourceUnits: Math.max(1, cost), keyCredentials: listsOrGetsKeys };
}
