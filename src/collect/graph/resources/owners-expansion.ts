// The owners relationship, read the same way for applications and service principals: expanded in list
// pages of 100 with the owner fields Lanyard keeps; objects at Graph's cap of 20 expanded owners are
// completed from /{collection}/{id}/owners through $batch.
//
// Graph's known-issues page says directory objects take no nested $select inside $expand, while the v1.0
// metadata says owners do: where it is refused, a plain $expand (default owner properties, accountEnabled
// from the list of disabled users) costs the same; per-object reads are the last resort.
import type { IdentityKind } from '../../../core/inventory.ts';
import { mapOwner, type WireOwner } from '../map.ts';
import { defineResource, type ResourceDeclaration } from '../resource.ts';

// `mail` (users only) is where alerts go first: a userPrincipalName is not always a mailbox. A plain $expand returns
// it too (v1.0's default user properties include it).
export const OWNER_SELECT = 'id,displayName,userPrincipalName,accountEnabled,mail';

export function defineOwnersResource(
  name: string,
  path: '/applications' | '/servicePrincipals',
  kind: IdentityKind,
): ResourceDeclaration {
  return defineResource<{ id?: string; owners?: WireOwner[] }>({
    name,
    part: { kind, aspect: 'owners' },
    optional: true,
    path,
    query: { $select: 'id', $expand: `owners($select=${OWNER_SELECT})`, $top: '100' },
    fallbacks: [
      {
        id: 'plain-expand',
        cost: 'same requests and RU; larger pages, and one read of the disabled users for accountEnabled',
        query: { $select: 'id', $expand: 'owners', $top: '100' },
      },
      { id: 'per-object', cost: 'one $batch item and 1 RU per object instead of ~0.02 RU', perObject: true },
    ],
    permission: 'Application.Read.All',
    expansion: {
      property: 'owners',
      fullList: (id) => `${path}/${id}/owners?$select=${OWNER_SELECT}&$top=999`,
      mapItems: (objectId, items, context) => [
        { aspect: 'owners', objectId, owners: (items as WireOwner[]).map((o) => mapOwner(o, context)) },
      ],
    },
    map: (raw, context) => [
      {
        aspect: 'owners',
        objectId: raw.id ?? '',
        owners: (raw.owners ?? []).map((o) => mapOwner(o, context)),
      },
    ],
  });
}
