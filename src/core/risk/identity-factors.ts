// Likelihood factors of the identity itself: who owns it, who publishes it, how many ways in it has.
import type { Identity, Owner } from '../inventory.ts';
import type { RiskConfig } from './config.ts';
import type { RiskFactor } from './types.ts';

function factor(id: string, points: number, text: string): RiskFactor {
  return { id, dimension: 'likelihood', points, text };
}

/** Managed identities have no credential Lanyard can see and no owners: Azure holds the key. */
export function isManagedIdentity(identity: Identity): boolean {
  return identity.servicePrincipalType === 'ManagedIdentity' || identity.managedIdentityType !== null;
}

/** Guests carry #EXT# in their user principal name (the home tenant's address, rewritten). */
function isGuest(owner: Owner): boolean {
  return owner.kind === 'user' && (owner.userPrincipalName ?? '').toUpperCase().includes('#EXT#');
}

function ownerName(owner: Owner): string {
  if (owner.readable === false) return `${owner.objectId} (details unreadable)`;
  return owner.userPrincipalName ?? owner.displayName ?? owner.objectId;
}

/**
 * Owners can add credentials to what they own and sign in as it (risk-and-controls.md §5 A): each enabled one is
 * a way in. None, or only disabled ones, means nobody looks after its credentials. Unread owners are unknown.
 */
export function ownerFactors(identity: Identity, owners: readonly Owner[], config: RiskConfig): RiskFactor[] {
  const { points } = config;
  if (identity.unknown?.includes('owners')) {
    return [
      factor(
        'owners_unknown',
        points.ownersUnknown,
        'owners unknown: they could not be read in the last scan',
      ),
    ];
  }
  if (!owners.length)
    return [factor('owners_none', points.noOwners, 'no owners: nobody is accountable for its credentials')];
  // accountEnabled null means Graph did not say: counted as enabled, the side that does not understate.
  const enabled = owners.filter((owner) => owner.accountEnabled !== false);
  if (!enabled.length) {
    const count =
      owners.length === 1
        ? 'its only owner is a disabled account'
        : `all ${owners.length} owners are disabled accounts`;
    return [
      factor('owners_all_disabled', points.allOwnersDisabled, `${count}: nobody active looks after it`),
    ];
  }
  return enabled.map((owner) =>
    isGuest(owner)
      ? factor(
          'owner_guest',
          points.guestOwner,
          `guest owner ${ownerName(owner)} can add credentials and sign in as it`,
        )
      : factor('owner', points.owner, `owner ${ownerName(owner)} can add credentials and sign in as it`),
  );
}

/** Third-party multi-tenant apps keep their credentials in the publisher's tenant, out of sight (§4.2). */
export function publisherFactors(
  identity: Identity,
  reachesTier0: boolean,
  config: RiskConfig,
): RiskFactor[] {
  if (identity.publisher === 'third-party') {
    const tenant = identity.appOwnerOrganizationId
      ? ` (publisher tenant ${identity.appOwnerOrganizationId})`
      : '';
    const tier0 = reachesTier0 ? ' with tier-0 rights' : '';
    return [
      factor(
        'third_party_publisher',
        config.points.thirdPartyPublisher,
        `third-party multi-tenant app${tier0}${tenant}: its credentials live in the publisher's tenant, out of your sight`,
      ),
    ];
  }
  if (identity.publisher === 'unknown') {
    return [
      factor(
        'publisher_unknown',
        config.points.publisherUnknown,
        'publisher unknown: Graph did not say which tenant owns the app',
      ),
    ];
  }
  return [];
}

/** How many ways in: every active credential beyond the first adds points; none is said so, not left silent. */
export function credentialCountFactors(
  identity: Identity,
  activeCount: number,
  config: RiskConfig,
): RiskFactor[] {
  const factors: RiskFactor[] = [];
  if (identity.unknown?.includes('federated')) {
    factors.push(
      factor(
        'credentials_unknown',
        config.points.credentialsUnknown,
        'federated credentials unknown: they could not be read in the last scan',
      ),
    );
  }
  if (activeCount > 1) {
    factors.push(
      factor(
        'active_credentials',
        config.points.extraActiveCredential * (activeCount - 1),
        `${activeCount} active credentials: each one is another way in`,
      ),
    );
  } else if (activeCount === 0) {
    factors.push(
      factor(
        'no_active_credential',
        0,
        'no active credential in this tenant: signing in as it needs one added first',
      ),
    );
  }
  return factors;
}

export function managedIdentityFactor(config: RiskConfig): RiskFactor {
  return factor(
    'managed_identity',
    config.points.managedIdentity,
    'managed identity: whoever can run code on its host, or assign it, uses its rights',
  );
}
