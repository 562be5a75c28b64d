import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Grant } from './access.ts';
import {
  ASPECTS,
  type AspectFact,
  itemsOf,
  VERSIONED_ASPECTS,
  VOLATILE_ASPECTS,
  versionedAspects,
} from './aspects.ts';
import { changesIdentity } from './facts.ts';
import type { Credential, Owner } from './inventory.ts';
import type { IdentityAspect, PartAspect } from './scan-parts.ts';

// A Record, so the compiler names any PartAspect missing here (and so missing from the checks below).
const PART_ASPECTS: Record<PartAspect, true> = {
  identity: true,
  owners: true,
  federated: true,
  access: true,
  'last-use': true,
  tenant: true,
};

/** The names the store writes into SQL as they are (commit-scan.ts `identifier`). */
const PLAIN_NAME = /^[a-z][a-z0-9_]*$/;
const PLAIN_PROPERTY = /^[A-Za-z][A-Za-z0-9_]*$/;

test('every part aspect but the listing itself has one declaration', () => {
  const declared = ASPECTS.map((declaration) => declaration.aspect).sort();
  const expected = Object.keys(PART_ASPECTS)
    .filter((aspect) => aspect !== 'identity')
    .sort();
  assert.deepEqual(declared, expected);
  for (const [key, declaration] of Object.entries(VERSIONED_ASPECTS)) {
    assert.equal(declaration.aspect, key, `${key} is declared under its own name`);
    assert.equal(declaration.storage, 'versioned');
  }
  for (const declaration of VOLATILE_ASPECTS) assert.equal(declaration.storage, 'volatile');
});

test('versioned aspects each fill a field of their own and stage in a column of their own', () => {
  const aspects = versionedAspects();
  const fields = aspects.map((aspect) => aspect.field);
  assert.equal(new Set(fields).size, fields.length, `one aspect per field: ${fields}`);
  const staging = aspects.map(({ staging }) => `${staging.table}.${staging.column}`);
  assert.equal(new Set(staging).size, staging.length, `one aspect per staging column: ${staging}`);
  for (const aspect of aspects) {
    assert.match(aspect.aspect, PLAIN_NAME);
    assert.match(aspect.field, PLAIN_PROPERTY);
    assert.match(aspect.staging.column, PLAIN_NAME);
    // The staging rows' own columns and the listing's column are not an aspect's to take.
    assert.ok(!['scan_id', 'object_id', 'identity'].includes(aspect.staging.column), aspect.aspect);
  }
});

test('a union-by-key aspect names a whole key, sorts by all of it, and marks its own entries', () => {
  for (const aspect of versionedAspects()) {
    if (aspect.merge !== 'union-by-key') continue;
    assert.ok(aspect.key.length > 0, aspect.aspect);
    // Sorted by fewer properties than the key, two entries could come out in either order: another hash.
    assert.deepEqual([...aspect.order].sort(), [...aspect.key].sort(), aspect.aspect);
    assert.ok(aspect.key.includes(aspect.marked.property), `${aspect.aspect} marks by a key property`);
    for (const property of [...aspect.key, aspect.marked.property]) assert.match(property, PLAIN_PROPERTY);
    assert.match(aspect.marked.value, PLAIN_PROPERTY);
  }
});

test('volatile aspects keep the latest time per key (or the latest tenant reading), beside the versions', () => {
  for (const aspect of VOLATILE_ASPECTS) {
    assert.equal(aspect.merge, aspect.aspect === 'tenant' ? 'replace' : 'latest-time');
    assert.ok(aspect.key.length > 0, aspect.aspect);
    assert.match(aspect.keptIn, PLAIN_NAME);
  }
});

const owner: Owner = {
  objectId: 'u',
  kind: 'user',
  displayName: null,
  userPrincipalName: null,
  accountEnabled: true,
};
const credential = { keyId: 'k', type: 'federated', location: 'application' } as Credential;
const grant = { kind: 'directory-role', permission: 'Reader', permissionId: 'r', scope: '/' } as Grant;

// One fact builder per versioned aspect, a Record so a new aspect needs one here too.
const factOf: { [A in IdentityAspect]: (empty: boolean) => AspectFact } = {
  owners: (empty) => ({ aspect: 'owners', objectId: 'o', owners: empty ? [] : [owner] }),
  federated: (empty) => ({ aspect: 'federated', objectId: 'o', credentials: empty ? [] : [credential] }),
  access: (empty) => ({ aspect: 'access', objectId: 'o', grants: empty ? [] : [grant] }),
};

test('a fact changes an identity unless it brings an empty list its declaration says nothing by', () => {
  for (const aspect of versionedAspects()) {
    const full = factOf[aspect.aspect](false);
    const empty = factOf[aspect.aspect](true);
    assert.equal(itemsOf(full).length, 1, `${aspect.aspect}: the fact's list`);
    assert.equal(changesIdentity(full), true, aspect.aspect);
    assert.equal(changesIdentity(empty), !aspect.emptySaysNothing, aspect.aspect);
  }
  assert.equal(
    changesIdentity({ aspect: 'identity', identity: { owners: [], credentials: [] } as never }),
    true,
  );
});
