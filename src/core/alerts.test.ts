import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AlertFinding,
  type AlertInput,
  digestCutoff,
  digestSubject,
  dueAlerts,
  expiryKey,
  findingKeyOf,
  groupByRecipient,
  looksLikeAddress,
  normalizeThresholds,
  ownerAddress,
  recipientsFor,
} from './alerts.ts';
import { ownerFindingKey } from './checks/check.ts';
import { credential, identity, owner } from './risk/test-fixtures.ts';

const NOW = new Date('2026-11-01T00:00:00Z');
const integration = { id: 'int1', name: 'contoso', fallbackEmail: 'secops@contoso.com' };
const inDays = (days: number, from = NOW) => new Date(from.getTime() + days * 86_400_000).toISOString();
const app = (days: number | null, overrides: Parameters<typeof identity>[0] = {}) =>
  identity({
    objectId: 'app-obj',
    kind: 'application',
    appId: 'app-id',
    displayName: 'Payroll',
    credentials: [
      credential({ keyId: 'k1', displayName: 'deploy', endDateTime: days === null ? null : inDays(days) }),
    ],
    ...overrides,
  });
const input = (overrides: Partial<AlertInput> = {}): AlertInput => ({
  integration,
  identities: [app(20)],
  now: NOW,
  alreadySent: new Set(),
  ...overrides,
});

test('a secret 20 days from expiry: the 30-day alert, to its owner, naming it and the days left', () => {
  const [alert, ...rest] = dueAlerts(input());
  assert.equal(rest.length, 0);
  assert.equal(alert!.key, 'expiry:int1:app-obj:k1:30');
  assert.equal(alert!.kind, 'credential-expiry');
  assert.equal(alert!.severity, 'medium');
  assert.deepEqual(alert!.recipients, ['ana@contoso.com']);
  assert.deepEqual(alert!.alsoMark, []);
  assert.equal(alert!.subject, 'Secret "deploy" of "Payroll" expires in 20 days');
  assert.match(
    alert!.message,
    /secret "deploy" \(k1\) of the application "Payroll" \(appId app-id\) expires in 20 days, on 2026-11-21/,
  );
  assert.equal(alert!.credential?.daysLeft, 20);
  assert.equal(alert!.credential?.threshold, 30);
});

test('only the narrowest threshold crossed is due; the wider ones ride along in alsoMark', () => {
  const [at10] = dueAlerts(input({ identities: [app(10)] }));
  assert.equal(at10!.key, 'expiry:int1:app-obj:k1:14');
  assert.deepEqual(at10!.alsoMark, ['expiry:int1:app-obj:k1:30']);
  const [at5] = dueAlerts(input({ identities: [app(5)] }));
  assert.equal(at5!.key, 'expiry:int1:app-obj:k1:7');
  assert.equal(at5!.severity, 'high');
  assert.deepEqual(at5!.alsoMark, ['expiry:int1:app-obj:k1:30', 'expiry:int1:app-obj:k1:14']);
});

test('already sent keys are neither due nor in alsoMark; a sent narrowest threshold leaves nothing due', () => {
  const sent30 = new Set([expiryKey('int1', 'app-obj', 'k1', 30)]);
  const [at10] = dueAlerts(input({ identities: [app(10)], alreadySent: sent30 }));
  assert.deepEqual(at10!.alsoMark, []);
  assert.deepEqual(dueAlerts(input({ identities: [app(25)], alreadySent: sent30 })), []);
  const sent7 = new Set([expiryKey('int1', 'app-obj', 'k1', 7)]);
  assert.deepEqual(dueAlerts(input({ identities: [app(3)], alreadySent: sent7 })), []);
});

test('expired, far-off, undated and federated credentials get no expiry alert', () => {
  assert.deepEqual(dueAlerts(input({ identities: [app(-1)] })), []);
  assert.deepEqual(dueAlerts(input({ identities: [app(31)] })), []);
  assert.deepEqual(dueAlerts(input({ identities: [app(null)] })), []);
  const federated = app(null, {
    credentials: [credential({ type: 'federated', keyId: 'f1', endDateTime: inDays(3) })],
  });
  assert.deepEqual(dueAlerts(input({ identities: [federated] })), []);
  const justExpired = app(null, { credentials: [credential({ endDateTime: NOW.toISOString() })] });
  assert.deepEqual(dueAlerts(input({ identities: [justExpired] })), []);
});

