// Federated identity credentials of every application, expanded in list pages of 100. Entra allows at most
// 20 per application (learn.microsoft.com, workload identity federation limits), the same as the expansion
// cap, so an expanded list is always complete and never read again.
import type { Application, FederatedIdentityCredential } from '@microsoft/microsoft-graph-types';
import { mapFederatedCredential } from '../map.ts';
import { defineResource } from '../resource.ts';

export const applicationFederatedCredentials = defineResource<Application>({
  name: 'application-federated-credentials',
  path: '/applications',
  query: { $select: 'id', $expand: 'federatedIdentityCredentials', $top: '100' },
  permission: 'Application.Read.All',
  expansion: {
    property: 'federatedIdentityCredentials',
    fullList: (id) => `/applications/${id}/federatedIdentityCredentials?$top=999`,
    relationshipLimit: 20,
    mapItems: (objectId, items) => [
      {
        aspect: 'federated',
        objectId,
        credentials: (items as FederatedIdentityCredential[]).map((c) =>
          mapFederatedCredential(c, 'application'),
        ),
      },
    ],
  },
  map: (raw) => [
    {
      aspect: 'federated',
      objectId: raw.id ?? '',
      credentials: (raw.federatedIdentityCredentials ?? []).map((c) =>
        mapFederatedCredential(c, 'application'),
      ),
    },
  ],
});
