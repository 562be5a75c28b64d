// Builds the per-request function that turns a stored directory object into what Graph returns: the
// `$select`ed properties (or the type's defaults), `keyCredentials[].key` nulled outside single-object
// gets, `secretText` always null. Built once per request so each object costs a few property reads.
import { graphErrors } from './errors.ts';
import type { EntitySchema, PropertyInfo } from './schema.ts';

export type Projector = (source: object) => Record<string, unknown>;

export interface ProjectionSpec {
  schema: EntitySchema;
  /** Raw `$select` names; undefined means the type's default set. */
  select?: string[];
  /** Default properties when there is no `$select`; undefined: everything stored but `selectOnly`. */
  defaults?: readonly string[];
  /** Properties Graph returns only when named in `$select` (e.g. application.authenticationBehaviors). */
  selectOnly?: readonly string[];
  /** `@odata.type` written first, for directoryObject-typed results (owners, getByIds). */
  odataType?: string;
  /** `keyCredentials[].key` is returned only by a single-object GET that selects keyCredentials. */
  keepKeys?: boolean;
}

/** Resolves `$select` names case-insensitively; an unknown name is Graph's 400. */
export function resolveSelect(schema: EntitySchema, names: readonly string[]): PropertyInfo[] {
  const seen = new Set<string>();
  const out: PropertyInfo[] = [];
  for (const raw of names) {
    if (raw === '*') {
      for (const p of schema.properties.values()) if (!p.navigation && !seen.has(p.name)) out.push(p);
      for (const p of out) seen.add(p.name);
      continue;
    }
    const info = schema.properties.get(raw.toLowerCase());
    if (!info) throw graphErrors.unknownProperty(raw, schema.type);
    if (!seen.has(info.name)) {
      seen.add(info.name);
      out.push(info);
    }
  }
  return out;
}

type Credential = Record<string, unknown>;

function stripKeys(list: unknown): unknown {
  if (!Array.isArray(list) || !list.some((k: Credential) => k?.key != null)) return list;
  return list.map((k: Credential) => ({ ...k, key: null }));
}

/** Graph lists passwordCredentials with `secretText: null`; a value is returned only by addPassword. */
function stripSecrets(list: unknown): unknown {
  if (!Array.isArray(list) || !list.some((p: Credential) => p?.secretText != null)) return list;
  return list.map((p: Credential) => ({ ...p, secretText: null }));
}

function sanitize(name: string, value: unknown, keepKeys: boolean): unknown {
  if (name === 'passwordCredentials') return stripSecrets(value);
  if (name === 'keyCredentials' && !keepKeys) return stripKeys(value);
  return value;
}

function pick(props: PropertyInfo[], odataType: string | undefined, keepKeys: boolean): Projector {
  const structural = props.filter((p) => !p.navigation);
  return (source) => {
    const src = source as Record<string, unknown>;
    const out: Record<string, unknown> = odataType ? { '@odata.type': odataType } : {};
    for (const p of structural) {
      const value = src[p.name];
      out[p.name] = value == null ? (p.collection ? [] : null) : sanitize(p.name, value, keepKeys);
    }
    return out;
  };
}

export function createProjector(spec: ProjectionSpec): Projector {
  const keepKeys = spec.keepKeys ?? false;
  if (spec.select) return pick(resolveSelect(spec.schema, spec.select), spec.odataType, keepKeys);
  if (spec.defaults) {
    const known = spec.defaults.filter((n) => spec.schema.properties.has(n.toLowerCase()));
    return pick(resolveSelect(spec.schema, known), spec.odataType, keepKeys);
  }
  const selectOnly = spec.selectOnly ?? [];
  const odataType = spec.odataType;
  return (source) => {
    const src = source as Record<string, unknown>;
    const keys = keepKeys ? src.keyCredentials : stripKeys(src.keyCredentials);
    const passwords = stripSecrets(src.passwordCredentials);
    const hidden = selectOnly.some((n) => n in src);
    // Fast path: most stored objects need no copy at all.
    if (!odataType && !hidden && keys === src.keyCredentials && passwords === src.passwordCredentials)
      return src;
    const out: Record<string, unknown> = odataType ? { '@odata.type': odataType, ...src } : { ...src };
    if (src.keyCredentials !== undefined) out.keyCredentials = keys;
    if (src.passwordCredentials !== undefined) out.passwordCredentials = passwords;
    for (const n of selectOnly) delete out[n];
    return out;
  };
}
