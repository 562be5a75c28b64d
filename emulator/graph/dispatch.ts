// One Graph request (a top-level call or a `$batch` item) through the same steps: route, cost, throttle,
// permission, query options, read. Every authenticated request is charged its resource units before it is
// answered, 4xx included, as the throttling service sits in front of the directory.
import type { CallerIdentity, Clock, SignInRecord } from '../context.ts';
import { listDirectoryAudits } from '../reports/audits.ts';
import { listSignInActivities, listSignIns } from '../reports/routes.ts';
import type { TenantState } from '../tenant/model.ts';
import {
  listAppRoleAssignments,
  listPermissionGrants,
  listRoleAssignments,
  listRoleDefinitions,
  listRoleEligibilities,
} from './access-routes.ts';
import { COLLECTIONS } from './collections.ts';
import { resourceUnits } from './cost.ts';
import { deltaCollection } from './delta.ts';
import { errorBody, GraphError, graphErrors, type RequestIds, throttledBody } from './errors.ts';
import {
  countCollection,
  listCollection,
  listFederatedIdentityCredentials,
  listOwners,
} from './list-routes.ts';
import { getByIds, getFederatedIdentityCredential, getObject, getOrganization } from './object-routes.ts';
import type { Pager } from './paging.ts';
import { assertAllowed } from './permissions.ts';
import {
  listConditionalAccessPolicies,
  listRiskDetections,
  listRiskyServicePrincipals,
} from './protection-routes.ts';
import { type ParsedQuery, parseQuery } from './query.ts';
import type { GraphLimits, ReadContext, ReadResult } from './read-context.ts';
import type { GraphReadings } from './readings.ts';
import { isReportsPath, matchRoute, pathSegments, type Route } from './routes.ts';
import type { GraphVersion } from './schema.ts';
import type { Throttle } from './throttle.ts';

export const JSON_CONTENT_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export interface GraphRuntime {
  throttle: Throttle;
  pager: Pager;
  limits: GraphLimits;
  readings: GraphReadings;
  clock: Clock;
  /** The login endpoint's record of token requests (the live array, emptied in place by resetLog). */
  signIns: readonly SignInRecord[];
  onInternalError(error: unknown): void;
}

