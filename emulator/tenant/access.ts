// Entry point for a tenant's grants, directory roles and sign-in history (see access-model.ts).
import { generateRoleEligibilities } from './access-eligibility.ts';
import { type AccessOptions, generateAccess, principalSets } from './access-generate.ts';
import type { TenantAccess } from './access-model.ts';
import type { TenantState } from './model.ts';
import { generateSignInHistory } from './sign-in-history.ts';

export function generateTenantAccess(tenant: TenantState, options: AccessOptions): TenantAccess {
  const sets = principalSets(tenant);
  const access = generateAccess(tenant, sets, options);
  const signInHistory = generateSignInHistory(tenant, sets, options);
  // Its own stream, drawn after the rest: every part above is what it was before eligibility existed.
  const roleEligibilities = generateRoleEligibilities(tenant, sets, {
    seed: options.seed,
    now: options.now,
    assignments: access.roleAssignments,
    units: access.administrativeUnitIds,
  });
  return { ...access, roleEligibilities, signInHistory };
}
