// Which application permissions (the token's `roles`) allow each route, least privileged first, as the
// permission tables of Graph's API reference list them for application access.
import { graphErrors } from './errors.ts';
import type { Route } from './routes.ts';

const APPLICATIONS = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;
const USERS = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;
const ORGANIZATION = [
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;
const DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All'] as const;

/** Whether the caller may read objects of this type in full where a directoryObject collection holds them. */
export function mayReadType(type: 'user' | 'servicePrincipal' | 'application', roles: readonly string[]) {
  const allowing: readonly string[] = type === 'user' ? USERS : APPLICATIONS;
  return allowing.some((r) => roles.includes(r));
}

/** Roles any one of which allows the route; empty for $batch (its items are checked one by one). */
export function rolesAllowing(route: Route): readonly string[] {
  switch (route.kind) {
    case 'batch':
      return [];
    case 'organization':
      return ORGANIZATION;
    case 'getByIds':
      return DIRECTORY;
    case 'federatedIdentityCredentials':
      return APPLICATIONS;
    default:
      return route.collection === 'users' ? USERS : APPLICATIONS;
  }
}

export function assertAllowed(route: Route, roles: readonly string[]): void {
  const allowing = rolesAllowing(route);
  if (allowing.length > 0 && !allowing.some((r) => roles.includes(r)))
    throw graphErrors.insufficientPrivileges();
}
