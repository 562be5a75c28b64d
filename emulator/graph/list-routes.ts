// Collection reads: list (filter, page, project, expand), raw `$count`, and the owners and
// federatedIdentityCredentials of one object. Unfiltered pages are slices of the collection snapshot, so a
// page costs its own size, not the tenant's.
import type { EmulatedApplication } from '../tenant/model.ts';
import type { CollectionDef } from './collections.ts';
import { createOwnerProjection, type DirectoryItem, resolveOwner } from './directory-objects.ts';
import { graphErrors } from './errors.ts';
import { createExpander } from './expand.ts';
import { compileFilter, type FilterTable, filteredIds } from './filter.ts';
import { findEntry } from './object-routes.ts';
import { nextLink, pageScope } from './paging.ts';
import { createProjector } from './projection.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './query.ts';
import { contextUrl, type ReadContext, type ReadResult, selectFragment } from './read-context.ts';
import type { ObjectKey } from './routes.ts';
import { entitySchema } from './schema.ts';
import { filteredView, snapshotOf } from './snapshot.ts';

/** `rawCount`: /$count stands in for `$count=true` in the advanced-query rule. */
function matching(
  x: ReadContext,
  def: CollectionDef,
  rawCount = false,
): { all: readonly unknown[]; advanced: boolean } {
  const map = def.entries(x.tenant);
  if (!x.query.filter) return { all: snapshotOf(map).items, advanced: false };
  const consistency = { eventual: x.query.eventual, count: x.query.count || rawCount };
  const { predicate, advanced } = compileFilter(x.query.filter, def.filter, consistency);
  const ids = filteredIds(x.query.filter);
  if (ids) {
    // Ids are stored lowercase; a directory comparison is case-insensitive. Each object once, in id order given.
    const found = new Map<string, unknown>();
    for (const id of ids) {
      const entry = map.get(id.toLowerCase()) ?? map.get(id);
      if (entry !== undefined && predicate(def.objectOf(entry))) found.set(id.toLowerCase(), entry);
    }
    return { all: [...found.values()], advanced };
  }
  const fresh = rawCount || x.query.skiptoken === undefined;
  return { all: filteredView(map, x.query.filter, (e) => predicate(def.objectOf(e)), fresh), advanced };
}

/** Builds `{@odata.context, @odata.count?, @odata.nextLink?, value}` in Graph's key order. */
function listBody(x: ReadContext, fragment: string, total: number, next: string | null, value: unknown[]) {
  const body: Record<string, unknown> = { '@odata.context': contextUrl(x, fragment) };
  // @odata.count needs ConsistencyLevel (an ignored $count otherwise) and appears on the first page only.
  if (x.query.count && x.query.eventual && x.query.skiptoken === undefined) body['@odata.count'] = total;
  if (next) body['@odata.nextLink'] = nextLink(x.url, next);
  body.value = value;
  return body;
}

export function listCollection(x: ReadContext, def: CollectionDef): ReadResult {
  const { all, advanced } = matching(x, def);
  const expand = createExpander(x, def, 'list');
  if (expand && advanced) throw graphErrors.unsupportedQuery();
  const size = Math.min(x.query.top ?? DEFAULT_PAGE_SIZE, expand ? x.limits.expandPageLimit : MAX_PAGE_SIZE);
  const page = x.pager.page(all, size, x.query.skiptoken, pageScope(x.tenant.id, x.url), (e) =>
    String(def.objectOf(e).id),
  );
  const project = createProjector({
    schema: entitySchema(x.version, def.type),
    select: x.query.select,
    defaults: def.defaults(x.version),
    selectOnly: def.selectOnly,
  });
  const value = page.items.map((e) =>
    expand ? expand(e, project(def.objectOf(e))) : project(def.objectOf(e)),
  );
  const fragment = selectFragment(def.name, x.query.select);
  return { status: 200, body: listBody(x, fragment, all.length, page.next, value), objects: value.length };
}

export function countCollection(x: ReadContext, def: CollectionDef): ReadResult {
  if (!x.query.eventual) throw graphErrors.rawCountNeedsConsistency();
  const { all } = matching(x, def, true);
  return { status: 200, body: String(all.length), contentType: 'text/plain', objects: 0 };
}

export function listOwners(x: ReadContext, def: CollectionDef, key: ObjectKey): ReadResult {
  const entry = findEntry(x, def, key);
  if (x.query.filter || x.query.expand.length > 0)
    throw graphErrors.emulatorUnsupported('$filter/$expand on owners');
  const owners = def
    .ownersOf(entry)
    .map((link) => resolveOwner(x.tenant, link))
    .filter((o): o is DirectoryItem => o !== undefined);
  const project = createOwnerProjection(x, x.query.select);
  const size = x.query.top ?? DEFAULT_PAGE_SIZE;
  const page = x.pager.page(owners, size, x.query.skiptoken, pageScope(x.tenant.id, x.url), (o) =>
    String(o.object.id),
  );
  const value = page.items.map(project);
  return {
    status: 200,
    body: listBody(x, 'directoryObjects', owners.length, page.next, value),
    objects: value.length,
  };
}

const FIC_FILTER: FilterTable = {
  resource: 'FederatedIdentityCredential',
  properties: [
    { name: 'name', kind: 'string', ops: ['eq'] },
    { name: 'subject', kind: 'string', ops: ['eq'] },
    { name: 'issuer', kind: 'string', ops: ['eq'] },
  ],
};

export function listFederatedIdentityCredentials(
  x: ReadContext,
  def: CollectionDef,
  key: ObjectKey,
): ReadResult {
  const entry = findEntry(x, def, key) as EmulatedApplication;
  if (x.query.expand.length > 0)
    throw graphErrors.emulatorUnsupported('$expand on federatedIdentityCredentials');
  let all = entry.federatedIdentityCredentials as unknown as Record<string, unknown>[];
  if (x.query.filter) all = all.filter(compileFilter(x.query.filter, FIC_FILTER, x.query).predicate);
  const project = createProjector({
    schema: entitySchema(x.version, 'federatedIdentityCredential'),
    select: x.query.select,
  });
  const page = x.pager.page(
    all,
    x.query.top ?? DEFAULT_PAGE_SIZE,
    x.query.skiptoken,
    pageScope(x.tenant.id, x.url),
    (c) => String(c.id),
  );
  const value = page.items.map(project);
  const fragment = `applications('${String(def.objectOf(entry).id)}')/federatedIdentityCredentials`;
  return { status: 200, body: listBody(x, fragment, all.length, page.next, value), objects: value.length };
}