test('under a day left is the narrowest threshold, said as "within a day"', () => {
  const [alert] = dueAlerts(input({ identities: [app(0.5)] }));
  assert.equal(alert!.key, 'expiry:int1:app-obj:k1:7');
  assert.equal(alert!.credential?.daysLeft, 0);
  assert.match(alert!.subject, /expires within a day$/);
});

test('thresholds are configurable and normalised; nonsense is refused', () => {
  const [alert] = dueAlerts(input({ identities: [app(50)], thresholds: [3, 60] }));
  assert.equal(alert!.key, 'expiry:int1:app-obj:k1:60');
  assert.deepEqual(normalizeThresholds([7, 30, 14, 30]), [30, 14, 7]);
  assert.deepEqual(normalizeThresholds(undefined), [30, 14, 7]);
  assert.throws(() => normalizeThresholds([]), /thresholds/);
  assert.throws(() => normalizeThresholds([1.5]), /whole days/);
  assert.throws(() => normalizeThresholds([-1]), /whole days/);
});

test('recipients: enabled readable users with an address-like UPN; the fallback only when none', () => {
  assert.equal(ownerAddress(owner({ userPrincipalName: 'Ana@Contoso.com' })), 'ana@contoso.com');
  assert.equal(ownerAddress(owner({ accountEnabled: false })), null);
  assert.equal(ownerAddress(owner({ accountEnabled: null })), null);
  assert.equal(ownerAddress(owner({ readable: false })), null);
  assert.equal(ownerAddress(owner({ kind: 'servicePrincipal' })), null);
  assert.equal(
    ownerAddress(owner({ userPrincipalName: 'ana_fabrikam.com#EXT#@contoso.onmicrosoft.com' })),
    null,
  );
  assert.equal(ownerAddress(owner({ userPrincipalName: 'not an address' })), null);
  assert.equal(ownerAddress(owner({ userPrincipalName: 'a@b.com\nBcc: evil@x.com' })), null);
  assert.equal(ownerAddress(owner({ userPrincipalName: 'a@b.com, evil@x.com' })), null);
  assert.equal(ownerAddress(owner({ userPrincipalName: 'Eve <eve@x.com>' })), null);
  assert.deepEqual(
    recipientsFor(
      [
        owner({ objectId: 'b', userPrincipalName: 'bo@x.com' }),
        owner(),
        owner({ objectId: 'c', userPrincipalName: 'BO@x.com' }),
      ],
      'secops@x.com',
    ),
    ['ana@contoso.com', 'bo@x.com'],
  );
  assert.deepEqual(recipientsFor([owner({ accountEnabled: false })], 'secops@x.com'), ['secops@x.com']);
  assert.deepEqual(recipientsFor([], undefined), []);
  assert.deepEqual(recipientsFor([], 'not-an-address'), []);
  assert.ok(looksLikeAddress('first.last+tag@sub.example.co.uk'));
  assert.ok(!looksLikeAddress('a@localhost'));
});

test("recipients: an owner's mail first, then his UPN when the mail is empty, then the fallback", () => {
  const withMail = owner({
    objectId: 'm',
    userPrincipalName: 'ana@contoso.onmicrosoft.com',
    mail: 'Ana.Ruiz@Contoso.com',
  });
  assert.equal(ownerAddress(withMail), 'ana.ruiz@contoso.com', 'mail wins over the UPN');
  assert.equal(ownerAddress(owner({ mail: '' })), 'ana@contoso.com', 'an empty mail falls back to the UPN');
  assert.equal(ownerAddress(owner({ mail: 'no address' })), 'ana@contoso.com', 'an unusable mail too');
  assert.equal(ownerAddress(owner({ mail: 'a@b.com\nBcc: evil@x.com' })), 'ana@contoso.com');
  // A guest's mail is his own organisation's mailbox; his #EXT# UPN receives nothing.
  const guest = owner({ userPrincipalName: 'bo_fabrikam.com#EXT#@contoso.onmicrosoft.com' });
  assert.equal(ownerAddress({ ...guest, mail: 'bo@fabrikam.com' }), 'bo@fabrikam.com');
  assert.equal(ownerAddress(guest), null);
  // Mail never overrides who may be mailed: disabled or unreadable owners get nothing.
  assert.equal(ownerAddress(owner({ mail: 'ana@contoso.com', accountEnabled: false })), null);
  assert.equal(ownerAddress(owner({ mail: 'ana@contoso.com', readable: false })), null);
  assert.deepEqual(
    recipientsFor([withMail, owner({ objectId: 'n', userPrincipalName: 'cy@x.com' })], 'secops@x.com'),
    ['ana.ruiz@contoso.com', 'cy@x.com'],
  );
  assert.deepEqual(recipientsFor([{ ...guest, mail: '' }], 'SecOps@x.com'), ['secops@x.com']);
});