export interface SubRequest {
  method: string;
  version: GraphVersion;
  /** Absolute URL; its path starts with /{version}. */
  url: URL;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface Outcome {
  status: number;
  /** Lower-cased names; request ids are added by the caller. */
  headers: Record<string, string>;
  body: unknown;
  contentType: string;
  objects: number;
  resourceUnits: number;
  throttled: boolean;
}

function execute(route: Route, x: ReadContext): ReadResult {
  switch (route.kind) {
    case 'organization':
      return getOrganization(x, route.id);
    case 'list':
      return listCollection(x, COLLECTIONS[route.collection]);
    case 'count':
      return countCollection(x, COLLECTIONS[route.collection]);
    case 'get':
      return getObject(x, COLLECTIONS[route.collection], route.key);
    case 'owners':
      return listOwners(x, COLLECTIONS[route.collection], route.key);
    case 'federatedIdentityCredentials':
      return route.credentialId === undefined
        ? listFederatedIdentityCredentials(x, COLLECTIONS.applications, route.key)
        : getFederatedIdentityCredential(x, COLLECTIONS.applications, route.key, route.credentialId);
    case 'getByIds':
      return getByIds(x);
    case 'batch':
      throw graphErrors.badRequest('A $batch request cannot be nested in a batch.');
    case 'appRoleAssignments':
      return listAppRoleAssignments(x, route.direction, route.key);
    case 'oauth2PermissionGrants':
      return listPermissionGrants(x, route.id);
    case 'roleDefinitions':
      return listRoleDefinitions(x, route.id);
    case 'roleAssignments':
      return listRoleAssignments(x, route.id);
    case 'roleEligibilityScheduleInstances':
      return listRoleEligibilities(x, route.id);
    case 'signInActivities':
      return listSignInActivities(x, route.report, route.id);
    case 'signIns':
      return listSignIns(x, route.id);
    case 'directoryAudits':
      return listDirectoryAudits(x, route.id);
    case 'conditionalAccessPolicies':
      return listConditionalAccessPolicies(x, route.id);
    case 'riskyServicePrincipals':
      return listRiskyServicePrincipals(x, route.id);
    case 'servicePrincipalRiskDetections':
      return listRiskDetections(x, route.id);
    case 'delta':
      return deltaCollection(x, COLLECTIONS[route.collection]);
  }
}

/** Sign-in logs page up to 1,000 (facts §6.3); everything else up to 999. */
const SIGN_IN_MAX_TOP = 1000;

function selectsKeyCredentials(route: Route | null, query: ParsedQuery | null): boolean {
  if (!route || (route.kind !== 'list' && route.kind !== 'get') || route.collection === 'users') return false;
  return query?.select?.some((n) => n.toLowerCase() === 'keycredentials') ?? false;
}

export function errorOutcome(error: GraphError, ids: RequestIds, resourceUnits: number): Outcome {
  return {
    status: error.status,
    headers: { ...error.headers, 'x-ms-resource-unit': String(resourceUnits) },
    body: errorBody(error.code, error.message, ids),
    contentType: JSON_CONTENT_TYPE,
    objects: 0,
    resourceUnits,
    throttled: false,
  };
}

export function dispatch(
  rt: GraphRuntime,
  caller: CallerIdentity,
  tenant: TenantState,
  request: SubRequest,
  ids: RequestIds,
): Outcome {
  let route: Route | null = null;
  let failure: unknown = null;
  let reports = false;
  try {
    const segments = pathSegments(request.url.pathname.slice(request.version.length + 1));
    reports = isReportsPath(segments);
    route = matchRoute(request.method, segments, request.version);
  } catch (error) {
    failure = error;
  }
  let query: ParsedQuery | null = null;
  try {
    query = parseQuery(
      request.url.searchParams,
      request.headers,
      route?.kind === 'signIns' ? SIGN_IN_MAX_TOP : undefined,
    );
  } catch (error) {
    failure ??= error;
  }
  const ru = resourceUnits(route, query);
  const decision = rt.throttle.check({
    tenantId: tenant.id,
    appId: caller.appId,
    size: tenant.size,
    resourceUnits: ru,
    selectsKeyCredentials: selectsKeyCredentials(route, query),
    reports,
  });
  const headers: Record<string, string> = { 'x-ms-resource-unit': String(ru) };
  if (decision.limitPercentage > 0.8) {
    headers['x-ms-throttle-limit-percentage'] = String(Math.round(decision.limitPercentage * 100) / 100);
  }
  if (decision.throttled) {
    headers['retry-after'] = String(decision.retryAfterSeconds);
    headers['x-ms-throttle-scope'] = decision.scope ?? '';
    headers['x-ms-throttle-information'] = decision.information ?? '';
    const body = throttledBody(ids);
    return {
      status: 429,
      headers,
      body,
      contentType: JSON_CONTENT_TYPE,
      objects: 0,
      resourceUnits: ru,
      throttled: true,
    };
  }
  try {
    if (failure) throw failure;
    assertAllowed(route!, caller.roles);
    if (query!.deltatoken !== undefined && route!.kind !== 'delta')
      throw new GraphError(400, 'BadRequest', "Query option '$deltatoken' is not supported.");
    const x: ReadContext = {
      tenant,
      version: request.version,
      url: request.url,
      query: query!,
      body: request.body,
      pager: rt.pager,
      limits: rt.limits,
      readings: rt.readings,
      roles: caller.roles,
      now: rt.clock.now(),
      signIns: rt.signIns,
    };
    const result = execute(route!, x);
    return {
      status: result.status,
      headers,
      body: result.body,
      contentType: result.contentType ?? JSON_CONTENT_TYPE,
      objects: result.objects,
      resourceUnits: ru,
      throttled: false,
    };
  } catch (error) {
    if (error instanceof GraphError) {
      const out = errorOutcome(error, ids, ru);
      return { ...out, headers: { ...headers, ...out.headers } };
    }
    rt.onInternalError(error);
    return errorOutcome(graphErrors.internal(), ids, ru);
  }
}
