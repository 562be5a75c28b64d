// Owners of every service principal: 100 a page at 1 RU, instead of 1 RU per service principal.
import { defineOwnersResource } from './owners-expansion.ts';

export const servicePrincipalOwners = defineOwnersResource(
  'service-principal-owners',
  '/servicePrincipals',
  'servicePrincipal',
);
