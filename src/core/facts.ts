// What a collector learns about an identity, one aspect at a time, so pages can stream to the store
// without holding a tenant in memory; the store assembles the aspects of one object into an Identity.
import type { Grant } from './access.ts';
import { itemsOf, VERSIONED_ASPECTS } from './aspects.ts';
import type { Credential, Identity, Owner } from './inventory.ts';

export type IdentityFact =
  /** As listed: owners may be [] until an owners aspect arrives; credentials are password + key credentials. */
  | { aspect: 'identity'; identity: Identity }
  /** The complete owner list of that object; replaces the identity's owners. */
  | { aspect: 'owners'; objectId: string; owners: Owner[] }
  /** Its federated identity credentials; appended to the identity's credentials. */
  | { aspect: 'federated'; objectId: string; credentials: Credential[] }
  /** Everything a service principal holds (app roles, delegated grants, directory roles); replaces its access. */
  | { aspect: 'access'; objectId: string; grants: Grant[] };

/**
 * False for facts that cannot change the assembled identity: an empty list of an aspect whose declaration says
 * an empty list says nothing (aspects.ts). Most objects of a tenant have no owners, federated credentials or
 * grants; not storing them halves what a scan writes.
 */
export function changesIdentity(fact: IdentityFact): boolean {
  if (fact.aspect === 'identity') return true;
  return !VERSIONED_ASPECTS[fact.aspect].emptySaysNothing || itemsOf(fact).length > 0;
}
