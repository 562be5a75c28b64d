// The inventory the risk service and the inventory's risk filters are tested on (test support only: imported by
// *.test.ts files): contoso holds a tier-0 workload (an application and its service principal), a service
// principal whose access was never read and 1,200 quiet applications (several pages); fabrikam holds an
// application with contoso's Payroll appId but no service principal. Only contoso's sign-ins are watched.
import type { Identity } from '../core/inventory.ts';
import { credential, identity } from '../core/risk/test-fixtures.ts';
import { MICROSOFT_GRAPH_APP_ID } from '../core/tiers/tier-table.ts';
import { fakeLastUse, fakeStore } from './test-store.ts';

export const FILLERS = 1_200;

const app = (appId: string, displayName: string, overrides: Partial<Identity> = {}) =>
  identity({
    objectId: `${appId}-app`,
    kind: 'application',
    appId,
    displayName,
    servicePrincipalType: null,
    credentials: [],
    ...overrides,
  });
const sp = (appId: string, displayName: string, overrides: Partial<Identity> = {}) =>
  identity({ objectId: `${appId}-sp`, appId, displayName, credentials: [], access: [], ...overrides });
const TIER0 = [
  {
    kind: 'app-role' as const,
    permission: 'RoleManagement.ReadWrite.Directory',
    resourceAppId: MICROSOFT_GRAPH_APP_ID,
  },
];

export function riskFixture() {
  const fillers = Array.from({ length: FILLERS }, (_, n) =>
    app(`filler-${n}`, `filler ${String(n).padStart(4, '0')}`, {
      credentials: [credential({ keyId: `filler-${n}-cert`, type: 'certificate', hint: null })],
    }),
  );
  const contoso = {
    id: 'i-contoso',
    name: 'contoso',
    tenantId: 't-contoso',
    identities: [
      app('payroll', 'Payroll', { credentials: [credential({ keyId: 'pay-secret' })] }),
      sp('payroll', 'Payroll', {
        access: TIER0,
        credentials: [credential({ keyId: 'pay-sp-secret', location: 'servicePrincipal' })],
      }),
      sp('unread', 'Unread', {
        access: undefined,
        credentials: [credential({ keyId: 'unread-secret', location: 'servicePrincipal' })],
      }),
      ...fillers,
    ],
  };
  // Same appId as contoso's Payroll, another tenant: contoso's service principal is not its partner.
  const fabrikam = {
    id: 'i-fabrikam',
    name: 'fabrikam',
    tenantId: 't-fabrikam',
    identities: [app('payroll', 'Payroll', { credentials: [credential({ keyId: 'fab-secret' })] })],
  };
  const { store, calls } = fakeStore([contoso, fabrikam]);
  const lastUse = fakeLastUse(
    { 'i-contoso': { monitoredSince: '2026-01-01T00:00:00Z', unknownReason: null, readThrough: null } },
    {
      'i-contoso': {
        payroll: {
          identityAt: '2026-10-30T00:00:00Z',
          credentials: { 'pay-secret': '2026-10-30T00:00:00Z' },
        },
      },
    },
  );
  return { store, calls, lastUse };
}
