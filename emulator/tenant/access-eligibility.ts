// Eligible directory roles (PIM) for a generated tenant, drawn from their own side stream
// (deriveSeed(seed, 'access:eligibility')) after every other part of access: nothing drawn before moves.
// Shares are documented in emulator/README.md ("Blast radius and last use"); keep the two in step.
import { grantTime, type PrincipalSets, some } from './access-generate.ts';
import { hashGuid, roleEligibilityId } from './access-ids.ts';
import type { StoredRoleAssignment, StoredRoleEligibility } from './access-model.ts';
import * as roles from './directory-roles.ts';
import type { TenantState } from './model.ts';
import { createRandom, DAY, deriveSeed, isoMillis, isoSeconds } from './random.ts';

/** Roles made eligible rather than held: admin roles mostly, tier-0 ones rarely. */
const SP_ELIGIBLE_WEIGHTS: readonly [string, number][] = [
  [roles.APPLICATION_ADMINISTRATOR, 20],
  [roles.CLOUD_APPLICATION_ADMINISTRATOR, 15],
  [roles.USER_ADMINISTRATOR, 10],
  [roles.GLOBAL_READER, 10],
  [roles.SECURITY_ADMINISTRATOR, 8],
  [roles.EXCHANGE_ADMINISTRATOR, 8],
  [roles.GROUPS_ADMINISTRATOR, 5],
  [roles.HELPDESK_ADMINISTRATOR, 5],
  [roles.INTUNE_ADMINISTRATOR, 4],
  [roles.GLOBAL_ADMINISTRATOR, 4],
  [roles.PRIVILEGED_ROLE_ADMINISTRATOR, 4],
  [roles.PRIVILEGED_AUTHENTICATION_ADMINISTRATOR, 2],
];

/** Roles people are eligible for: [role, min, max] users. */
const USER_ELIGIBLE: readonly [string, number, number][] = [
  [roles.GLOBAL_ADMINISTRATOR, 1, 3],
  [roles.PRIVILEGED_ROLE_ADMINISTRATOR, 0, 1],
  [roles.SECURITY_ADMINISTRATOR, 0, 2],
  [roles.USER_ADMINISTRATOR, 1, 2],
  [roles.EXCHANGE_ADMINISTRATOR, 0, 2],
  [roles.GLOBAL_READER, 0, 2],
];

/** Own apps from which a tenant has the scoped and tier-0 eligibilities below. */
const GUARANTEED_FROM = 20;

export interface EligibilityInputs {
  seed: number;
  now: number;
  /** The tenant's role assignments: one principal holding a role is also made eligible for it. */
  assignments: readonly StoredRoleAssignment[];
  /** Administrative units roles may be scoped to. */
  units: readonly string[];
}

export function generateRoleEligibilities(
  tenant: TenantState,
  sets: PrincipalSets,
  inputs: EligibilityInputs,
): StoredRoleEligibility[] {
  const rng = createRandom(deriveSeed(inputs.seed, 'access:eligibility'));
  const { now, units } = inputs;
  const users = [...tenant.users.values()].filter((u) => u.accountEnabled !== false);
  const appObjectIds = [...tenant.applications.keys()];
  const out: StoredRoleEligibility[] = [];
  const taken = new Set<string>();

  const appScope = () => `/${rng.pick(appObjectIds)}`;
  const unitScope = () => `/administrativeUnits/${rng.pick(units)}`;
  const scopeFor = (role: string): string => {
    if (roles.APP_SCOPABLE_ROLES.has(role) && appObjectIds.length > 0 && rng.chance(0.2)) return appScope();
    if (roles.UNIT_SCOPABLE_ROLES.has(role) && units.length > 0 && rng.chance(0.12)) return unitScope();
    return '/';
  };
  const eligible = (
    principalId: string,
    kind: StoredRoleEligibility['principalKind'],
    role: string,
    start: number,
    scope?: string,
  ) => {
    // One eligibility per principal and role, so the ids (role + principal) stay unique.
    if (taken.has(`${principalId}|${role}`)) return;
    taken.add(`${principalId}|${role}`);
    const id = roleEligibilityId(role, principalId);
    // 60% permanently eligible; the rest until a midnight 30 days to a year after generation.
    const end = rng.chance(0.6) ? null : Math.floor(now / DAY + rng.int(30, 365)) * DAY;
    out.push({
      id,
      principalId,
      principalKind: kind,
      roleDefinitionId: role,
      directoryScopeId: scope ?? scopeFor(role),
      startDateTime: isoMillis(start + rng.int(0, 999)),
      endDateTime: end === null ? null : isoSeconds(end),
      memberType: 'Direct',
      roleEligibilityScheduleId: hashGuid(`${id}|schedule`),
    });
  };
  const spStart = (sp: (typeof sets.own)[number]) => grantTime(rng, sets, sp, now);
  const weights = SP_ELIGIBLE_WEIGHTS.map(([, w]) => w);
  const pickRole = () => SP_ELIGIBLE_WEIGHTS[rng.weighted(weights)]![0];

  for (const sp of some(rng, sets.own, 0.01))
    eligible(sp.object.id!, 'servicePrincipal', pickRole(), spStart(sp));
  for (const sp of some(rng, sets.managed, 0.005, 100))
    eligible(sp.object.id!, 'servicePrincipal', pickRole(), spStart(sp));

  /** An own-app principal made eligible for `role` at `scope`, one not yet eligible for it. */
  const guarantee = (role: string, scope: () => string) => {
    const free = sets.own.filter((sp) => !taken.has(`${sp.object.id}|${role}`));
    if (free.length === 0) return;
    const sp = rng.pick(free);
    eligible(sp.object.id!, 'servicePrincipal', role, spStart(sp), scope());
  };
  if (sets.own.length >= GUARANTEED_FROM) {
    // A tier-0 role an app can activate tenant-wide: the case eligibility exists in Lanyard for.
    guarantee(rng.pick([roles.GLOBAL_ADMINISTRATOR, roles.PRIVILEGED_ROLE_ADMINISTRATOR]), () => '/');
    // Scoped to one application, and to an administrative unit.
    guarantee(roles.APPLICATION_ADMINISTRATOR, appScope);
    if (units.length > 0) guarantee(roles.USER_ADMINISTRATOR, unitScope);
    // A principal holding a role and eligible for it too, at the same scope (an activation shows both).
    const held = inputs.assignments.filter((a) => a.principalKind === 'servicePrincipal');
    if (held.length > 0) {
      const a = rng.pick(held);
      const sp = tenant.servicePrincipals.get(a.principalId);
      const start = sp ? spStart(sp) : rng.timeBetween(now - 365 * DAY, now - DAY);
      eligible(a.principalId, 'servicePrincipal', a.roleDefinitionId, start, a.directoryScopeId);
    }
  }

  for (const [role, min, max] of USER_ELIGIBLE) {
    for (const i of rng.sample(users.length, Math.min(users.length, rng.int(min, max))))
      eligible(users[i]!.id!, 'user', role, rng.timeBetween(now - 2 * 365 * DAY, now - DAY));
  }
  return out;
}
