// Every check Lanyard runs, in the order reports list them: credentials first, then owners, activity and
// privilege. Adding a check is adding its file and a line here (catalogue.test.ts fails for a file left out).
import type { AnyCheck } from './check.ts';
import credentialExpired from './credential-expired.ts';
import credentialExpiring from './credential-expiring.ts';
import credentialOnServicePrincipal from './credential-on-service-principal.ts';
import credentialUnused from './credential-unused.ts';
import federatedBroadSubject from './federated-broad-subject.ts';
import identityWithoutOwners from './identity-without-owners.ts';
import imitatesMicrosoftName from './imitates-microsoft-name.ts';
import managedIdentitySubscriptionOwner from './managed-identity-subscription-owner.ts';
import ownersAllInactive from './owners-all-disabled.ts';
import privilegedIdentityWithSecret from './privileged-identity-with-secret.ts';
import privilegedWorkloadWithoutConditionalAccess from './privileged-without-conditional-access.ts';
import secretLifetimeOverPolicy from './secret-lifetime-over-policy.ts';
import servicePrincipalAtRisk from './service-principal-at-risk.ts';
import servicePrincipalInactive from './service-principal-inactive.ts';
import thirdPartyMultitenantTier0 from './third-party-multitenant-tier0.ts';
import tier0AppOwnerNotTier0 from './tier0-app-owner-not-tier0.ts';
import tooManySecrets from './too-many-secrets.ts';

export const CHECKS: readonly AnyCheck[] = [
  credentialExpiring,
  credentialExpired,
  secretLifetimeOverPolicy,
  credentialUnused,
  tooManySecrets,
  credentialOnServicePrincipal,
  federatedBroadSubject,
  privilegedIdentityWithSecret,
  identityWithoutOwners,
  ownersAllInactive,
  servicePrincipalInactive,
  thirdPartyMultitenantTier0,
  tier0AppOwnerNotTier0,
  privilegedWorkloadWithoutConditionalAccess,
  servicePrincipalAtRisk,
  managedIdentitySubscriptionOwner,
  imitatesMicrosoftName,
];

export function checkById(id: string): AnyCheck | undefined {
  return CHECKS.find((check) => check.id === id);
}
