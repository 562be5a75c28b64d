// Every service principal (applications, managed identities, Microsoft's and vendors'), with credentials.
import type { ServicePrincipal } from '@microsoft/microsoft-graph-types';
import { mapServicePrincipal } from '../map.ts';
import { defineResource } from '../resource.ts';

export const servicePrincipals = defineResource<ServicePrincipal>({
  name: 'service-principals',
  part: { kind: 'servicePrincipal', aspect: 'identity' },
  path: '/servicePrincipals',
  query: {
    // createdDateTime is not a servicePrincipal property in v1.0 or beta; Graph rejects it in $select.
    $select:
      'id,appId,displayName,servicePrincipalType,appOwnerOrganizationId,accountEnabled,alternativeNames,signInAudience,passwordCredentials,keyCredentials',
    $top: '999',
  },
  // Service principals outnumber applications (Microsoft's, vendors', managed identities): this is the list
  // that reads whole objects when the two together would wait on the keyCredentials limit.
  wholeObjectsQuery: { $top: '999' },
  permission: 'Application.Read.All',
  map: (raw, context) => [{ aspect: 'identity', identity: mapServicePrincipal(raw, context) }],
});