test('owners come from ownersOf (the workload), falling back, or nobody: channels only', () => {
  const ownerless = app(5, { owners: [] });
  const [viaWorkload] = dueAlerts(
    input({
      identities: [ownerless],
      ownersOf: () => [owner({ userPrincipalName: 'sp-owner@contoso.com' })],
    }),
  );
  assert.deepEqual(viaWorkload!.recipients, ['sp-owner@contoso.com']);
  const [fallback] = dueAlerts(input({ identities: [ownerless] }));
  assert.deepEqual(fallback!.recipients, ['secops@contoso.com']);
  const [nobody] = dueAlerts(
    input({ identities: [ownerless], integration: { id: 'int1', name: 'contoso' } }),
  );
  assert.deepEqual(nobody!.recipients, []);
});

const finding = (overrides: Partial<AlertFinding> = {}): AlertFinding => ({
  checkId: 'owner_missing',
  title: 'Privileged identity without an owner',
  severity: 'high',
  objectId: 'app-obj',
  message: 'The application "Payroll" has no owner and holds Directory.ReadWrite.All',
  findingKey: 'int1:owner_missing:app-obj',
  ...overrides,
});

test('findings alert when high or critical, once per finding key; low and medium do not', () => {
  const alerts = dueAlerts(
    input({
      identities: [app(null)],
      findings: [
        finding(),
        finding(),
        finding({ findingKey: 'f-critical', severity: 'critical' }),
        finding({ findingKey: 'f-medium', severity: 'medium' }),
        finding({ findingKey: 'f-low', severity: 'low' }),
      ],
    }),
  );
  assert.deepEqual(
    alerts.map((alert) => [alert.key, alert.severity]),
    [
      ['finding:f-critical', 'critical'],
      ['finding:int1:owner_missing:app-obj', 'high'],
    ],
  );
  const high = alerts[1]!;
  assert.equal(high.kind, 'finding');
  assert.equal(high.subject, 'High finding on "Payroll": Privileged identity without an owner');
  assert.deepEqual(high.recipients, ['ana@contoso.com']);
  assert.deepEqual(
    dueAlerts(input({ identities: [app(null)], findings: [finding()], alreadySent: new Set([high.key]) })),
    [],
  );
});

test('the expiring-credential check is not alerted twice: the expiry alert carries it', () => {
  const alerts = dueAlerts(
    input({ identities: [app(5)], findings: [finding({ checkId: 'credential_expiring', keyId: 'k1' })] }),
  );
  assert.deepEqual(
    alerts.map((alert) => alert.kind),
    ['credential-expiry'],
  );
});

test('suppressed findings alert nobody; findingKeyOf gives the usual stable key', () => {
  assert.deepEqual(
    dueAlerts(input({ identities: [app(null)], findings: [finding({ suppressed: true })] })),
    [],
  );
  assert.equal(
    findingKeyOf({ integrationId: 'int1', checkId: 'owner_missing', objectId: 'o', keyId: '' }),
    'int1:owner_missing:o:',
  );
  assert.equal(
    findingKeyOf({ integrationId: 'int1', checkId: 'c', objectId: 'o', keyId: 'k' }),
    'int1:c:o:k',
  );
});

