import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InvalidInput } from '../../src/core/errors.ts';
import type { Identity } from '../../src/core/inventory.ts';
import { type InventoryFilter, matchesFilter } from '../../src/core/inventory-query.ts';
import type { InventoryRow, Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, federated, identity, newIntegration, owner, scan, secret } from './fixtures.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
const ends = (days: number) => new Date(NOW + days * DAY).toISOString();

/** A tenant with every shape the filters tell apart, names chosen to sort across integrations. */
function tenant(prefix: string): Identity[] {
  return [
    identity(`${prefix}-app-expired`, {
      displayName: 'Billing',
      credentials: [secret('s1', { endDateTime: ends(-3) })],
    }),
    identity(`${prefix}-app-soon`, {
      displayName: 'billing export',
      owners: [owner('u1')],
      credentials: [secret('s2', { endDateTime: ends(5) }), federated('f1', 'repo:x')],
    }),
    identity(`${prefix}-app-cert`, {
      displayName: 'Zeta',
      owners: [owner('u2')],
      credentials: [secret('s3', { type: 'certificate', endDateTime: ends(60) })],
    }),
    identity(`${prefix}-app-unknown-owners`, { displayName: 'alpha', unknown: ['owners'] }),
    identity(`${prefix}-app-bad-date`, {
      displayName: 'Odd',
      credentials: [secret('s4', { endDateTime: 'soon' })],
    }),
    identity(`${prefix}-mi`, {
      kind: 'servicePrincipal',
      displayName: 'Managed',
      servicePrincipalType: 'ManagedIdentity',
      managedIdentityType: 'system-assigned',
    }),
    identity(`${prefix}-ms`, {
      kind: 'servicePrincipal',
      displayName: 'Microsoft Graph',
      servicePrincipalType: 'Application',
      publisher: 'microsoft',
    }),
  ];
}

const FILTERS: Array<[string, InventoryFilter]> = [
  ['none', {}],
  ['applications', { types: ['application'] }],
  ['service principals and managed identities', { types: ['service-principal', 'managed-identity'] }],
  ['microsoft', { publishers: ['microsoft'] }],
  ['ownerless', { ownerless: true }],
  ['expired', { expired: true }],
  ['expired certificates', { expired: true, credentialTypes: ['certificate'] }],
  ['within 7 days', { expiresWithinMs: 7 * DAY }],
  ['within 90 days, secrets', { expiresWithinMs: 90 * DAY, credentialTypes: ['secret'] }],
  ['holding federated', { credentialTypes: ['federated'] }],
  [
    'ownerless applications with a secret',
    { ownerless: true, types: ['application'], credentialTypes: ['secret'] },
  ],
];

forEachDatabase('inventory pages', (db) => {
  let store: Store;
  const names: Record<string, string> = {};
  before(async () => {
    store = await db.open();
    for (const prefix of ['one', 'two']) {
      const created = await store.integrations.create(newIntegration());
      names[created.id] = created.name;
      await scan(store, created.id, asFacts(tenant(prefix)));
    }
  });
  after(() => store.close());

  const all = async (filter: InventoryFilter, limit = 1000): Promise<InventoryRow[]> => {
    const rows: InventoryRow[] = [];
    let after: string | undefined;
    do {
      const page = await store.inventory.page({ filter, now: NOW, limit, ...(after ? { after } : {}) });
      rows.push(...page.rows);
      after = page.next;
    } while (after);
    return rows;
  };

  for (const [name, filter] of FILTERS) {
    test(`filters in SQL as the core does: ${name}`, async () => {
      const every = await all({});
      const expected = every
        .filter((row) => matchesFilter(row.identity, filter, NOW))
        .map((r) => r.identity.objectId);
      assert.deepEqual(
        (await all(filter)).map((r) => r.identity.objectId),
        expected,
      );
    });
  }

  test('pages of any size give the whole list once, in name order, each row naming its integration', async () => {
    const whole = await all({});
    assert.equal(whole.length, 14);
    const sortKeys = whole.map((r) => r.identity.displayName.toLowerCase());
    assert.deepEqual(sortKeys, [...sortKeys].sort());
    for (const limit of [1, 2, 3, 5]) assert.deepEqual(await all({}, limit), whole, `pages of ${limit}`);
    for (const row of whole) {
      assert.equal(row.integration.name, names[row.integration.id]);
      assert.match(row.integration.tenantId, /^[0-9a-f-]{36}$/);
    }
    const ids = Object.keys(names);
    const one = await store.inventory.page({ integrationId: ids[0]!, now: NOW, limit: 100 });
    assert.equal(one.rows.length, 7);
    assert.ok(one.rows.every((r) => r.integration.id === ids[0]));
  });

  test('a forged or foreign cursor and a bad page size are refused, naming the field', async () => {
    for (const after of ['nonsense', Buffer.from('["a","b","not-a-uuid"]').toString('base64url')]) {
      await assert.rejects(store.inventory.page({ now: NOW, limit: 10, after }), (error) => {
        assert.ok(error instanceof InvalidInput);
        assert.equal(error.field, 'after');
        return true;
      });
    }
    await assert.rejects(
      store.inventory.page({ now: NOW, limit: 0 }),
      (e) => e instanceof InvalidInput && e.field === 'limit',
    );
  });

  test('search finds names by part, case-insensitively, with LIKE wildcards taken literally', async () => {
    const found = await store.inventory.search('BILLING', 10);
    assert.deepEqual(found.map((m) => m.identity.displayName).sort(), [
      'Billing',
      'Billing',
      'billing export',
      'billing export',
    ]);
    assert.deepEqual(await store.inventory.search('%', 10), []);
    assert.equal((await store.inventory.search('i', 3)).length, 3);
  });
});
