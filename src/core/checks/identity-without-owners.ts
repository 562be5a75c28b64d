// Applications of our own with nobody named as owner: nobody is asked when a secret expires, nobody notices a
// credential added to it, nobody answers the access review (the guide's owner audit, CIS-aligned 2.2; Microsoft
// recommends two owners or more). The workload counts as one: an owner of the application or of its service
// principal is an owner. The finding sits on the application row when the tenant holds it, else on the service
// principal, so a workload gets it once.
import { isManagedIdentity } from '../risk/identity-factors.ts';
import type { Reach } from '../risk/types.ts';
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

const privileged = (entry: Reach) => entry.tier === 0 || entry.tier === 1;

export default defineCheck({
  id: 'identity_without_owners',
  title: 'Application without owners',
  severity: 'medium',
  rationale:
    'An application nobody owns has nobody to renew or retire its credentials, answer its access reviews or notice a credential added to it; unowned privileged applications are how dormant access survives.',
  remediation:
    'Assign at least two owners (people accountable for it, not administrators by default) to the application registration or its enterprise application, and record the owning team; delete the application if nobody claims it.',
  params: {},
  evaluate({ identity, workload, reach }) {
    if (!carriesWorkloadFinding(identity, workload)) return notApplicable;
    // Managed identities and Microsoft's applications have no owners by design; other tenants' applications are
    // owned in their home tenant.
    if (isManagedIdentity(identity) || identity.publisher === 'microsoft') return notApplicable;
    if (identity.publisher === 'third-party') return notApplicable;
    const owners = workloadOwners(workload);
    if (owners.length) return pass;
    if (partsOf(workload).some((part) => part.unknown?.includes('owners')))
      return unknown('owners could not be read in the last scan');
    if (identity.publisher === 'unknown')
      return unknown(
        'publisher unknown: Graph did not say which tenant owns the application, so whether it should have owners here cannot be told',
      );
    const object = identity.kind === 'application' ? 'application' : 'service principal';
    const where = workload.application && workload.servicePrincipal ? ' or its service principal' : '';
    const top = reach.entries.filter(privileged).sort((a, b) => (a.tier as number) - (b.tier as number));
    if (!top.length)
      return failWith([
        { message: `no owners on the ${object}${where}: nobody is accountable for its credentials` },
      ]);
    const names = top.slice(0, 3).map((entry) => entry.name);
    const more = top.length > names.length ? ` and ${top.length - names.length} more` : '';
    return failWith([
      {
        severity: 'high',
        message: `no owners on the ${object}${where}, yet it reaches tier ${top[0]!.tier} (${names.join(', ')}${more}): nobody is accountable for a privileged identity`,
      },
    ]);
  },
});
