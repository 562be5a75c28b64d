// Secrets and certificates held on a service principal rather than its application: App registrations does not
// show them, so they escape the reviews that look there. Attackers use exactly that (Microsoft's write-ups on
// Midnight Blizzard, alias NOBELIUM; Semperis on Microsoft's own service principals). SAML token signing is the
// one legitimate use.
import { isManagedIdentity } from '../risk/identity-factors.ts';
import { credentialLabel, defineCheck, failWith, keyCredentials, notApplicable } from './check.ts';
import { isExpired, samlSigningKeyIds } from './credential-expired.ts';

export default defineCheck({
  id: 'credential_on_service_principal',
  title: 'Credential on a service principal',
  severity: 'high',
  rationale:
    "Entra accepts secrets and certificates on a service principal as well as on its application, but the App registrations blade shows only the application's: one added to the service principal signs in as the app unseen. It is how attackers keep a way into a tenant, and on Microsoft's own service principals no valid reason for one is known. SAML single sign-on's token-signing certificates are the exception.",
  remediation:
    'Find out who added it (audit log: "Add service principal credentials") and why; remove it. If the workload needs a credential, put a federated credential or a certificate on its application, where it is reviewed. Treat one on a Microsoft service principal as an incident.',
  params: {},
  evaluate({ identity }, { now }) {
    // Applications hold their own credentials; a managed identity's key is Azure's to hold and rotate.
    if (identity.kind !== 'servicePrincipal' || isManagedIdentity(identity)) return notApplicable;
    const microsoft = identity.publisher === 'microsoft';
    // Microsoft's service principals do not do SAML for a customer: nothing on them is exempt.
    const saml = microsoft ? new Set<string>() : samlSigningKeyIds(identity);
    // Expired credentials can no longer sign in: credential_expired covers them.
    const held = keyCredentials(identity).filter(
      (credential) =>
        credential.location === 'servicePrincipal' &&
        !saml.has(credential.keyId) &&
        !isExpired(credential, now),
    );
    return failWith(
      held.map((credential) =>
        microsoft
          ? {
              keyId: credential.keyId,
              severity: 'critical' as const,
              message: `${credentialLabel(credential)} is held on Microsoft's own service principal, where no valid reason for one is known`,
            }
          : {
              keyId: credential.keyId,
              message: `${credentialLabel(credential)} is held on the service principal, where App registrations does not show it`,
            },
      ),
    );
  },
});
