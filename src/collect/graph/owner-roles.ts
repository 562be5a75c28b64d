// The directory roles of the users who own applications and service principals. An owner can add a credential to
// what they own and sign in as it, so what the workload holds weighs against what its owners hold themselves
// (the tier0_app_owner_not_tier0 check). No request of its own: the access part already reads the
// tenant-wide role lists (roleAssignments and roleEligibilityScheduleInstances name users too), and the owners
// facts are given those roles as they are delivered.
//
// Unknown is never "none": an owner gets `directoryRoles` only when every role list was read completely; a list
// refused (a permission missing) or cut short leaves the field absent, which reads as unknown.
import type { Grant } from '../../core/access.ts';
import type { IdentityFact } from '../../core/facts.ts';
import type { Owner } from '../../core/inventory.ts';
import { type DirectoryRoles, rolesByPrincipal } from './access.ts';

/** Every principal's directory roles, or null when the role lists were not read completely. */
export type PrincipalRoles = ReadonlyMap<string, readonly Grant[]> | null;

/**
 * The roles of every principal once the role lists are read; null (unknown) when they were not: the reading's
 * own failure is the access part's to report.
 */
export function principalRolesOf(reading: Promise<DirectoryRoles>): Promise<PrincipalRoles> {
  return reading.then(rolesByPrincipal, () => null);
}

/** Whether a page of facts holds an owner the roles are for (so pages without one need not wait for them). */
export function needsOwnerRoles(facts: readonly IdentityFact[]): boolean {
  return facts.some((fact) => fact.aspect === 'owners' && fact.owners.some(isUserOwner));
}

/** The facts with each user owner's roles (`[]` for a user holding none); unchanged when the roles are unknown. */
export function withOwnerRoles(facts: IdentityFact[], roles: PrincipalRoles): IdentityFact[] {
  if (!roles) return facts;
  return facts.map((fact) =>
    fact.aspect === 'owners' && fact.owners.some(isUserOwner)
      ? {
          ...fact,
          owners: fact.owners.map((owner) =>
            isUserOwner(owner) ? { ...owner, directoryRoles: [...(roles.get(owner.objectId) ?? [])] } : owner,
          ),
        }
      : fact,
  );
}

/**
 * Users, and owners Graph gave by id only (`kind` unknown: the reader may not read users, but the role lists
 * still name them): a service principal's roles are its own access, read as such.
 */
function isUserOwner(owner: Owner): boolean {
  return owner.kind === 'user' || owner.kind === 'unknown';
}
