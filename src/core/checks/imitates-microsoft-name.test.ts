import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity } from '../inventory.ts';
import check, { imitatedProduct } from './imitates-microsoft-name.ts';
import { context, identity, subject } from './test-subject.ts';

const VENDOR = '9a1b2c3d-0000-4000-8000-000000000001';
const named = (displayName: string, overrides: Partial<Identity> = {}) =>
  identity({ displayName, publisher: 'third-party', appOwnerOrganizationId: VENDOR, ...overrides });
const run = (of: Identity) => check.evaluate(subject(of), context(check.params));

test("a third party's app named like Microsoft's fails, naming the product and the publisher tenant", () => {
  const outcome = run(named('Microsoft Graph Security Update'));
  assert.ok(outcome.status === 'fail');
  assert.equal(outcome.findings.length, 1);
  assert.equal(
    outcome.findings[0]!.message,
    `display name "Microsoft Graph Security Update" begins like Microsoft's "Microsoft" applications, but Microsoft did not publish it: it is published by another tenant (${VENDOR})`,
  );
  const own = run(named('Office 365 Mail Sync', { publisher: 'own' }));
  assert.ok(own.status === 'fail', 'one registered here fails too: an intruder may have left it');
  assert.match(own.findings[0]!.message, /"Office 365".*registered in this tenant/);
});

test('the listed names match at the start, whole-word, in any case, equal or run together', () => {
  for (const [name, product] of [
    ['azure', 'Azure'],
    ['AZURE Backup Agent', 'Azure'],
    ['Office365 Connector', 'Office 365'],
    ['office-365', 'Office 365'],
    ['O365 Mailbox Migration', 'O365'],
    ['Windows Update Service', 'Windows'],
    ['Graph', 'Graph'],
    ['Entra ID Sync', 'Entra'],
    ['Intune Compliance', 'Intune'],
    ['Teams Notifications', 'Teams'],
    ['Outlook Add-in', 'Outlook'],
    ['Share Point Online', 'SharePoint'],
    ['SharePoint', 'SharePoint'],
    ['Exchange Online PowerShell', 'Exchange'],
    ['[Microsoft] Security', 'Microsoft'],
    ['MicrosoftGraphConnector', 'Microsoft'],
  ] as const)
    assert.deepEqual(imitatedProduct(name), { product, lookAlike: false }, name);
});

test('look-alike characters are folded before matching and said so', () => {
  for (const [name, product] of [
    ['Mіcrosoft Graph', 'Microsoft'], // Cyrillic і
    ['Аzure Portal', 'Azure'], // Cyrillic А
    ['Micrоsоft', 'Microsoft'], // Cyrillic о
    ['Οffice 365', 'Office 365'], // Greek Ο
    ['Outlοok', 'Outlook'], // Greek ο
    ['Ехсhаngе', 'Exchange'], // Cyrillic Е х с а е
    ['Ｍｉｃｒｏｓｏｆｔ', 'Microsoft'], // full-width
    ['Micro\u200bsoft Teams', 'Microsoft'], // zero-width space
    ['Azuré', 'Azure'], // accent
    ['Micr0soft Support', 'Microsoft'],
    ['Tearns Meeting Bot', 'Teams'],
    ['lntune Agent', 'Intune'],
    ['VVindows Defender', 'Windows'],
  ] as const)
    assert.deepEqual(imitatedProduct(name), { product, lookAlike: true }, name);
  const outcome = run(named('Mіcrosoft Graph'));
  assert.ok(outcome.status === 'fail');
  assert.match(
    outcome.findings[0]!.message,
    /"Mіcrosoft Graph", written with look-alike characters, begins like/,
  );
});

test('other names pass: not at the start, not a whole word, or not Microsoft-like', () => {
  for (const name of [
    'Contoso Sync',
    'Backup for Microsoft 365',
    'Azurite Emulator',
    'Graphite Metrics',
    'GraphQL Gateway',
    'Teamster Portal',
    'Windowsill Sensors',
    'Exchanger Service',
    'Intunes',
  ])
    assert.equal(imitatedProduct(name), null, name);
  assert.equal(run(named('Contoso Sync')).status, 'pass');
});

test("Microsoft's own apps, managed identities and application rows are not concerned", () => {
  assert.equal(run(named('Microsoft Graph', { publisher: 'microsoft' })).status, 'not-applicable');
  const managed = named('azure-func-prod', {
    publisher: 'own',
    servicePrincipalType: 'ManagedIdentity',
    managedIdentityType: 'system-assigned',
  });
  assert.equal(run(managed).status, 'not-applicable');
  assert.equal(
    run(named('Microsoft Graph', { kind: 'application', servicePrincipalType: null, publisher: 'own' }))
      .status,
    'not-applicable',
  );
});

test('an unknown publisher with a Microsoft-like name is unknown: it may be genuine', () => {
  const outcome = run(
    named('Microsoft Legacy Service', { publisher: 'unknown', appOwnerOrganizationId: null }),
  );
  assert.ok(outcome.status === 'unknown');
  assert.match(outcome.reason, /publisher unknown/);
  assert.equal(run(named('Contoso', { publisher: 'unknown', appOwnerOrganizationId: null })).status, 'pass');
});
