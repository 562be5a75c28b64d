// Results typed as directoryObject (owners, getByIds, expanded owners) mix users, service principals and
// applications: each item carries `@odata.type` and only the selected properties its own type has. An item
// of a type the caller may not read keeps `@odata.type` and `id`, every other property null ([] for lists).
import type { OwnerLink, TenantState } from '../tenant/model.ts';
import { USER_DEFAULT_PROPERTIES } from './collections.ts';
import { mayReadType } from './permissions.ts';
import { createProjector, type Projector, resolveSelect } from './projection.ts';
import type { ReadContext } from './read-context.ts';
import { entitySchema, type GraphVersion, unionSchema } from './schema.ts';

export type DirectoryKind = 'user' | 'servicePrincipal' | 'application';

export interface DirectoryItem {
  kind: DirectoryKind;
  object: Record<string, unknown>;
}

export type DirectoryProjection = (item: DirectoryItem) => Record<string, unknown>;

/**
 * Graph's "limited information returned for inaccessible member objects" (permissions-overview): the type
 * and id, which the client needs to tell the object apart, even when `$select` did not name id.
 */
function limited(projected: Record<string, unknown>, source: object): Record<string, unknown> {
  const out: Record<string, unknown> = {
    '@odata.type': projected['@odata.type'],
    id: (source as { id?: unknown }).id ?? null,
  };
  for (const [name, value] of Object.entries(projected)) {
    if (!(name in out)) out[name] = Array.isArray(value) ? [] : null;
  }
  return out;
}

/**
 * Validates `select` against the union of `kinds` (an unknown name is a 400) and builds the projector;
 * `readable` says which kinds come back in full (default: all).
 */
export function createDirectoryProjection(
  version: GraphVersion,
  kinds: readonly DirectoryKind[],
  select: readonly string[] | undefined,
  readable: (kind: DirectoryKind) => boolean = () => true,
): DirectoryProjection {
  const schemas = kinds.map((k) => entitySchema(version, k));
  if (select) resolveSelect(unionSchema('directoryObject', schemas), select);
  const byKind = new Map<DirectoryKind, Projector>();
  kinds.forEach((kind, i) => {
    const schema = schemas[i]!;
    const project = createProjector({
      schema,
      select: select?.filter((n) => n === '*' || schema.properties.has(n.toLowerCase())),
      defaults: kind === 'user' && version === 'v1.0' ? USER_DEFAULT_PROPERTIES : undefined,
      selectOnly: kind === 'application' ? ['authenticationBehaviors'] : [],
      odataType: `#microsoft.graph.${kind}`,
    });
    byKind.set(kind, readable(kind) ? project : (object) => limited(project(object), object));
  });
  return (item) => byKind.get(item.kind)!(item.object);
}

/** Owners (listed or expanded) of an application or service principal, as this caller may see them. */
export function createOwnerProjection(x: ReadContext, select: readonly string[] | undefined) {
  const readable = x.readings.limitedOwnerInformation
    ? (kind: DirectoryKind) => mayReadType(kind, x.roles)
    : undefined;
  return createDirectoryProjection(x.version, ['user', 'servicePrincipal'], select, readable);
}

export function resolveOwner(tenant: TenantState, link: OwnerLink): DirectoryItem | undefined {
  if (link.kind === 'user') {
    const user = tenant.users.get(link.id);
    return user ? { kind: 'user', object: user as Record<string, unknown> } : undefined;
  }
  const sp = tenant.servicePrincipals.get(link.id);
  return sp ? { kind: 'servicePrincipal', object: sp.object as Record<string, unknown> } : undefined;
}

export function findDirectoryObject(tenant: TenantState, id: string): DirectoryItem | undefined {
  const app = tenant.applications.get(id);
  if (app) return { kind: 'application', object: app.object as Record<string, unknown> };
  const sp = tenant.servicePrincipals.get(id);
  if (sp) return { kind: 'servicePrincipal', object: sp.object as Record<string, unknown> };
  const user = tenant.users.get(id);
  return user ? { kind: 'user', object: user as Record<string, unknown> } : undefined;
}
