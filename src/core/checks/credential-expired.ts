// Secrets and certificates past their end date: they can no longer sign in, but they stay on the object until
// someone removes them, clutter every review, and often mark an application nobody looks after any more.
// Also holds what the credential checks share (isExpired, signInKeyCredentials) until check.ts takes it.
import type { Credential, Identity } from '../inventory.ts';
import { isManagedIdentity } from '../risk/identity-factors.ts';
import { credentialLabel, defineCheck, failWith, keyCredentials, notApplicable } from './check.ts';

const DAY_MS = 86_400_000;

/** Past its end date (Entra stops accepting it then); an absent or unreadable end date is not "expired". */
export function isExpired(credential: Credential, now: Date): boolean {
  const end = Date.parse(credential.endDateTime ?? '');
  return !Number.isNaN(end) && end <= now.getTime();
}

/**
 * SAML token signing on a service principal, as addTokenSigningCertificate creates it: the signing key (usage
 * Sign), its public twin (usage Verify, same thumbprint) and the password of its PFX (a password credential
 * with the signing key's keyId). How SAML single sign-on works, not a way in that someone added.
 */
export function samlSigningKeyIds(identity: Identity): Set<string> {
  const onSp = identity.credentials.filter(
    (credential) => credential.location === 'servicePrincipal' && credential.type !== 'federated',
  );
  const signing = onSp.filter(
    (credential) => credential.type === 'certificate' && credential.usage?.toLowerCase() === 'sign',
  );
  const keyIds = new Set(signing.map((credential) => credential.keyId.toLowerCase()));
  const thumbprints = new Set(signing.flatMap((credential) => credential.thumbprint ?? []));
  return new Set(
    onSp
      .filter(
        (credential) =>
          keyIds.has(credential.keyId.toLowerCase()) ||
          (credential.type === 'certificate' &&
            credential.thumbprint !== null &&
            thumbprints.has(credential.thumbprint)),
      )
      .map((credential) => credential.keyId),
  );
}

/**
 * The secrets and certificates of the identity itself that someone could sign in with: a managed identity's
 * key is Azure's to hold and rotate, and SAML token-signing certificates are left to SAML checks.
 */
export function signInKeyCredentials(identity: Identity): Credential[] {
  if (isManagedIdentity(identity)) return [];
  const saml = samlSigningKeyIds(identity);
  return keyCredentials(identity).filter((credential) => !saml.has(credential.keyId));
}

export default defineCheck({
  id: 'credential_expired',
  title: 'Expired credential still present',
  severity: 'high',
  rationale:
    'An expired secret or certificate can no longer sign in, but it stays on the object: dead weight that hides the credentials that matter, and often the sign of an application nobody maintains any more.',
  remediation:
    'Remove the expired credential. If the application still runs, give it a federated credential or a managed identity rather than a new secret; if nothing uses it, consider removing the application.',
  params: {},
  evaluate({ identity }, { now }) {
    const credentials = signInKeyCredentials(identity);
    if (!credentials.length) return notApplicable;
    const where = identity.kind === 'application' ? 'application' : 'service principal';
    return failWith(
      credentials
        .filter((credential) => isExpired(credential, now))
        .map((credential) => {
          const end = new Date(Date.parse(credential.endDateTime!));
          const days = Math.floor((now.getTime() - end.getTime()) / DAY_MS);
          const ago = days < 1 ? 'less than a day ago' : `${days} day${days === 1 ? '' : 's'} ago`;
          return {
            keyId: credential.keyId,
            message: `${credentialLabel(credential)} expired ${ago}, on ${end.toISOString().slice(0, 10)}, and is still on the ${where}`,
          };
        }),
    );
  },
});
