// The owners relationship, read the same way for applications and service principals: expanded in list
// pages of 100 with the owner fields Lanyard keeps; objects at Graph's cap of 20 expanded owners are
// completed from /{collection}/{id}/owners through $batch.
import { mapOwner, type WireOwner } from '../map.ts';
import { defineResource, type ResourceDeclaration } from '../resource.ts';

export const OWNER_SELECT = 'id,displayName,userPrincipalName,accountEnabled';

export function defineOwnersResource(
  name: string,
  path: '/applications' | '/servicePrincipals',
): ResourceDeclaration {
  return defineResource<{ id?: string; owners?: WireOwner[] }>({
    name,
    path,
    query: { $select: 'id', $expand: `owners($select=${OWNER_SELECT})`, $top: '100' },
    permission: 'Application.Read.All',
    expansion: {
      property: 'owners',
      fullList: (id) => `${path}/${id}/owners?$select=${OWNER_SELECT}&$top=999`,
      mapItems: (objectId, items) => [
        { aspect: 'owners', objectId, owners: (items as WireOwner[]).map(mapOwner) },
      ],
    },
    map: (raw) => [{ aspect: 'owners', objectId: raw.id ?? '', owners: (raw.owners ?? []).map(mapOwner) }],
  });
}
