// Checks facts before they are staged: the shape the SQL assembly relies on, and no secret value anywhere.
// Collectors never ask Graph for secret values; this is defence in depth, so a mistake cannot reach the disk.
import { InvalidInput } from '../core/errors.ts';
import type { IdentityFact } from '../core/facts.ts';

/** Properties that carry a secret's value in Graph's passwordCredential / keyCredential and their kin. */
const SECRET_PROPERTIES = ['secretText', 'key', 'value'] as const;

export function assertFact(fact: IdentityFact): void {
  switch (fact.aspect) {
    case 'identity': {
      const identity = fact.identity as unknown as Record<string, unknown>;
      if (!identity || typeof identity !== 'object') throw invalid('an identity fact without an identity');
      assertObjectId(identity.objectId);
      for (const field of ['kind', 'appId', 'displayName'] as const) {
        if (typeof identity[field] !== 'string') {
          throw invalid(`identity ${identity.objectId} has no ${field} (a string is required)`);
        }
      }
      assertNoSecret(identity, `identity ${identity.objectId}`);
      assertList(identity.owners, `identity ${identity.objectId} owners`);
      assertList(identity.credentials, `identity ${identity.objectId} credentials`);
      return;
    }
    case 'owners':
      assertObjectId(fact.objectId);
      assertList(fact.owners, `owners of ${fact.objectId}`);
      return;
    case 'federated':
      assertObjectId(fact.objectId);
      assertList(fact.credentials, `federated credentials of ${fact.objectId}`);
      return;
    case 'access':
      assertObjectId(fact.objectId);
      assertList(fact.grants, `access of ${fact.objectId}`);
      for (const grant of fact.grants) {
        if (typeof grant.kind !== 'string' || typeof grant.permission !== 'string')
          throw invalid(`a grant of ${fact.objectId} has no kind or permission`);
      }
      return;
    default:
      throw invalid(`unknown fact aspect "${(fact as { aspect?: unknown }).aspect}"`);
  }
}

function assertObjectId(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw invalid('a fact without an objectId');
}

/** A list of objects, each free of secret values (the assembly sorts them by objectId or type and keyId). */
function assertList(value: unknown, what: string): void {
  if (!Array.isArray(value)) throw invalid(`${what} is not a list`);
  for (const item of value) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid(`${what} holds a non-object`);
    assertNoSecret(item as Record<string, unknown>, what);
  }
}

function assertNoSecret(object: Record<string, unknown>, what: string): void {
  for (const property of SECRET_PROPERTIES) {
    const value = object[property];
    if (value !== undefined && value !== null && value !== '') {
      // Name the property, never echo its content.
      throw invalid(`${what} carries a "${property}" value; Lanyard never stores secret values`);
    }
  }
}

function invalid(message: string): InvalidInput {
  return new InvalidInput(message, { fix: 'this is a bug in the collector: report it' });
}
