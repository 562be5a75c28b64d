// Paging, projection and the list body for collections that are not directory objects (grants, role
// assignments, reports, sign-ins): the same `@odata.nextLink`/`$skiptoken`, `$select` and `@odata.count`
// rules as the directory lists (facts §2), over an array built for the listing.
import { graphErrors } from './errors.ts';
import { nextLink, pageScope } from './paging.ts';
import { createProjector } from './projection.ts';
import { DEFAULT_PAGE_SIZE } from './query.ts';
import { contextUrl, type ReadContext, type ReadResult, selectFragment } from './read-context.ts';
import { entitySchema } from './schema.ts';

export interface ListSpec<T> {
  /** `@odata.context` fragment, e.g. `oauth2PermissionGrants`; `$select` is appended as Graph writes it. */
  fragment: string;
  /** Graph type of the items, for `$select` (e.g. `oAuth2PermissionGrant`). */
  type: string;
  items: readonly T[];
  idOf(item: T): string;
  toObject(item: T): Record<string, unknown>;
  /** Page size without `$top`: 100 for directory-style lists. */
  defaultTop?: number;
}

export function pageList<T>(x: ReadContext, spec: ListSpec<T>): ReadResult {
  if (x.query.expand.length > 0) throw graphErrors.emulatorUnsupported(`$expand on ${spec.fragment}`);
  const project = createProjector({ schema: entitySchema(x.version, spec.type), select: x.query.select });
  const size = x.query.top ?? spec.defaultTop ?? DEFAULT_PAGE_SIZE;
  const page = x.pager.page(spec.items, size, x.query.skiptoken, pageScope(x.tenant.id, x.url), spec.idOf);
  const value = page.items.map((item) => project(spec.toObject(item)));
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(x, selectFragment(spec.fragment, x.query.select)),
  };
  // As on directory lists: @odata.count needs ConsistencyLevel and is on the first page only.
  if (x.query.count && x.query.eventual && x.query.skiptoken === undefined)
    body['@odata.count'] = spec.items.length;
  if (page.next) body['@odata.nextLink'] = nextLink(x.url, page.next);
  body.value = value;
  return { status: 200, body, objects: value.length };
}

/** One item by id, `{@odata.context: …/$entity, …}`; Graph's 404 when absent. */
export function singleItem(
  x: ReadContext,
  fragment: string,
  type: string,
  id: string,
  object: Record<string, unknown> | undefined,
): ReadResult {
  if (!object) throw graphErrors.resourceNotFound(id);
  const project = createProjector({ schema: entitySchema(x.version, type), select: x.query.select });
  const context = contextUrl(x, `${selectFragment(fragment, x.query.select)}/$entity`);
  return { status: 200, body: { '@odata.context': context, ...project(object) }, objects: 0 };
}

const views = new WeakMap<object, Map<string, unknown[]>>();
const MAX_VIEWS = 16;

/**
 * The array one listing pages through: built on its first page (so edits show in the next listing) and
 * reused by the pages that follow, which carry the same path and options plus `$skiptoken`.
 */
export function listingView<T>(x: ReadContext, build: () => T[]): T[] {
  let byScope = views.get(x.tenant);
  if (!byScope) {
    byScope = new Map();
    views.set(x.tenant, byScope);
  }
  const key = pageScope(x.tenant.id, x.url);
  const cached = x.query.skiptoken === undefined ? undefined : (byScope.get(key) as T[] | undefined);
  if (cached) return cached;
  const built = build();
  byScope.delete(key);
  if (byScope.size >= MAX_VIEWS) {
    const oldest = byScope.keys().next().value;
    if (oldest !== undefined) byScope.delete(oldest);
  }
  byScope.set(key, built);
  return built;
}
