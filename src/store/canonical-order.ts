// The order the store keeps arrays in, so equal content is equal jsonb (and hash) whatever order Graph sent.
// Byte order of UTF-8, like PostgreSQL's "C" collation used for the credentials merged in SQL.
import { compareCodePoints } from '../core/code-point-order.ts';
import type { Credential, Identity, Owner } from '../core/inventory.ts';

export const sortOwners = (owners: readonly Owner[]): Owner[] =>
  [...owners].sort((a, b) => compareCodePoints(String(a.objectId), String(b.objectId)));

export const sortCredentials = (credentials: readonly Credential[]): Credential[] =>
  [...credentials].sort(
    (a, b) =>
      compareCodePoints(String(a.type), String(b.type)) ||
      compareCodePoints(String(a.keyId), String(b.keyId)) ||
      compareCodePoints(String(a.location), String(b.location)),
  );

export const canonicalIdentity = (identity: Identity): Identity => ({
  ...identity,
  owners: sortOwners(identity.owners),
  credentials: sortCredentials(identity.credentials),
});
