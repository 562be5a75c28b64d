// What a collector learns about an identity, one aspect at a time, so pages can stream to the store
// without holding a tenant in memory; the store assembles the aspects of one object into an Identity.
import type { Credential, Identity, Owner } from './inventory.ts';

export type IdentityFact =
  /** As listed: owners may be [] until an owners aspect arrives; credentials are password + key credentials. */
  | { aspect: 'identity'; identity: Identity }
  /** The complete owner list of that object; replaces the identity's owners. */
  | { aspect: 'owners'; objectId: string; owners: Owner[] }
  /** Its federated identity credentials; appended to the identity's credentials. */
  | { aspect: 'federated'; objectId: string; credentials: Credential[] };
