// `GET /applications/delta` and `/servicePrincipals/delta` (v1.0 and beta; facts §3, delta overview):
// - no token: the initial round, every object that exists now, in pages;
// - `$deltatoken`: the objects changed since the round that issued it, in the tenant's change history
//   (tenant/changes.ts): created and updated ones as objects, deleted ones as `{id, @removed: {reason}}`;
// - pages end in `@odata.nextLink` (`$skiptoken`) or, on the last one, `@odata.deltaLink` (`$deltatoken`),
//   never both; query options are given on the first request only and carried in the tokens;
// - a token past its lifetime (seven days), unknown or revoked by the control API answers as the
//   deltaTokenExpiry reading says; a forced resync is 410 Gone with a Location to start over.
// Tokens are opaque, HMAC-signed over the tenant and collection, and say where in the history they stand.
import { createHmac, randomBytes } from 'node:crypto';
import { type ChangeEntry, changeLogOf, entriesBetween } from '../tenant/changes.ts';
import { discoverDirectChanges } from '../tenant/shadow.ts';
import type { CollectionDef } from './collections.ts';
import { GraphError } from './errors.ts';
import { compileFilter, type FilterTable } from './filter.ts';
import { createProjector } from './projection.ts';
import { contextUrl, type ReadContext, type ReadResult, selectFragment } from './read-context.ts';
import { entitySchema } from './schema.ts';
import { snapshotOf } from './snapshot.ts';

type Collection = 'applications' | 'servicePrincipals';

/** What a token carries: where its round stands in the history and the options of the round's first request. */
interface TokenState {
  /** `d`: a deltaLink's token (the next round starts after `q`); `s`: a nextLink's, inside a round. */
  k: 'd' | 's';
  /** The round's start in the history: changes after this seq are the next round's (or this round's). */
  q: number;
  /** A changes round (`s` only): the last seq it covers, fixed at its first request. Absent: initial round. */
  u?: number;
  /** `s`: position in the round, and the id of the last object sent (the initial round resumes after it). */
  p?: number;
  l?: string;
  /** `$select` and the `$filter` of the first request. */
  sel?: string[];
  f?: string;
  /** Control generation and emulated time it was issued at: revocations and lifetime are checked against them. */
  g: number;
  t: number;
}

const SECRET = randomBytes(32);

function sign(scope: string, payload: string): string {
  return createHmac('sha256', SECRET)
    .update(scope)
    .update('\n')
    .update(payload)
    .digest('base64url')
    .slice(0, 22);
}

const scopeOf = (x: ReadContext, collection: Collection) => `${x.tenant.id}\n${collection}`;

