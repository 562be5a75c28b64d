// Application objects with their secrets and certificates: one list at Graph's largest page.
import type { Application } from '@microsoft/microsoft-graph-types';
import { mapApplication } from '../map.ts';
import { defineResource } from '../resource.ts';

export const applications = defineResource<Application>({
  name: 'applications',
  part: { kind: 'application', aspect: 'identity' },
  path: '/applications',
  query: {
    // $select costs 1 RU instead of 2 per page but counts against the 150/min keyCredentials limit: at 999
    // objects a page, that limit binds only past ~150,000 applications a minute.
    $select:
      'id,appId,displayName,signInAudience,createdDateTime,publisherDomain,passwordCredentials,keyCredentials',
    $top: '999',
  },
  permission: 'Application.Read.All',
  map: (raw, context) => [{ aspect: 'identity', identity: mapApplication(raw, context) }],
});
