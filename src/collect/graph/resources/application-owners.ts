// Owners of every application: 100 applications a page at 2 RU, instead of 1 RU per application.
import { defineOwnersResource } from './owners-expansion.ts';

export const applicationOwners = defineOwnersResource('application-owners', '/applications', 'application');
