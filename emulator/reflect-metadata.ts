// The slice of the Reflect metadata API that tsyringe (a dependency of @peculiar/x509) insists on at load
// time. Imported before @peculiar/x509; a no-op if a full polyfill is already installed.
type MetadataMap = Map<unknown, unknown>;

const store = new WeakMap<object, Map<PropertyKey | undefined, MetadataMap>>();

function ownMap(target: object, key: PropertyKey | undefined, create: boolean): MetadataMap | undefined {
  let byKey = store.get(target);
  if (!byKey) {
    if (!create) return undefined;
    byKey = new Map();
    store.set(target, byKey);
  }
  let map = byKey.get(key);
  if (!map && create) {
    map = new Map();
    byKey.set(key, map);
  }
  return map;
}

const api = {
  defineMetadata(metadataKey: unknown, value: unknown, target: object, key?: PropertyKey): void {
    ownMap(target, key, true)?.set(metadataKey, value);
  },
  getOwnMetadata(metadataKey: unknown, target: object, key?: PropertyKey): unknown {
    return ownMap(target, key, false)?.get(metadataKey);
  },
  getMetadata(metadataKey: unknown, target: object, key?: PropertyKey): unknown {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const map = ownMap(t, key, false);
      if (map?.has(metadataKey)) return map.get(metadataKey);
    }
    return undefined;
  },
};

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  for (const [name, fn] of Object.entries(api)) reflect[name] = fn;
}