function encode(x: ReadContext, collection: Collection, state: TokenState): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${sign(scopeOf(x, collection), payload)}`;
}

function decode(x: ReadContext, collection: Collection, token: string): TokenState | null {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || sign(scopeOf(x, collection), payload) !== signature)
    return null;
  try {
    const state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenState;
    return typeof state.q === 'number' && typeof state.g === 'number' ? state : null;
  } catch {
    return null;
  }
}

const SYNC_STATE_NOT_FOUND =
  'The sync state generation is not found. The delta token is expired and data must be synchronized again.';

/** The expired or unknown token's answer, as the reading says (readings.ts, deltaTokenExpiry). */
function expired(x: ReadContext): GraphError {
  switch (x.readings.deltaTokenExpiry) {
    case 'syncStateNotFound':
      return new GraphError(400, 'syncStateNotFound', SYNC_STATE_NOT_FOUND);
    case 'gone':
      return new GraphError(410, 'syncStateNotFound', SYNC_STATE_NOT_FOUND);
    case 'resyncRequired':
      return new GraphError(
        410,
        'resyncRequired',
        'The delta token is no longer valid, and the app must reset the sync state.',
      );
  }
}

/** The initial request's URL with an empty `$deltaToken`, for a forced resync's Location (delta overview). */
function restartUrl(x: ReadContext, state: TokenState): string {
  const parts = [
    ...(state.sel ? [`$select=${state.sel.join(',')}`] : []),
    ...(state.f ? [`$filter=${encodeURIComponent(state.f)}`] : []),
    '$deltatoken=',
  ];
  return `${x.url.origin}${x.url.pathname}?${parts.join('&')}`;
}

function checkToken(x: ReadContext, state: TokenState | null): TokenState {
  if (!state) throw expired(x);
  const log = changeLogOf(x.tenant);
  if (state.g < log.resetBelow) {
    throw new GraphError(410, 'resyncRequired', 'Resync is required.', { location: restartUrl(x, state) });
  }
  if (state.g < log.expiredBelow || x.now - state.t > x.limits.deltaTokenLifetimeMs) throw expired(x);
  return state;
}

const ID_FILTER: FilterTable = {
  resource: 'Application',
  properties: [{ name: 'id', kind: 'id', ops: ['eq'] }],
};

/** The one `$filter` delta supports on these resources: `id eq … or id eq …` (delta pages of both). */
function idFilter(text: string | undefined, resource: string): ((id: string) => boolean) | null {
  if (!text) return null;
  const { predicate } = compileFilter(text, { ...ID_FILTER, resource }, { eventual: false, count: false });
  return (id) => predicate({ id });
}

/** Where an object stands at the end of a changes round: removed, or changed in these properties. */
interface Folded {
  id: string;
  last: number;
  removed?: 'changed' | 'deleted';
  created: boolean;
  properties: Set<string>;
}

/** The changes of one collection after `since` up to `upTo`, one per object, in the order of their last change. */
function foldChanges(
  x: ReadContext,
  collection: Collection,
  since: number,
  upTo: number,
  select: string[] | undefined,
  keep: ((id: string) => boolean) | null,
): Folded[] {
  const selected = select ? new Set(select.map((s) => s.toLowerCase())) : null;
  const relationships = x.readings.deltaRelationshipChanges === 'shown';
  const byId = new Map<string, Folded>();
  const visible = (e: ChangeEntry) => {
    if (e.kind === 'relationship') return relationships;
    if (e.kind !== 'updated' || !selected) return true;
    // $select narrows tracking to the selected properties (as documented for users and groups).
    return e.properties.some((p) => selected.has(p.toLowerCase()));
  };
  for (const e of entriesBetween(changeLogOf(x.tenant), since, upTo)) {
    if (e.collection !== collection || !visible(e) || (keep && !keep(e.id))) continue;
    let folded = byId.get(e.id);
    if (!folded) {
      folded = { id: e.id, last: e.seq, created: false, properties: new Set() };
      byId.set(e.id, folded);
    }
    folded.last = e.seq;
    if (e.kind === 'deleted') {
      folded.removed = e.reason ?? 'changed';
      continue;
    }
    // Restored or created after a removal: an object again (objects restored from deletedItems show as new).
    if (folded.removed) folded.created = true;
    folded.removed = undefined;
    if (e.kind === 'created') folded.created = true;
    if (e.kind === 'updated') for (const p of e.properties) folded.properties.add(p);
  }
  return [...byId.values()].sort((a, b) => a.last - b.last);
}

export function deltaCollection(x: ReadContext, def: CollectionDef): ReadResult {
  const collection = def.name as Collection;
  const { query } = x;
  const deltaParam = query.deltatoken;
  if (query.expand.length > 0) {
    // Neither delta page documents $expand, and the overview says navigation properties are not tracked.
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      `The query option '$expand' is not supported on delta of 'microsoft.graph.${def.type}'.`,
    );
  }
  if (query.skiptoken !== undefined && (query.select || query.filter)) {
    // "Delta queries with both $select and $skipToken will not be supported" (delta overview).
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      'Query options cannot be combined with $skiptoken on delta.',
    );
  }
  if (deltaParam && deltaParam !== 'latest' && (query.select || query.filter)) {
    throw new GraphError(
      400,
      'Request_UnsupportedQuery',
      'Query options cannot be combined with $deltatoken on delta.',
    );
  }
  // A round starts here: edits made to the tenant without mutate.ts are recorded first (tenant/shadow.ts).
  if (query.skiptoken === undefined) discoverDirectChanges(x.tenant, x.now);
  const log = changeLogOf(x.tenant);
  let state: TokenState;
  if (query.skiptoken !== undefined) {
    state = checkToken(x, decode(x, collection, query.skiptoken));
    if (state.k !== 's') throw expired(x);
  } else if (deltaParam === 'latest') {
    if (x.readings.deltaLatest === 'reject') {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        `The delta token 'latest' is not supported for 'microsoft.graph.${def.type}'.`,
      );
    }
    // "Sync from now": a deltaLink and no objects.
    const latest: TokenState = {
      k: 'd',
      q: log.seq,
      g: log.generation,
      t: x.now,
      ...(query.select ? { sel: query.select } : {}),
      ...(query.filter ? { f: query.filter } : {}),
    };
    return page(x, def, [], latest, { after: latest.q });
  } else if (deltaParam) {
    const from = checkToken(x, decode(x, collection, deltaParam));
    if (from.k !== 'd') throw expired(x);
    // A new round of changes: everything after the token's position, up to now.
    state = { ...from, k: 's', u: log.seq, p: 0, g: from.g, t: x.now };
    delete state.l;
  } else {
    // The initial round (also `$deltatoken=` empty, the forced resync's Location).
    state = {
      k: 's',
      q: log.seq,
      p: 0,
      g: log.generation,
      t: x.now,
      ...(query.select ? { sel: query.select } : {}),
      ...(query.filter ? { f: query.filter } : {}),
    };
  }
  const keep = idFilter(state.f, def.type === 'application' ? 'Application' : 'ServicePrincipal');
  const size = x.limits.deltaPageSize;
  const map = def.entries(x.tenant);
  const project = createProjector({
    schema: entitySchema(x.version, def.type),
    select: state.sel,
    defaults: def.defaults(x.version),
    selectOnly: def.selectOnly,
  });
  if (state.u === undefined) {
    // Initial round: the objects that exist, from the collection's snapshot; resumes after the last id sent if
    // the collection changed between pages (objects created meanwhile are in the next round anyway).
    const items = snapshotOf(map).items.filter((e) => !keep || keep(String(def.objectOf(e).id)));
    let start = Math.min(state.p ?? 0, items.length);
    if (start > 0 && state.l !== undefined && String(def.objectOf(items[start - 1]).id) !== state.l) {
      const found = items.findIndex((e) => String(def.objectOf(e).id) === state.l);
      if (found >= 0) start = found + 1;
    }
    const slice = items.slice(start, start + size);
    const value = slice.map((e) => project(def.objectOf(e)));
    const end = start + slice.length;
    const last = slice.length > 0 ? String(def.objectOf(slice[slice.length - 1]).id) : state.l;
    return page(
      x,
      def,
      value,
      state,
      end < items.length ? { next: { ...state, p: end, ...(last ? { l: last } : {}) } } : { after: state.q },
    );
  }
  const changes = foldChanges(x, collection, state.q, state.u, state.sel, keep);
  const start = Math.min(state.p ?? 0, changes.length);
  const slice = changes.slice(start, start + size);
  const value = slice.map((c) => {
    const entry = map.get(c.id);
    // Gone since the round began: reported removed now, and again by the next round (replays are allowed).
    if (c.removed || entry === undefined) return { id: c.id, '@removed': { reason: c.removed ?? 'changed' } };
    const full = project(def.objectOf(entry));
    if (c.created || x.readings.deltaChangedProperties === 'all') return full;
    // An update: the id and the (selected) properties that changed.
    const out: Record<string, unknown> = { id: c.id };
    const changed = new Set([...c.properties].map((p) => p.toLowerCase()));
    for (const [name, v] of Object.entries(full)) if (changed.has(name.toLowerCase())) out[name] = v;
    return out;
  });
  const end = start + slice.length;
  return page(
    x,
    def,
    value,
    state,
    end < changes.length ? { next: { ...state, p: end } } : { after: state.u },
  );
}

/**
 * One page: a nextLink when the round goes on (`next`), else the deltaLink that starts the next round after
 * `after` in the history, issued now.
 */
function page(
  x: ReadContext,
  def: CollectionDef,
  value: unknown[],
  round: TokenState,
  end: { next: TokenState } | { after: number },
): ReadResult {
  const collection = def.name as Collection;
  const body: Record<string, unknown> = {
    '@odata.context': contextUrl(x, selectFragment(def.name, round.sel)),
  };
  const base = `${x.url.origin}${x.url.pathname}`;
  if ('next' in end) {
    body['@odata.nextLink'] = `${base}?$skiptoken=${encode(x, collection, end.next)}`;
  } else {
    const done: TokenState = {
      k: 'd',
      q: end.after,
      g: changeLogOf(x.tenant).generation,
      t: x.now,
      ...(round.sel ? { sel: round.sel } : {}),
      ...(round.f ? { f: round.f } : {}),
    };
    body['@odata.deltaLink'] = `${base}?$deltatoken=${encode(x, collection, done)}`;
  }
  body.value = value;
  return { status: 200, body, objects: value.length };
}
