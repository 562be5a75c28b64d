// Test support for the Graph handler: a hand-built tenant, a manual clock, a fake `authenticate` reading
// "Bearer appId|tenantId|Role1,Role2" tokens, and a helper that calls the handler like a client would.
import type { Application, ServicePrincipal, User } from '@microsoft/microsoft-graph-types';
import type { CallerIdentity, Clock, EmulatorContext } from '../context.ts';
import type { EmulatorRequest } from '../http.ts';
import type {
  EmulatedApplication,
  EmulatedServicePrincipal,
  TenantSize,
  TenantState,
} from '../tenant/model.ts';
import { createGraphHandler, type GraphOptions } from './index.ts';

export const TENANT_ID = '11111111-1111-4111-8111-111111111111';
export const CALLER_APP_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
export const ORIGIN = 'https://graph.emulator.test:8443';

const hex = (n: number, width = 12) => n.toString(16).padStart(width, '0');
export const appObjectId = (i: number) => `a0000000-0000-4000-8000-${hex(i)}`;
export const appIdOf = (i: number) => `c0000000-0000-4000-8000-${hex(i)}`;
export const spObjectId = (i: number) => `b0000000-0000-4000-8000-${hex(i)}`;
export const userId = (i: number) => `d0000000-0000-4000-8000-${hex(i)}`;

export interface FixtureOptions {
  apps?: number;
  users?: number;
  size?: TenantSize;
  tenantId?: string;
}

const SP_TYPES = ['Application', 'ManagedIdentity', 'Legacy', 'SocialIdp'] as const;

/** Apps `App 0000`…, one service principal per app (types cycling), users; app 0 has 25 owners. */
export function createFixtureTenant(options: FixtureOptions = {}): TenantState {
  const tenantId = options.tenantId ?? TENANT_ID;
  const users = new Map<string, User>();
  for (let i = 0; i < (options.users ?? 30); i++) {
    users.set(userId(i), {
      id: userId(i),
      displayName: `User ${i}`,
      userPrincipalName: `user${i}@contoso.test`,
      accountEnabled: i % 5 !== 0,
      mail: `user${i}@contoso.test`,
      givenName: `Given${i}`,
      surname: `Surname${i}`,
      businessPhones: [],
      jobTitle: null,
      department: 'Engineering',
    });
  }
  const applications = new Map<string, EmulatedApplication>();
  const servicePrincipals = new Map<string, EmulatedServicePrincipal>();
  const appCount = options.apps ?? 250;
  for (let i = 0; i < appCount; i++) {
    const created = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString();
    const object: Application = {
      id: appObjectId(i),
      appId: appIdOf(i),
      displayName: `App ${String(i).padStart(4, '0')}`,
      createdDateTime: created,
      signInAudience: i % 2 === 0 ? 'AzureADMyOrg' : 'AzureADMultipleOrgs',
      publisherDomain: 'contoso.test',
      keyCredentials:
        i % 3 === 0
          ? [
              {
                keyId: `k${i}`,
                type: 'AsymmetricX509Cert',
                usage: 'Verify',
                endDateTime: new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString(),
                key: 'TUlJQ2VydA==',
              },
            ]
          : [],
      passwordCredentials: [
        {
          keyId: `p${i}`,
          hint: 'abc',
          displayName: 'secret',
          endDateTime: '2027-01-01T00:00:00Z',
          secretText: 'never-sent',
        },
      ],
      authenticationBehaviors: { requireClientServicePrincipal: false },
      tags: [],
    };
    const owners =
      i === 0
        ? Array.from({ length: 25 }, (_, k) => ({ id: userId(k), kind: 'user' as const }))
        : [
            { id: userId(i % 30), kind: 'user' as const },
            { id: spObjectId((i + 1) % appCount), kind: 'servicePrincipal' as const },
          ];
    applications.set(object.id!, {
      object,
      owners,
      federatedIdentityCredentials: Array.from({ length: i % 4 }, (_, k) => ({
        id: `f${i}-${k}`,
        name: `fic-${k}`,
        issuer: 'https://token.actions.githubusercontent.com',
        subject: `repo:contoso/app${i}:ref:refs/heads/main${k}`,
        audiences: ['api://AzureADTokenExchange'],
        description: null,
      })),
    });
    const sp: ServicePrincipal = {
      id: spObjectId(i),
      appId: appIdOf(i),
      displayName: `App ${String(i).padStart(4, '0')}`,
      servicePrincipalType: SP_TYPES[i % 4],
      accountEnabled: i % 7 !== 0,
      appOwnerOrganizationId: i % 2 === 0 ? tenantId : 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
      keyCredentials: [],
      passwordCredentials: [],
      tags: [],
    };
    servicePrincipals.set(sp.id!, {
      object: sp,
      owners: [{ id: userId(1), kind: 'user' }],
      grantedGraphRoles: [],
    });
  }
  return {
    id: tenantId,
    displayName: 'Contoso Test',
    defaultDomain: 'contoso.test',
    size: options.size ?? 'small',
    users,
    applications,
    servicePrincipals,
    secrets: [],
    certificates: [],
  };
}

export function createManualClock(start = Date.UTC(2026, 10, 23, 12)): Clock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

export const ALL_READ = [
  'Application.Read.All',
  'User.Read.All',
  'Organization.Read.All',
  'Directory.Read.All',
];

export function token(
  roles: readonly string[] = ALL_READ,
  tenantId = TENANT_ID,
  appId = CALLER_APP_ID,
): string {
  return `Bearer ${appId}|${tenantId}|${roles.join(',')}`;
}

export function createTestContext(tenants: TenantState[] = [createFixtureTenant()]): EmulatorContext {
  return {
    clock: createManualClock(),
    tenants: new Map(tenants.map((t) => [t.id, t])),
    authenticate(request): CallerIdentity | { status: number; body: unknown } {
      const header = request.headers.authorization ?? '';
      const [appId, tenantId, roles] = header.replace(/^Bearer /, '').split('|');
      if (!appId || !tenantId)
        return { status: 401, body: { error: { code: 'InvalidAuthenticationToken' } } };
      return { appId, tenantId, roles: roles ? roles.split(',') : [] };
    },
    requests: [],
    signIns: [],
    faults: [],
  };
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  json: any;
}

export type Call = (
  method: string,
  path: string,
  init?: { headers?: Record<string, string>; body?: unknown; auth?: string | null },
) => Promise<CallResult>;

/** A handler plus a `call` that sends a request to it, authenticated with all read roles by default. */
export function createTestGraph(options: GraphOptions = {}, tenants?: TenantState[]) {
  const ctx = createTestContext(tenants);
  const handler = createGraphHandler(ctx, { onInternalError: () => {}, ...options });
  const call: Call = async (method, path, init = {}) => {
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
    if (init.auth !== null) headers.authorization = init.auth ?? token();
    const body =
      init.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(typeof init.body === 'string' ? init.body : JSON.stringify(init.body));
    const request: EmulatorRequest = { method, url: new URL(path, ORIGIN), headers, body, ip: '127.0.0.1' };
    const response = await handler(request);
    if (!response) throw new Error(`handler declined ${path}`);
    const raw = response.body;
    const text = Buffer.isBuffer(raw)
      ? raw.toString('utf8')
      : typeof raw === 'string'
        ? raw
        : JSON.stringify(raw ?? null);
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: response.status, headers: response.headers ?? {}, text, json };
  };
  return { ctx, handler, call };
}
