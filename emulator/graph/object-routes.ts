// Single-object reads: by id or alternate key (appId, userPrincipalName), one federated credential, the
// organization, and POST directoryObjects/getByIds.
import type { EmulatedApplication, TenantState } from '../tenant/model.ts';
import type { CollectionDef } from './collections.ts';
import { createDirectoryProjection, type DirectoryKind, findDirectoryObject } from './directory-objects.ts';
import { graphErrors } from './errors.ts';
import { createExpander } from './expand.ts';
import { createProjector } from './projection.ts';
import { contextUrl, type ReadContext, type ReadResult, selectFragment } from './read-context.ts';
import type { ObjectKey } from './routes.ts';
import { entitySchema } from './schema.ts';
import { lookupBy } from './snapshot.ts';

export function findEntry(x: ReadContext, def: CollectionDef, key: ObjectKey): unknown {
  const map = def.entries(x.tenant);
  let entry = key.by === 'id' ? map.get(key.value) : undefined;
  if (!entry && key.by === 'appId') {
    entry = lookupBy(map, 'appId', (e) => def.objectOf(e).appId as string | undefined, key.value);
  }
  // users/{id | userPrincipalName}
  if (!entry && def.name === 'users' && key.value.includes('@')) {
    entry = lookupBy(map, 'upn', (e) => def.objectOf(e).userPrincipalName as string | undefined, key.value);
  }
  if (!entry) throw graphErrors.resourceNotFound(key.value);
  return entry;
}

export function getObject(x: ReadContext, def: CollectionDef, key: ObjectKey): ReadResult {
  const entry = findEntry(x, def, key);
  const select = x.query.select;
  const project = createProjector({
    schema: entitySchema(x.version, def.type),
    select,
    defaults: def.defaults(x.version),
    selectOnly: def.selectOnly,
    // keyCredentials[].key comes back only on a single-object GET that selects keyCredentials (facts §5.3).
    keepKeys: select?.some((n) => n.toLowerCase() === 'keycredentials') ?? false,
  });
  const expand = createExpander(x, def, 'object');
  const projected = project(def.objectOf(entry));
  const object = expand ? expand(entry, projected) : projected;
  const body = { '@odata.context': contextUrl(x, `${selectFragment(def.name, select)}/$entity`), ...object };
  return { status: 200, body, objects: 0 };
}

export function getFederatedIdentityCredential(
  x: ReadContext,
  def: CollectionDef,
  key: ObjectKey,
  credential: string,
): ReadResult {
  const entry = findEntry(x, def, key) as EmulatedApplication;
  const byName = /^\(name='(.*)'\)$/.exec(credential)?.[1];
  const found = entry.federatedIdentityCredentials.find((c) =>
    byName === undefined ? c.id === credential : c.name === byName,
  );
  if (!found) throw graphErrors.resourceNotFound(credential);
  const project = createProjector({
    schema: entitySchema(x.version, 'federatedIdentityCredential'),
    select: x.query.select,
  });
  const appId = String(def.objectOf(entry).id);
  const body = {
    '@odata.context': contextUrl(x, `applications('${appId}')/federatedIdentityCredentials/$entity`),
    ...project(found),
  };
  return { status: 200, body, objects: 0 };
}

function organizationObject(tenant: TenantState): Record<string, unknown> {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    tenantType: 'AAD',
    verifiedDomains: [
      {
        capabilities: 'Email, OfficeCommunicationsOnline',
        isDefault: true,
        isInitial: true,
        name: tenant.defaultDomain,
        type: 'Managed',
      },
    ],
  };
}

export function getOrganization(x: ReadContext, id: string | undefined): ReadResult {
  if (id !== undefined && id.toLowerCase() !== x.tenant.id.toLowerCase())
    throw graphErrors.resourceNotFound(id);
  const project = createProjector({
    schema: entitySchema(x.version, 'organization'),
    select: x.query.select,
  });
  const object = project(organizationObject(x.tenant));
  const fragment = selectFragment('organization', x.query.select);
  if (id !== undefined) {
    return {
      status: 200,
      body: { '@odata.context': contextUrl(x, `${fragment}/$entity`), ...object },
      objects: 0,
    };
  }
  return { status: 200, body: { '@odata.context': contextUrl(x, fragment), value: [object] }, objects: 1 };
}

const TYPE_NAMES: Record<string, DirectoryKind> = {
  application: 'application',
  serviceprincipal: 'servicePrincipal',
  user: 'user',
};

function parseIdsBody(x: ReadContext): { ids: string[]; types: Set<DirectoryKind> | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(x.body.toString('utf8'));
  } catch {
    throw graphErrors.invalidJson();
  }
  const { ids, types } = (parsed ?? {}) as { ids?: unknown; types?: unknown };
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw graphErrors.badRequest("The request body must hold 'ids', an array of object ids.");
  }
  if (ids.length > x.limits.getByIdsLimit) {
    throw graphErrors.badRequest(`Too many ids: at most ${x.limits.getByIdsLimit} per request.`);
  }
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string'))) {
    throw graphErrors.badRequest("'types' must be an array of type names.");
  }
  const kinds =
    types === undefined
      ? null
      : new Set((types as string[]).map((t) => TYPE_NAMES[t.toLowerCase()]!).filter(Boolean));
  return { ids, types: kinds };
}

export function getByIds(x: ReadContext): ReadResult {
  const { ids, types } = parseIdsBody(x);
  const project = createDirectoryProjection(
    x.version,
    ['application', 'servicePrincipal', 'user'],
    x.query.select,
  );
  const value: Record<string, unknown>[] = [];
  for (const id of ids) {
    const item = findDirectoryObject(x.tenant, id);
    if (item && (!types || types.has(item.kind))) value.push(project(item));
  }
  return {
    status: 200,
    body: { '@odata.context': contextUrl(x, 'directoryObjects'), value },
    objects: value.length,
  };
}
