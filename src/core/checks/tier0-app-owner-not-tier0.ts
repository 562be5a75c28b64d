// A tier-0 workload owned by a user who is not tier 0 himself: an owner can add a secret or a certificate to what
// he owns and sign in as it, so the workload's rights are his too, a path to tier 0 that no role assignment shows
// (AzTier's tier breach; Maester MT.1077/1078 "Tier breach if owner less privileged"). Tier as the other checks read
// it (reach: the workload's grants, tiered by src/core/tiers, eligible roles included); an owner is tier 0 when he
// holds, or may activate (PIM), a tier-0 directory role over the whole tenant: a role scoped to an administrative
// unit or one object does not make him the workload's equal. Owners of the application and of its service principal
// count alike. One finding per such owner (keyed by the owner); an owner or owner's roles never read make the whole
// answer unknown, never "not tier 0".
import { type Grant, tierOfGrant } from '../access.ts';
import type { Owner } from '../inventory.ts';
import type { TierOverrides } from '../tiers/tier-table.ts';
import {
  carriesWorkloadFinding,
  defineCheck,
  describeReach,
  type FindingDraft,
  failWith,
  firstFew,
  notApplicable,
  ownerFindingKey,
  partsOf,
  unknown,
  workloadOwners,
} from './check.ts';

const OWNERS_UNREAD = 'its owners could not be read completely, so whether one is below tier 0 is unknown';
const ROLES_UNREAD =
  'the directory roles of its user owners are unknown (the role lists were not read completely, or the scan did not read access): grant RoleManagement.Read.Directory and run a full scan';

/** Service principals that own it hold their roles as their own access; only people are judged here. */
const isPerson = (owner: Owner) => owner.kind !== 'servicePrincipal';

function holdsTier0(roles: readonly Grant[], tiers: TierOverrides | undefined): boolean {
  return roles.some((role) => (role.scope ?? '/') === '/' && tierOfGrant(role, tiers).tier === 0);
}

function ownerName(owner: Owner): string {
  const upn = owner.userPrincipalName && owner.userPrincipalName !== owner.displayName;
  if (owner.displayName) return `${owner.displayName}${upn ? ` (${owner.userPrincipalName})` : ''}`;
  return owner.userPrincipalName ?? `${owner.objectId} (details not readable)`;
}

export default defineCheck({
  id: 'tier0_app_owner_not_tier0',
  title: 'Tier-0 workload owned by a user below tier 0',
  severity: 'high',
  rationale:
    'An owner can add a client secret or a certificate to the application or service principal he owns and then sign in as it. When the workload holds tier-0 rights (a path to Global Administrator) and its owner holds no tier-0 role himself, owning it is a quiet escalation to tier 0: for him, and for whoever takes over his account.',
  remediation:
    "Remove the owner, or replace him with someone who already administers tier 0 (the fewer owners the better); keep tier-0 workloads owned only by tier-0 administrators, protect those accounts with phishing-resistant MFA, and review owners of privileged workloads regularly. Reduce the workload's rights if it does not need tier 0.",
  params: {},
  evaluate({ identity, workload, reach, tiers }) {
    if (!carriesWorkloadFinding(identity, workload)) return notApplicable;
    const ownersUnread = partsOf(workload).some((part) => part.unknown?.includes('owners'));
    const people = workloadOwners(workload).filter(isPerson);
    if (!people.length && !ownersUnread) return notApplicable;
    const tier0 = reach.entries.filter((entry) => entry.tier === 0);
    if (!tier0.length) {
      if (reach.unknown?.length)
        return unknown(`what it reaches is not fully known: ${reach.unknown.join('; ')}`);
      return notApplicable;
    }
    const findings: FindingDraft[] = [];
    let rolesUnknown = false;
    const rights = firstFew(tier0.map(describeReach));
    for (const owner of people) {
      if (!owner.directoryRoles) {
        rolesUnknown = true;
        continue;
      }
      if (holdsTier0(owner.directoryRoles, tiers)) continue;
      const held = owner.directoryRoles.map((role) => role.permission);
      const roles = held.length ? `holds only ${firstFew([...new Set(held)])}` : 'holds no directory role';
      // A disabled account cannot sign in until someone enables it again: still a path, a less direct one.
      const disabled = owner.accountEnabled === false;
      findings.push({
        keyId: ownerFindingKey(owner),
        ...(disabled ? { severity: 'medium' as const } : {}),
        message:
          `owner ${ownerName(owner)}${disabled ? ' (disabled)' : ''} ${roles}, below tier 0, yet can add a ` +
          `credential and act as this workload, which reaches tier 0: ${rights}`,
      });
    }
    // Any owner unknown makes the answer unknown, so the earlier findings stand: a `fail` listing only the owners
    // known would close an unknown owner's finding as if it were resolved.
    const gap = ownersUnread ? OWNERS_UNREAD : rolesUnknown ? ROLES_UNREAD : null;
    if (gap) return unknown(findings.length ? `${gap}; other owners are below tier 0 already` : gap);
    return failWith(findings);
  },
});
