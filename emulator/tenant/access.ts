// Entry point for a tenant's grants, directory roles and sign-in history (see access-model.ts).
import { type AccessOptions, generateAccess, principalSets } from './access-generate.ts';
import type { TenantAccess } from './access-model.ts';
import type { TenantState } from './model.ts';
import { generateSignInHistory } from './sign-in-history.ts';

export function generateTenantAccess(tenant: TenantState, options: AccessOptions): TenantAccess {
  const sets = principalSets(tenant);
  const access = generateAccess(tenant, sets, options);
  const signInHistory = generateSignInHistory(tenant, sets, options);
  return { ...access, signInHistory };
}