test('a finding about an identity not given goes to the fallback, named by its object id', () => {
  const [alert] = dueAlerts(
    input({ identities: [], findings: [finding({ objectId: 'gone', keyId: 'kx' })] }),
  );
  assert.deepEqual(alert!.recipients, ['secops@contoso.com']);
  assert.equal(alert!.identity.displayName, 'gone');
  assert.equal(alert!.credential?.type, null);
  const [named] = dueAlerts(
    input({ identities: [], findings: [finding({ objectId: 'gone', displayName: 'Old app' })] }),
  );
  assert.equal(named!.identity.displayName, 'Old app');
});

test('a finding about one owner is keyed by the owner: its alert names no credential', () => {
  const keyId = ownerFindingKey({ objectId: 'u1' });
  const [alert] = dueAlerts(
    input({
      identities: [app(null)],
      findings: [
        finding({ checkId: 'tier0_app_owner_not_tier0', keyId, findingKey: `int1:x:app-obj:${keyId}` }),
      ],
    }),
  );
  assert.equal(alert!.kind, 'finding');
  assert.equal(alert!.credential, undefined);
  assert.deepEqual(alert!.recipients, ['ana@contoso.com']);
});

test('hostile display names cannot break the subject line; the raw text stays for each medium to escape', () => {
  const hostile = app(5, {
    displayName: 'Evil\r\nBcc: all@contoso.com <!channel> <b>x</b> \u202Egpj.exe',
    credentials: [
      credential({ keyId: 'k1', displayName: '**[click](https://evil.example)**', endDateTime: inDays(5) }),
    ],
  });
  const [alert] = dueAlerts(input({ identities: [hostile] }));
  assert.doesNotMatch(alert!.subject, /[\r\n\u202e]/);
  assert.match(alert!.subject, /Evil\\r\\nBcc: all@contoso.com <!channel> <b>x<\/b> \\u202egpj/);
  for (const line of alert!.message.split('\n')) assert.doesNotMatch(line, /[\r\u202e]/);
  assert.equal(alert!.message.split('\n').length, 3);
});

test('long names are shortened in the subject', () => {
  const [alert] = dueAlerts(input({ identities: [app(5, { displayName: 'x'.repeat(500) })] }));
  assert.ok(alert!.subject.length < 200);
});

test('the digest cuts at the last hourUtc at or before now, however late the round runs', () => {
  const at = (iso: string) => digestCutoff(new Date(iso), 8).toISOString();
  assert.equal(at('2026-11-01T07:59:59Z'), '2026-10-31T08:00:00.000Z');
  assert.equal(at('2026-11-01T08:00:00Z'), '2026-11-01T08:00:00.000Z');
  assert.equal(at('2026-11-01T23:30:00Z'), '2026-11-01T08:00:00.000Z');
  assert.equal(digestCutoff(new Date('2026-11-01T00:00:00Z'), 0).toISOString(), '2026-11-01T00:00:00.000Z');
});

test("a digest's subject names the day of its cut and what it holds", () => {
  const alerts = dueAlerts(input({ identities: [app(5), app(20, { objectId: 'later' })] }));
  assert.equal(
    digestSubject(new Date('2026-11-01T08:00:00Z'), alerts),
    'Lanyard daily digest for 2026-11-01: 2 alerts: 2 credentials expiring',
  );
});

test('alerts group per recipient address, an alert with several owners in each group', () => {
  const shared = app(10, {
    objectId: 'b-obj',
    owners: [owner(), owner({ objectId: 'o2', userPrincipalName: 'bo@x.com' })],
  });
  const alerts = dueAlerts(
    input({ identities: [app(5), shared, app(3, { objectId: 'c-obj', owners: [] })] }),
  );
  assert.deepEqual(
    groupByRecipient(alerts).map((group) => [group.recipient, group.alerts.map((a) => a.identity.objectId)]),
    [
      ['ana@contoso.com', ['app-obj', 'b-obj']],
      ['bo@x.com', ['b-obj']],
      ['secops@contoso.com', ['c-obj']],
    ],
  );
});

test('alerts come most severe first, then by key, whatever the input order', () => {
  const alerts = dueAlerts(
    input({
      identities: [app(20, { objectId: 'z' }), app(5, { objectId: 'y' }), app(10, { objectId: 'a' })],
    }),
  );
  assert.deepEqual(
    alerts.map((alert) => alert.key),
    ['expiry:int1:y:k1:7', 'expiry:int1:a:k1:14', 'expiry:int1:z:k1:30'],
  );
});
