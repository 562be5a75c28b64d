import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential, Identity } from '../inventory.ts';
import { scoreIdentity } from './score.ts';
import { assertReproducible, credential, identity, NO_REACH, NOW, owner, TIER0 } from './test-fixtures.ts';
import type { LastUse, ReachInput } from './types.ts';

const RECENT: LastUse = { state: 'used', at: '2026-10-30T00:00:00Z' };
const SUBSCRIPTION_OWNER: ReachInput = {
  entries: [
    {
      kind: 'azure-role',
      name: 'Owner',
      tier: 0,
      scope: '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590',
      path: [],
    },
  ],
};
const THREE_YEAR_SECRET_ON_SP = credential({
  keyId: 'sp-secret',
  location: 'servicePrincipal',
  startDateTime: '2023-10-01T00:00:00Z',
  endDateTime: '2026-12-30T00:00:00Z',
});

interface Row {
  name: string;
  identity: Identity;
  reach?: ReachInput;
  lastUse?: (credential: Credential) => LastUse;
  /** Every factor as `id:points`, in order. */
  factors: string[];
  score: number;
  level?: string;
  texts?: string[];
}

const rows: Row[] = [
  {
    // The worked example of risk-and-controls.md §4.2: five reasons, capped at 100.
    name: 'tier-0 app, 3-year secret on the SP unused 120 days, one user owner',
    identity: identity({ credentials: [THREE_YEAR_SECRET_ON_SP] }),
    lastUse: () => ({ state: 'used', at: '2026-07-04T00:00:00Z' }),
    factors: [
      'reach_tier0_tenant:100',
      'credential_type:25',
      'credential_on_service_principal:40',
      'credential_age:10',
      'credential_lifetime:10',
      'unused:15',
      'owner:10',
    ],
    score: 100,
    level: 'critical',
  },
  {
    name: 'several credentials: the riskiest speaks, the others add up',
    identity: identity({
      credentials: [
        credential({ keyId: 'cert', type: 'certificate' }),
        credential({ keyId: 'sp', location: 'servicePrincipal' }),
        credential({ keyId: 'old', endDateTime: '2026-01-01T00:00:00Z' }),
        credential({ keyId: 'fic', type: 'federated', startDateTime: null, endDateTime: null }),
      ],
    }),
    factors: [
      'reach_tier0_tenant:100',
      'credential_type:25',
      'credential_on_service_principal:40',
      'used_recently:0',
      'active_credentials:10',
      'owner:10',
    ],
    score: 85,
    texts: ['3 active credentials: each one is another way in'],
  },
  {
    name: 'no credential: only an owner could add one',
    identity: identity(),
    factors: ['reach_tier0_tenant:100', 'no_active_credential:0', 'owner:10'],
    score: 10,
    level: 'low',
    texts: ['owner ana@contoso.com can add credentials and sign in as it'],
  },
  {
    name: 'no owners',
    identity: identity({ owners: [], credentials: [credential()] }),
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'used_recently:0', 'owners_none:5'],
    score: 30,
  },
  {
    name: 'owners unknown is not "no owners"',
    identity: identity({ owners: [], unknown: ['owners'], credentials: [credential()] }),
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'used_recently:0', 'owners_unknown:5'],
    score: 30,
    texts: ['owners unknown: they could not be read in the last scan'],
  },
  {
    name: 'all owners disabled',
    identity: identity({
      owners: [owner({ accountEnabled: false }), owner({ objectId: 'o2', accountEnabled: false })],
      credentials: [credential()],
    }),
    factors: ['reach_tier0_tenant:100', 'credential_type:25', 'used_recently:0', 'owners_all_disabled:10'],
    score: 35,
    texts: ['all 2 owners are disabled accounts: nobody active looks after it'],
  },
  {
    name: 'a guest owner and an unreadable one; disabled owners add nothing',
    identity: identity({
      owners: [
        owner({ userPrincipalName: 'bob_fabrikam.com#EXT#@contoso.onmicrosoft.com' }),
        owner({
          objectId: 'o3',
          readable: false,
          userPrincipalName: null,
          displayName: null,
          accountEnabled: null,
        }),
        owner({ objectId: 'o4', accountEnabled: false }),
      ],
    }),
    factors: ['reach_tier0_tenant:100', 'no_active_credential:0', 'owner_guest:30', 'owner:10'],
    score: 40,
    texts: [
      'guest owner bob_fabrikam.com#EXT#@contoso.onmicrosoft.com can add credentials and sign in as it',
      'owner o3 (details unreadable) can add credentials and sign in as it',
    ],
  },
  {
    name: 'third-party multi-tenant app with tier-0 rights',
    identity: identity({
      publisher: 'third-party',
      appOwnerOrganizationId: '9188040d-6c67-4c5b-b112-36a304b66dad',
      owners: [],
    }),
    factors: [
      'reach_tier0_tenant:100',
      'no_active_credential:0',
      'owners_none:5',
      'third_party_publisher:20',
    ],
    score: 25,
    texts: [
      "third-party multi-tenant app with tier-0 rights (publisher tenant 9188040d-6c67-4c5b-b112-36a304b66dad): its credentials live in the publisher's tenant, out of your sight",
    ],
  },
  {
    name: 'publisher unknown',
    identity: identity({ publisher: 'unknown', appOwnerOrganizationId: null }),
    reach: NO_REACH,
    factors: ['reach_none:5', 'no_active_credential:0', 'owner:10', 'publisher_unknown:5'],
    score: 1,
  },
  {
    name: 'Microsoft first-party service principal without credentials: no owner noise',
    identity: identity({ publisher: 'microsoft', owners: [] }),
    reach: NO_REACH,
    factors: ['reach_none:5', 'no_active_credential:0'],
    score: 0,
  },
  {
    name: 'Microsoft first-party service principal holding a secret',
    identity: identity({
      publisher: 'microsoft',
      owners: [],
      credentials: [credential({ location: 'servicePrincipal' })],
    }),
    reach: NO_REACH,
    factors: [
      'reach_microsoft_first_party:100',
      'reach_none:5',
      'credential_type:25',
      'microsoft_service_principal_credential:100',
      'used_recently:0',
    ],
    score: 100,
  },
  {
    name: 'federated credentials unread',
    identity: identity({ unknown: ['federated'], credentials: [credential({ type: 'certificate' })] }),
    factors: [
      'reach_tier0_tenant:100',
      'credential_type:12',
      'used_recently:0',
      'credentials_unknown:5',
      'owner:10',
    ],
    score: 27,
  },
  {
    name: 'managed identity owning a subscription',
    identity: identity({
      servicePrincipalType: 'ManagedIdentity',
      managedIdentityType: 'user-assigned',
      owners: [],
    }),
    reach: SUBSCRIPTION_OWNER,
    factors: ['reach_tier0_subscription:90', 'managed_identity:100'],
    score: 90,
    level: 'critical',
  },
  {
    name: 'managed identity whose reach could not be read',
    identity: identity({
      servicePrincipalType: 'ManagedIdentity',
      managedIdentityType: 'system-assigned',
      owners: [],
    }),
    reach: { entries: [], unknown: ['Azure role assignments: subscription not readable'] },
    factors: ['reach_unknown:50', 'managed_identity:100'],
    score: 50,
    level: 'high',
  },
];

for (const row of rows) {
  test(`identity score: ${row.name}`, () => {
    const result = scoreIdentity({
      identity: row.identity,
      reach: row.reach ?? TIER0,
      lastUse: row.lastUse ?? (() => RECENT),
      now: NOW,
    });
    assert.deepEqual(
      result.factors.map((factor) => `${factor.id}:${factor.points}`),
      row.factors,
    );
    assert.equal(result.score, row.score);
    if (row.level) assert.equal(result.level, row.level);
    assertReproducible(result);
    for (const credentialScore of result.credentials) assertReproducible(credentialScore);
    const texts = result.factors.map((factor) => factor.text);
    for (const text of row.texts ?? [])
      assert.ok(texts.includes(text), `"${text}" in ${JSON.stringify(texts)}`);
  });
}
