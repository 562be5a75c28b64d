// Owners on paper only: every owner of the workload is a disabled account, so nobody active renews, reviews or
// retires it (the guide's owner audit, CIS-aligned 2.2). The workload counts as one: the owners of the application
// and of its service principal together. Owners Graph returned by id only (the reader may not read them) and owners
// whose account state Graph did not give are unknown, never taken as disabled nor as active. The finding sits on
// the application row when the tenant holds it, else on the service principal, so a workload gets it once.
import type { Owner } from '../inventory.ts';
import { isManagedIdentity } from '../risk/identity-factors.ts';
import {
  carriesWorkloadFinding,
  defineCheck,
  failWith,
  notApplicable,
  partsOf,
  pass,
  unknown,
  workloadOwners,
} from './check.ts';

type OwnerState = 'active' | 'disabled' | 'unknown';

function stateOf(owner: Owner): OwnerState {
  if (owner.accountEnabled === false) return 'disabled';
  // Read by id only, or read without its account state (the reader may not list users): it may be either.
  if (owner.readable === false || owner.accountEnabled !== true) return 'unknown';
  return 'active';
}

function ownerName(owner: Owner): string {
  return owner.userPrincipalName ?? owner.displayName ?? owner.objectId;
}

export default defineCheck({
  id: 'owners_all_inactive',
  title: 'Every owner is a disabled account',
  severity: 'medium',
  rationale:
    'Owners who have left (their accounts disabled) look after nothing: expiring secrets, access reviews and unexpected credentials go unanswered, while the application keeps its access.',
  remediation:
    'Assign active owners (at least two, from the team that runs the integration) and remove the disabled ones; delete the application if nobody claims it.',
  params: {},
  evaluate({ identity, workload }) {
    if (!carriesWorkloadFinding(identity, workload)) return notApplicable;
    // Managed identities and Microsoft's applications have no owners by design.
    if (isManagedIdentity(identity) || identity.publisher === 'microsoft') return notApplicable;
    const owners = workloadOwners(workload);
    const states = owners.map(stateOf);
    if (states.includes('active')) return pass;
    const ownersUnread = partsOf(workload).some((part) => part.unknown?.includes('owners'));
    if (ownersUnread) return unknown('owners could not be read in the last scan');
    // No owners at all is identity_without_owners' finding.
    if (!owners.length) return notApplicable;
    if (states.includes('unknown'))
      return unknown(
        'the owners that are not disabled could not be read (their account state is unknown): grant User.Read.All or Directory.Read.All to the reader',
      );
    const names = owners.slice(0, 3).map(ownerName);
    const more = owners.length > names.length ? ` and ${owners.length - names.length} more` : '';
    const who =
      owners.length === 1
        ? `its only owner, ${names[0]}, is a disabled account`
        : `all ${owners.length} owners (${names.join(', ')}${more}) are disabled accounts`;
    return failWith([{ message: `${who}: nobody active looks after it` }]);
  },
});
