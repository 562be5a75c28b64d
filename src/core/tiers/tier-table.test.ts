import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.ts';
import { BUILT_IN_TIERS } from './classify.ts';
import { isGuid, keyOf, parseTierTable } from './tier-table.ts';

const ID_FIELDS = ['id', 'templateId', 'roleDefinitionId', 'resourceAppId'];
const NAME_FIELDS = ['value', 'displayName', 'roleName'];

test('every built-in entry is well-formed and no name or id appears twice in its section', () => {
  assert.doesNotThrow(() => parseTierTable(BUILT_IN_TIERS, 'built-in tiers'));
  for (const [section, entries] of Object.entries(BUILT_IN_TIERS)) {
    const seen = new Set<string>();
    for (const entry of entries as readonly Record<string, unknown>[]) {
      const where = `${section} ${JSON.stringify(entry)}`;
      assert.ok([0, 1, 2].includes(entry.tier as number), where);
      assert.ok(typeof entry.source === 'string' && entry.source.trim(), where);
      assert.ok(typeof entry.reason === 'string' && entry.reason.trim(), where);
      for (const field of ID_FIELDS) {
        if (entry[field] !== undefined) assert.ok(isGuid(String(entry[field])), `${field} of ${where}`);
      }
      const name = NAME_FIELDS.map((field) => entry[field]).find((value) => value !== undefined);
      const keys = [`${entry.resourceAppId ?? ''}/${keyOf(String(name))}`];
      if (entry.id ?? entry.templateId ?? entry.roleDefinitionId) {
        keys.push(keyOf(String(entry.id ?? entry.templateId ?? entry.roleDefinitionId)));
      }
      for (const key of keys) {
        assert.ok(!seen.has(key), `${key} twice in ${section}`);
        seen.add(key);
      }
    }
  }
});

// The reference counts these (risk-and-controls.md §1.2, §1.3): a lost line would silently downgrade a role.
test('the built-in data holds all of AzTier tier 0 the reference lists', () => {
  const tier0 = (entries: readonly { tier: number }[]) => entries.filter((entry) => entry.tier === 0).length;
  assert.equal(tier0(BUILT_IN_TIERS.appRoles), 41);
  assert.equal(tier0(BUILT_IN_TIERS.directoryRoles), 31);
  assert.equal(tier0(BUILT_IN_TIERS.azureRoles), 18);
});

test('parseTierTable rejects malformed overrides with a message naming the entry', () => {
  const ok = { tier: 0, source: 'Contoso policy', reason: 'we say so' };
  const cases: [unknown, RegExp][] = [
    [null, /tier overrides: is not an object/],
    [[], /tier overrides: is not an object/],
    [{ graphRoles: [] }, /"graphRoles" is not a section/],
    [{ appRoles: {} }, /appRoles: is not a list/],
    [{ appRoles: ['Mail.Read'] }, /appRoles\[0\]: is not an object/],
    [{ appRoles: [{ ...ok }] }, /value must be a non-empty string/],
    [{ appRoles: [{ ...ok, value: '  ' }] }, /value must be a non-empty string/],
    [{ appRoles: [{ ...ok, value: 'Mail.Read', tier: 3 }] }, /tier must be 0, 1 or 2/],
    [{ appRoles: [{ ...ok, value: 'Mail.Read', tier: '0' }] }, /tier must be 0, 1 or 2/],
    [{ appRoles: [{ ...ok, value: 'Mail.Read', source: '' }] }, /source must be a non-empty string/],
    [{ appRoles: [{ ...ok, value: 'Mail.Read', reason: undefined }] }, /reason must be a non-empty string/],
    [{ appRoles: [{ ...ok, value: 'Mail.Read', id: 'not-a-guid' }] }, /id must be a GUID/],
    [{ appRoles: [{ ...ok, value: 'Mail.Read', resourceAppId: 'graph' }] }, /resourceAppId must be a GUID/],
    [{ appRoles: [{ ...ok, value: 'Mail.Read', teir: 1 }] }, /"teir" is not a field here/],
    [
      { directoryRoles: [{ ...ok, displayName: 'X', resourceAppId: undefined }] },
      /"resourceAppId" is not a field/,
    ],
    [
      { azureRoles: [{ ...ok, roleName: 'Owner', roleDefinitionId: '8e3af657' }] },
      /roleDefinitionId must be a GUID/,
    ],
    [
      {
        appRoles: [
          { ...ok, value: 'Mail.Read' },
          { ...ok, value: 'mail.read' },
        ],
      },
      /appRoles\[1\]: .*mail\.read appears twice/,
    ],
    [
      {
        directoryRoles: [
          { ...ok, displayName: 'A', templateId: '62e90394-69f5-4237-9190-012177145e10' },
          { ...ok, displayName: 'B', templateId: '62E90394-69F5-4237-9190-012177145E10' },
        ],
      },
      /directoryRoles\[1\]: 62e90394-69f5-4237-9190-012177145e10 appears twice/,
    ],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseTierTable(input),
      (error: unknown) => error instanceof InvalidInput && message.test(error.message),
      JSON.stringify(input),
    );
  }
});

test('the same permission name may be tiered once per API', () => {
  const ok = { tier: 1, source: 'Contoso policy', reason: 'we say so' };
  const table = {
    appRoles: [
      { ...ok, value: 'Data.Read' },
      { ...ok, value: 'Data.Read', resourceAppId: '11111111-2222-4333-8444-555555555555' },
    ],
  };
  assert.deepEqual(parseTierTable(table), table);
});
