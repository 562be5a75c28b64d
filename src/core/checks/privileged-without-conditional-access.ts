// A privileged service principal of our own tenant that no enforced Conditional Access policy for workload
// identities covers: a stolen secret or certificate signs in from anywhere, whatever the tenant's policies say of
// people. Conditional Access for workload identities applies to single-tenant service principals registered in the
// tenant, not to managed identities nor to other tenants' applications (Entra docs, "Conditional Access for
// workload identities"); it needs Workload Identities Premium, reading the policies Entra ID P1 and Policy.Read.All.
// ZTA 21883/21884 (risk- and network-based Conditional Access for workload identities).
import { coverageOf } from '../protection.ts';
import {
  defineCheck,
  describeReach,
  failWith,
  firstFew,
  notApplicable,
  pass,
  type Severity,
  unknown,
} from './check.ts';

export default defineCheck({
  id: 'privileged_workload_without_conditional_access',
  title: 'Privileged service principal not covered by Conditional Access',
  severity: 'high',
  rationale:
    "Conditional Access for workload identities can block a service principal's sign-ins from outside known networks or when Entra ID Protection finds it risky. A privileged one that no enforced policy covers signs in from anywhere with a stolen secret or certificate; report-only and disabled policies enforce nothing.",
  remediation:
    'Create (or extend) an enabled Conditional Access policy for workload identities that includes this service principal (by id, or all service principals of the tenant) and blocks sign-ins outside its known locations or at elevated service principal risk; it needs Microsoft Entra Workload ID Premium.',
  params: {},
  evaluate({ identity, reach, tenantId, protection }) {
    // Only single-tenant service principals registered here can be targeted; managed identities cannot.
    if (identity.kind !== 'servicePrincipal' || identity.servicePrincipalType !== 'Application')
      return notApplicable;
    if (identity.appOwnerOrganizationId?.toLowerCase() !== tenantId.toLowerCase()) return notApplicable;
    if (identity.signInAudience !== null && identity.signInAudience !== 'AzureADMyOrg') return notApplicable;
    const privileged = reach.entries.filter((entry) => entry.tier === 0 || entry.tier === 1);
    if (!privileged.length) {
      const unclassified = reach.entries.filter((entry) => entry.tier === 'unknown');
      const gaps = [
        ...(reach.unknown ?? []),
        ...(unclassified.length ? [`${unclassified.length} permission(s) with no known tier`] : []),
      ];
      return gaps.length ? unknown(`whether it is privileged is unknown: ${gaps.join('; ')}`) : notApplicable;
    }
    const policies = protection.conditionalAccess?.policies;
    if (!policies)
      return unknown(
        'the Conditional Access policies were never read (they need Policy.Read.All and Entra ID P1)',
      );
    const coverage = coverageOf(policies, identity.objectId);
    if (coverage.covering.length) return pass;
    if (coverage.undecided.length)
      return unknown(
        `whether ${firstFew(coverage.undecided.map((p) => `"${p.displayName}"`))} covers it depends on a custom security attribute filter Lanyard does not read`,
      );
    const tier = privileged.some((entry) => entry.tier === 0) ? 0 : 1;
    const severity: Severity = tier === 0 ? 'high' : 'medium';
    const reportOnly = policies.filter(
      (p) =>
        p.state === 'enabledForReportingButNotEnforced' &&
        coverageOf([{ ...p, state: 'enabled' }], identity.objectId).covering.length > 0,
    );
    const note = reportOnly.length
      ? ` (report-only, enforcing nothing: ${firstFew(reportOnly.map((p) => `"${p.displayName}"`))})`
      : '';
    return failWith([
      {
        severity,
        message: `reaches tier ${tier} (${firstFew(privileged.filter((e) => e.tier === tier).map(describeReach))}) and no enabled Conditional Access policy covers it${note}`,
      },
    ]);
  },
});
