// Property names of Graph entity types, read from Microsoft's own typings (v1.0 and beta), so `$select`
// validation follows the published schema instead of a hand-kept list.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type GraphVersion = 'v1.0' | 'beta';

export interface PropertyInfo {
  /** Canonical spelling, as Graph writes it in responses. */
  name: string;
  collection: boolean;
  /** A relationship (entity-typed): expandable, never returned as data. */
  navigation: boolean;
}

export interface EntitySchema {
  /** Graph type name, e.g. `application` (used in `microsoft.graph.application`). */
  type: string;
  /** Keyed by lower-cased name: Graph matches property names case-insensitively. */
  properties: Map<string, PropertyInfo>;
}

interface ParsedInterface {
  base: string | null;
  props: { name: string; typeText: string }[];
}

const PACKAGES: Record<GraphVersion, string> = {
  'v1.0': '@microsoft/microsoft-graph-types/package.json',
  beta: '@microsoft/microsoft-graph-types-beta/package.json',
};

const parsedByVersion = new Map<GraphVersion, Map<string, ParsedInterface>>();
const schemaCache = new Map<string, EntitySchema>();

function parseTypings(version: GraphVersion): Map<string, ParsedInterface> {
  const cached = parsedByVersion.get(version);
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve(PACKAGES[version])), 'microsoft-graph.d.ts');
  const interfaces = new Map<string, ParsedInterface>();
  let current: ParsedInterface | null = null;
  // Only top-level interfaces: nested namespaces (callRecords, …) are indented and skipped.
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (current) {
      if (line.startsWith('}')) {
        current = null;
        continue;
      }
      const prop = /^ {4}(\w+)\??: (.+);$/.exec(line);
      if (prop) current.props.push({ name: prop[1]!, typeText: prop[2]! });
      continue;
    }
    const head = /^export interface (\w+)(?: extends (\w+))? \{(\})?$/.exec(line);
    if (head) {
      const parsed: ParsedInterface = { base: head[2] ?? null, props: [] };
      interfaces.set(head[1]!, parsed);
      // `export interface X extends Y {}` opens and closes on one line.
      if (!head[3]) current = parsed;
    }
  }
  parsedByVersion.set(version, interfaces);
  return interfaces;
}

function isEntity(interfaces: Map<string, ParsedInterface>, name: string): boolean {
  for (let cur: string | null = name, depth = 0; cur && depth < 20; depth++) {
    if (cur === 'Entity') return true;
    cur = interfaces.get(cur)?.base ?? null;
  }
  return false;
}

/** Schema of `typeName` (e.g. `application`, `servicePrincipal`) including inherited properties. */
export function entitySchema(version: GraphVersion, typeName: string): EntitySchema {
  const key = `${version}:${typeName}`;
  const cached = schemaCache.get(key);
  if (cached) return cached;
  const interfaces = parseTypings(version);
  const interfaceName = typeName[0]!.toUpperCase() + typeName.slice(1);
  if (!interfaces.has(interfaceName)) throw new Error(`no Graph type ${typeName} in ${version} typings`);
  const properties = new Map<string, PropertyInfo>();
  for (let cur: string | null = interfaceName; cur; cur = interfaces.get(cur)?.base ?? null) {
    for (const { name, typeText } of interfaces.get(cur)?.props ?? []) {
      const element = typeText.replace(/NullableOption<|>|\[\]/g, '').trim();
      properties.set(name.toLowerCase(), {
        name,
        collection: typeText.includes('[]'),
        navigation: isEntity(interfaces, element),
      });
    }
  }
  const schema = { type: typeName, properties };
  schemaCache.set(key, schema);
  return schema;
}

/** Merges schemas, for directoryObject-typed results (owners, getByIds) that hold several types. */
export function unionSchema(type: string, schemas: EntitySchema[]): EntitySchema {
  const properties = new Map<string, PropertyInfo>();
  for (const schema of schemas) for (const [k, v] of schema.properties) properties.set(k, v);
  return { type, properties };
}
