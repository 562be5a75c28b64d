// Every CLI format shows an attacker-chosen display name inert: no character the reader cannot see, no
// half character where a long name is cut, no cell a spreadsheet would run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity } from '../../core/inventory.ts';
import { buildOverview } from '../../core/overview.ts';
import type { Format } from './inventory-output.ts';
import { writeInventory } from './inventory-stream.ts';
import { renderOverview } from './overview-output.ts';
import { renderTable } from './table.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');

// Invisible, reordering or non-characters: none may reach the output raw.
const RAW_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Cs}]/u;
const raw = (text: string) => text.replace(/\n/g, '');

/** What `lanyard inventory --format <format>` prints for these identities of one integration. */
async function render(identities: Identity[], format: Format): Promise<string> {
  let out = '';
  async function* rows() {
    for (const identity of identities)
      yield { integration: { id: 'i', name: 'prod', tenantId: 't' }, identity };
  }
  await writeInventory(rows(), format, NOW, {
    write: async (text) => {
      out += text;
      return true;
    },
  });
  return out;
}

function identity(displayName: string): Identity {
  return {
    objectId: '00000000-0000-0000-0000-000000000001',
    kind: 'application',
    appId: '00000000-0000-0000-0000-0000000000a1',
    displayName,
    servicePrincipalType: null,
    managedIdentityType: null,
    publisher: 'own',
    appOwnerOrganizationId: null,
    signInAudience: 'AzureADMyOrg',
    accountEnabled: null,
    createdDateTime: null,
    owners: [],
    credentials: [
      {
        keyId: '00000000-0000-0000-0000-0000000000c1',
        type: 'secret',
        location: 'application',
        displayName,
        hint: 'abc',
        thumbprint: null,
        usage: null,
        startDateTime: '2026-01-01T00:00:00Z',
        endDateTime: '2026-05-01T00:00:00Z',
      },
    ],
  };
}

const names: Array<{ name: string; displayName: string }> = [
  { name: 'Arabic letter mark', displayName: 'pay\u061cments' },
  { name: 'soft hyphen', displayName: 'pay\u00adments' },
  { name: 'Hangul filler as the whole name', displayName: '\u3164' },
  { name: 'halfwidth Hangul filler and choseong filler', displayName: '\uffa0\u115f\u1160' },
  { name: 'variation selectors', displayName: 'admin\ufe0f\u{e0100}' },
  { name: 'hidden tag text', displayName: 'payments\u{e0069}\u{e0067}\u{e006e}\u{e006f}\u{e0072}\u{e0065}' },
  { name: 'Mongolian vowel separator', displayName: 'pay\u180ements' },
  { name: 'lone surrogate', displayName: 'pay\ud800ments' },
];

for (const { name, displayName } of names) {
  test(`every format shows a name with ${name} inert`, async () => {
    const identities = [identity(displayName)];
    for (const format of ['table', 'json', 'ndjson', 'csv'] as const) {
      const out = await render(identities, format);
      assert.doesNotMatch(raw(out), RAW_UNSAFE, format);
    }
    const json = JSON.parse(await render(identities, 'json'));
    assert.equal(json[0].displayName, displayName, 'JSON still carries the exact name');
    assert.doesNotMatch(raw(renderOverview(buildOverview(identities, NOW), NOW)), RAW_UNSAFE, 'overview');
  });
}

test('a CSV name led by blanks or a fullwidth formula character is neutralised', async () => {
  for (const displayName of [' =HYPERLINK("http://x")', '\u00a0@SUM(A1)', '＝1+1', '\u3000＋1']) {
    const csv = await render([identity(displayName)], 'csv');
    // integration, tenantId, type, then the name
    const cell = csv.split('\n')[1]?.split(',')[3] ?? '';
    assert.match(cell, /^"?'/, `${JSON.stringify(displayName)} → ${cell}`);
  }
});

test('a table cut at its width keeps emoji and escapes whole', () => {
  const name = `${'x'.repeat(46)}🚀\u202e${'y'.repeat(10)}`;
  const table = renderTable(['NAME'], [[name]], 48);
  const cell = table.split('\n')[1] ?? '';
  assert.ok(cell.isWellFormed(), JSON.stringify(cell));
  assert.equal(cell, `${'x'.repeat(46)}…`);

  const escaped = renderTable(['NAME'], [[`${'x'.repeat(44)}\u202e${'y'.repeat(10)}`]], 48);
  assert.equal(escaped.split('\n')[1], `${'x'.repeat(44)}…`);
});

test('the overview cuts long names without splitting a surrogate pair', () => {
  const identities = [identity(`${'x'.repeat(38)}🔐🔐🔐`)];
  const overview = renderOverview(buildOverview(identities, NOW), NOW);
  assert.ok(overview.isWellFormed());
  assert.match(overview, new RegExp(`- ${'x'.repeat(38)}…`));
});
