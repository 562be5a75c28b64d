// `$expand` of owners / federatedIdentityCredentials on applications and service principals, with Graph's
// directory limits: at most 20 expanded items per object and no nextLink inside (facts §2), and only one
// expanded navigation property per request (the stricter reading; see GraphLimits). Nested options and the
// federated credentials of a list follow the Graph readings in force (readings.ts).
import type { EmulatedApplication } from '../tenant/model.ts';
import type { CollectionDef } from './collections.ts';
import { createOwnerProjection, resolveOwner } from './directory-objects.ts';
import { graphErrors } from './errors.ts';
import { createProjector } from './projection.ts';
import type { ExpandOption } from './query.ts';
import type { ReadContext } from './read-context.ts';
import { federatedCredentialsListExpand } from './readings.ts';
import { entitySchema } from './schema.ts';

/** Adds the expanded relationship to an already projected object (never mutating the stored one). */
export type Expander = (entry: unknown, projected: Record<string, unknown>) => Record<string, unknown>;

function checkNested(x: ReadContext, option: ExpandOption): void {
  if (option.nested.length === 0) return;
  // The body a field report got for a nested $select (microsoft-graph-docs issue 12838).
  if (x.readings.nestedExpandOptions === 'reject') throw graphErrors.invalidSelect();
  const other = option.nested.find((n) => !/^\s*\$select\s*=/i.test(n));
  if (other) throw graphErrors.emulatorUnsupported(`The nested option '${other}' in $expand`);
}

/** `scope` 'list': the expansion is on a collection read, where some readings refuse it. */
export function createExpander(
  x: ReadContext,
  def: CollectionDef,
  scope: 'list' | 'object',
): Expander | null {
  const options = x.query.expand;
  if (options.length === 0) return null;
  if (options.length > x.limits.maxExpandedProperties) {
    throw graphErrors.tooManyExpands(x.limits.maxExpandedProperties, options.length);
  }
  const option = options[0]!;
  const prop = entitySchema(x.version, def.type).properties.get(option.name.toLowerCase());
  if (!prop) throw graphErrors.unknownProperty(option.name, def.type);
  if (!prop.navigation) {
    throw graphErrors.badRequest(
      `Parsing OData Select and Expand failed: Property '${prop.name}' on type 'microsoft.graph.${def.type}' is not a navigation property or complex property. Only navigation properties can be expanded.`,
    );
  }
  const fics = prop.name === 'federatedIdentityCredentials' && def.name === 'applications';
  if (fics && scope === 'list' && !federatedCredentialsListExpand(x.readings, x.version)) {
    // Our wording: the message Graph gives for a property it does not know on the type.
    throw graphErrors.unknownProperty(option.name, def.type);
  }
  checkNested(x, option);
  const cap = x.limits.expandItemLimit;
  if (prop.name === 'owners' && def.name !== 'users') {
    const project = createOwnerProjection(x, option.select);
    return (entry, projected) => {
      const owners: Record<string, unknown>[] = [];
      for (const link of def.ownersOf(entry)) {
        if (owners.length >= cap) break;
        const item = resolveOwner(x.tenant, link);
        if (item) owners.push(project(item));
      }
      return { ...projected, owners };
    };
  }
  if (fics) {
    const project = createProjector({
      schema: entitySchema(x.version, 'federatedIdentityCredential'),
      select: option.select,
    });
    return (entry, projected) => ({
      ...projected,
      federatedIdentityCredentials: (entry as EmulatedApplication).federatedIdentityCredentials
        .slice(0, cap)
        .map((c) => project(c)),
    });
  }
  throw graphErrors.emulatorUnsupported(`Expanding '${prop.name}'`);
}
