// Array snapshots of a tenant's collections (Maps), so a page is a slice by position instead of a walk of
// the Map, plus cached secondary indexes (appId, userPrincipalName) and filtered views.
// A snapshot is rebuilt when its Map's size changes. Code that replaces an entry under an existing key, or
// edits an appId / userPrincipalName in place, must call `forgetSnapshot(map)`; other in-place edits of
// stored objects need nothing (filtered views are re-evaluated on each listing's first page).

export interface Snapshot<T> {
  items: T[];
  /** Changes whenever the snapshot is rebuilt; part of cache keys and page tokens' validity. */
  stamp: number;
}

interface Entry {
  size: number;
  snapshot: Snapshot<unknown>;
  indexes: Map<string, Map<string, unknown>>;
  filtered: Map<string, unknown[]>;
}

const entries = new WeakMap<Map<string, unknown>, Entry>();
let nextStamp = 1;
/** Filtered views kept per collection; old ones are dropped first. */
const MAX_FILTERED_VIEWS = 16;

function entryOf(map: Map<string, unknown>): Entry {
  let entry = entries.get(map);
  if (!entry || entry.size !== map.size) {
    entry = {
      size: map.size,
      snapshot: { items: [...map.values()], stamp: nextStamp++ },
      indexes: new Map(),
      filtered: new Map(),
    };
    entries.set(map, entry);
  }
  return entry;
}

export function snapshotOf<T>(map: Map<string, T>): Snapshot<T> {
  return entryOf(map as Map<string, unknown>).snapshot as Snapshot<T>;
}

export function forgetSnapshot(map: Map<string, unknown>): void {
  entries.delete(map);
}

/** Looks up by a secondary key (lower-cased), building the index once per snapshot. */
export function lookupBy<T>(
  map: Map<string, T>,
  indexName: string,
  keyOf: (item: T) => string | null | undefined,
  key: string,
): T | undefined {
  const entry = entryOf(map as Map<string, unknown>);
  let index = entry.indexes.get(indexName);
  if (!index) {
    index = new Map();
    for (const item of entry.snapshot.items as T[]) {
      const k = keyOf(item);
      if (k) index.set(k.toLowerCase(), item);
    }
    entry.indexes.set(indexName, index);
  }
  return index.get(key.toLowerCase()) as T | undefined;
}

/**
 * The items matching a filter. `fresh` (a listing's first page) evaluates the filter again, so edits made
 * in place show up in the next listing; the following pages reuse that view, so one listing pages through
 * one consistent result.
 */
export function filteredView<T>(
  map: Map<string, T>,
  key: string,
  predicate: (item: T) => boolean,
  fresh: boolean,
): T[] {
  const entry = entryOf(map as Map<string, unknown>);
  let view = fresh ? undefined : (entry.filtered.get(key) as T[] | undefined);
  if (!view) {
    entry.filtered.delete(key);
    view = (entry.snapshot.items as T[]).filter(predicate);
    if (entry.filtered.size >= MAX_FILTERED_VIEWS) {
      const oldest = entry.filtered.keys().next().value;
      if (oldest !== undefined) entry.filtered.delete(oldest);
    }
    entry.filtered.set(key, view);
  }
  return view;
}
