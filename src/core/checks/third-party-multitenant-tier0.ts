// Another company's application holding tier-0 rights here: its credentials live in the publisher's tenant, out of
// this tenant's sight and rotation, so a breach of the vendor is a path to Global Administrator here (§4.2: third
// party multi-tenant; §5 A and F). Tier 0 as the tier data says (AzTier's paths to Global Administrator), eligible
// directory roles included: they can be activated. Another tenant's application can only be here as the service
// principal of a multi-tenant application, so that row carries it; an application row is never third-party. A
// publisher Graph did not name may be a third party: with tier 0 that is unknown, not a pass.
import type { Reach } from '../risk/types.ts';
import { defineCheck, failWith, notApplicable, pass, unknown } from './check.ts';

function describe(entry: Reach): string {
  const scope = entry.kind === 'azure-role' && entry.scope ? ` on ${entry.scope}` : '';
  const resource = entry.resource ? ` (${entry.resource})` : '';
  const eligible = entry.path.length ? ` [${entry.path.join('; ')}]` : '';
  return `${entry.name}${resource}${scope}${eligible}`;
}

export default defineCheck({
  id: 'third_party_multitenant_tier0',
  title: 'Third-party multi-tenant application with tier-0 rights',
  severity: 'critical',
  rationale:
    "A vendor's multi-tenant application signs in with credentials kept in the vendor's tenant, which this tenant can neither see, rotate nor revoke; with tier-0 rights, whoever breaches the vendor can take over this tenant.",
  remediation:
    'Remove the tier-0 permissions or roles and grant the least the integration needs (ask the vendor which); if it truly needs them, restrict it with Conditional Access for workload identities, monitor its sign-ins, and review it with the vendor regularly.',
  params: {},
  evaluate({ identity, reach }) {
    if (identity.kind !== 'servicePrincipal') return notApplicable;
    if (identity.publisher !== 'third-party' && identity.publisher !== 'unknown') return notApplicable;
    const tier0 = reach.entries.filter((entry) => entry.tier === 0);
    if (tier0.length && identity.publisher === 'unknown')
      return unknown(
        'publisher unknown: Graph did not say which tenant owns this tier-0 application, so whether it is a third party cannot be told',
      );
    if (tier0.length) {
      const names = tier0.slice(0, 3).map(describe);
      const more = tier0.length > names.length ? ` and ${tier0.length - names.length} more` : '';
      const publisher = identity.appOwnerOrganizationId
        ? ` (publisher tenant ${identity.appOwnerOrganizationId})`
        : '';
      return failWith([
        {
          message: `third-party multi-tenant application${publisher} holds tier 0 here: ${names.join(', ')}${more}`,
        },
      ]);
    }
    if (reach.unknown?.length)
      return unknown(`what it reaches is not fully known: ${reach.unknown.join('; ')}`);
    return pass;
  },
});
