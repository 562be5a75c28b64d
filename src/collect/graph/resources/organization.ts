// The tenant itself: its id (which service principals count as our own) and name.
import type { Organization } from '@microsoft/microsoft-graph-types';
import { defineResource } from '../resource.ts';

export const organization = defineResource<Organization>({
  name: 'organization',
  path: '/organization',
  query: { $select: 'id,displayName' },
  // Not covered by Application.Read.All: the collector falls back to the token's tenant id without it.
  permission: 'Organization.Read.All',
  map: () => [],
});
