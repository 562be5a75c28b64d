// Results typed as directoryObject (owners, getByIds, expanded owners) mix users, service principals and
// applications: each item carries `@odata.type` and only the selected properties its own type has.
import type { OwnerLink, TenantState } from '../tenant/model.ts';
import { USER_DEFAULT_PROPERTIES } from './collections.ts';
import { createProjector, type Projector, resolveSelect } from './projection.ts';
import { entitySchema, type GraphVersion, unionSchema } from './schema.ts';

export type DirectoryKind = 'user' | 'servicePrincipal' | 'application';

export interface DirectoryItem {
  kind: DirectoryKind;
  object: Record<string, unknown>;
}

export type DirectoryProjection = (item: DirectoryItem) => Record<string, unknown>;

/** Validates `select` against the union of `kinds` (an unknown name is a 400) and builds the projector. */
export function createDirectoryProjection(
  version: GraphVersion,
  kinds: readonly DirectoryKind[],
  select: readonly string[] | undefined,
): DirectoryProjection {
  const schemas = kinds.map((k) => entitySchema(version, k));
  if (select) resolveSelect(unionSchema('directoryObject', schemas), select);
  const byKind = new Map<DirectoryKind, Projector>();
  kinds.forEach((kind, i) => {
    const schema = schemas[i]!;
    byKind.set(
      kind,
      createProjector({
        schema,
        select: select?.filter((n) => n === '*' || schema.properties.has(n.toLowerCase())),
        defaults: kind === 'user' && version === 'v1.0' ? USER_DEFAULT_PROPERTIES : undefined,
        selectOnly: kind === 'application' ? ['authenticationBehaviors'] : [],
        odataType: `#microsoft.graph.${kind}`,
      }),
    );
  });
  return (item) => byKind.get(item.kind)!(item.object);
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
