// Owners of every application, expanded in list pages (100 objects, 2 RU a page instead of 1 RU per app);
// apps at Graph's cap of 20 expanded owners are completed from /applications/{id}/owners through $batch.
import type { Application } from '@microsoft/microsoft-graph-types';
import { mapOwner, type WireOwner } from '../map.ts';
import { defineResource } from '../resource.ts';

export const OWNER_SELECT = 'id,displayName,userPrincipalName,accountEnabled';

export const applicationOwners = defineResource<Application & { owners?: WireOwner[] }>({
  name: 'application-owners',
  path: '/applications',
  query: { $select: 'id', $expand: `owners($select=${OWNER_SELECT})`, $top: '100' },
  permission: 'Application.Read.All',
  expansion: {
    property: 'owners',
    fullList: (id) => `/applications/${id}/owners?$select=${OWNER_SELECT}&$top=999`,
    mapItems: (objectId, items) => [
      { aspect: 'owners', objectId, owners: (items as WireOwner[]).map(mapOwner) },
    ],
  },
  map: (raw) => [{ aspect: 'owners', objectId: raw.id ?? '', owners: (raw.owners ?? []).map(mapOwner) }],
});
