// Owners of every service principal, expanded in list pages of 100 (1 RU a page); those at the cap of 20
// are completed from /servicePrincipals/{id}/owners through $batch.
import type { ServicePrincipal } from '@microsoft/microsoft-graph-types';
import { mapOwner, type WireOwner } from '../map.ts';
import { defineResource } from '../resource.ts';
import { OWNER_SELECT } from './application-owners.ts';

export const servicePrincipalOwners = defineResource<ServicePrincipal & { owners?: WireOwner[] }>({
  name: 'service-principal-owners',
  path: '/servicePrincipals',
  query: { $select: 'id', $expand: `owners($select=${OWNER_SELECT})`, $top: '100' },
  permission: 'Application.Read.All',
  expansion: {
    property: 'owners',
    fullList: (id) => `/servicePrincipals/${id}/owners?$select=${OWNER_SELECT}&$top=999`,
    mapItems: (objectId, items) => [
      { aspect: 'owners', objectId, owners: (items as WireOwner[]).map(mapOwner) },
    ],
  },
  map: (raw) => [{ aspect: 'owners', objectId: raw.id ?? '', owners: (raw.owners ?? []).map(mapOwner) }],
});
