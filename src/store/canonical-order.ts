// The order the store keeps arrays in, so equal content is equal jsonb (and hash) whatever order Graph sent.
// Byte order of UTF-8, like PostgreSQL's "C" collation used for the credentials merged in SQL.
import type { Credential, Identity, Owner } from '../core/inventory.ts';

/** Compares by code point, which orders strings as their UTF-8 bytes do (UTF-16 units would not). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

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
