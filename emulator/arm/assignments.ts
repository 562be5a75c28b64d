// Azure role assignments for the tenant's workload identities, at management-group, subscription,
// resource-group and resource scope (facts §9). Managed identities mostly hold roles near their own resource;
// a fifth of the tenant's own apps are deployers with subscription-wide roles; a few vendor apps read
// everything. Shares are ours (no source gives real-world proportions); README "ARM" lists them.
import type { TenantState } from '../tenant/model.ts';
import { MICROSOFT_TENANT_ID } from '../tenant/model.ts';
import { isoMillis, type Random } from '../tenant/random.ts';
import { ENVIRONMENTS, SERVICES } from '../tenant/vocabulary.ts';
import { type ArmResource, type ArmState, MANAGEMENT_GROUP_PREFIX, type ResourceGroup } from './model.ts';
import {
  CONTRIBUTOR,
  KEY_VAULT_ADMINISTRATOR,
  MANAGED_IDENTITY_CONTRIBUTOR,
  MANAGED_IDENTITY_FIC_CONTRIBUTOR,
  OWNER,
  RBAC_ADMINISTRATOR,
  READER,
  USER_ACCESS_ADMINISTRATOR,
} from './roles.ts';
import type { ScopeKind } from './scopes.ts';

type AssignableKind = Exclude<ScopeKind, 'root'>;
type RoleTable = ReadonlyArray<readonly [role: string, weight: number]>;

const CUSTOM = 'custom';
const RESOURCE_ROLES: RoleTable = [
  [KEY_VAULT_ADMINISTRATOR, 60],
  [READER, 20],
  [CONTRIBUTOR, 20],
];
const GROUP_ROLES: RoleTable = [
  [CONTRIBUTOR, 45],
  [READER, 30],
  [CUSTOM, 10],
  [MANAGED_IDENTITY_CONTRIBUTOR, 5],
  [OWNER, 5],
  [RBAC_ADMINISTRATOR, 5],
];
const SUBSCRIPTION_ROLES: RoleTable = [
  [READER, 45],
  [CONTRIBUTOR, 30],
  [CUSTOM, 10],
  [OWNER, 8],
  [USER_ACCESS_ADMINISTRATOR, 4],
  [MANAGED_IDENTITY_FIC_CONTRIBUTOR, 3],
];
const MANAGEMENT_GROUP_ROLES: RoleTable = [
  [READER, 70],
  [CONTRIBUTOR, 20],
  [OWNER, 10],
];
const VENDOR_ROLES: RoleTable = [
  [READER, 85],
  [CONTRIBUTOR, 15],
];
const KINDS: readonly AssignableKind[] = ['resourceGroup', 'subscription', 'resource', 'managementGroup'];

export interface AssignOptions {
  now: number;
  /** Assignments were made uniformly over this many ms before `now`. */
  horizonMs: number;
  /** The resource group of that name, created (with a drawn location) on first use. */
  groupOf(subscriptionId: string, name: string): ResourceGroup;
}

interface Home {
  subscriptionId: string;
  resourceGroup: string;
}

export function addRoleAssignments(
  rng: Random,
  tenant: TenantState,
  state: ArmState,
  options: AssignOptions,
): void {
  const subs = state.subscriptions;
  if (subs.length === 0) return;
  const users = [...tenant.users.keys()];
  const [root, top] = state.managementGroups;
  const customBySub = new Map<string, string[]>();
  for (const role of state.roleDefinitions) {
    if (role.roleType !== 'CustomRole') continue;
    const sub = role.assignableScopes[0]!.split('/')[2]!.toLowerCase();
    customBySub.set(sub, [...(customBySub.get(sub) ?? []), role.name]);
  }
  const homes = new Map<string, Home>();
  for (const r of [...state.userAssignedIdentities, ...state.resources]) {
    const principal = 'principalId' in r ? r.principalId : r.systemAssignedPrincipalId;
    if (principal) homes.set(principal, { subscriptionId: r.subscriptionId, resourceGroup: r.resourceGroup });
  }
  const vaults = new Map<string, ArmResource>();
  const taken = new Set<string>();
  const kinds = new Set<AssignableKind>();
  let customUsed = false;

  const add = (principalId: string, role: string, scope: string, kind: AssignableKind) => {
    const key = `${principalId}|${role}|${scope.toLowerCase()}`;
    if (taken.has(key)) return; // ARM refuses a second identical assignment (RoleAssignmentExists)
    taken.add(key);
    kinds.add(kind);
    state.roleAssignments.push({
      name: rng.uuid(),
      scope,
      roleDefinitionName: role,
      principalId,
      principalType: 'ServicePrincipal',
      createdOn: isoMillis(rng.timeBetween(options.now - options.horizonMs, options.now - 86_400_000)),
      createdBy: users.length > 0 && rng.chance(0.7) ? rng.pick(users) : null,
    });
  };

  const vault = (home: Home): string => {
    const rg = options.groupOf(home.subscriptionId, home.resourceGroup);
    const key = `${rg.subscriptionId}/${rg.name}`.toLowerCase();
    let kv = vaults.get(key);
    if (!kv) {
      const name = `kv-${rg.name.replace(/^rg-/, '')}`.slice(0, 24).replace(/-+$/, '');
      const id = `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}/providers/Microsoft.KeyVault/vaults/${name}`;
      kv = {
        id,
        name,
        type: 'Microsoft.KeyVault/vaults',
        location: rg.location,
        systemAssignedPrincipalId: null,
        userAssignedIdentities: [],
        subscriptionId: rg.subscriptionId,
        resourceGroup: rg.name,
      };
      vaults.set(key, kv);
      state.resources.push(kv);
    }
    return kv.id;
  };

  const pickRole = (table: RoleTable, subscriptionId: string): string => {
    const role = table[rng.weighted(table.map(([, w]) => w))]![0];
    if (role !== CUSTOM) return role;
    const custom = customBySub.get(subscriptionId.toLowerCase());
    if (!custom || custom.length === 0) return READER;
    customUsed = true;
    return rng.pick(custom);
  };

  /** One assignment of `kind` near `home` (a managed identity's own resource group) or anywhere. */
  const assign = (principalId: string, kind: AssignableKind, home: Home | undefined, table?: RoleTable) => {
    const sub = home?.subscriptionId ?? rng.pick(subs).subscriptionId;
    const rgName = home?.resourceGroup ?? `rg-${rng.pick(SERVICES)}-${rng.pick(ENVIRONMENTS)}`;
    if (kind === 'managementGroup') {
      const group = subs.find((s) => s.subscriptionId === sub)?.managementGroup ?? top!.name;
      add(
        principalId,
        pickRole(table ?? MANAGEMENT_GROUP_ROLES, sub),
        `${MANAGEMENT_GROUP_PREFIX}${group}`,
        kind,
      );
    } else if (kind === 'subscription') {
      add(principalId, pickRole(table ?? SUBSCRIPTION_ROLES, sub), `/subscriptions/${sub}`, kind);
    } else if (kind === 'resourceGroup') {
      const rg = options.groupOf(sub, rgName);
      const scope = `/subscriptions/${sub}/resourceGroups/${rg.name}`;
      add(principalId, pickRole(table ?? GROUP_ROLES, sub), scope, kind);
    } else {
      const scope = vault({ subscriptionId: sub, resourceGroup: rgName });
      add(principalId, pickRole(table ?? RESOURCE_ROLES, sub), scope, kind);
    }
  };

  const eligible: string[] = [];
  for (const { object: sp } of tenant.servicePrincipals.values()) {
    const id = sp.id!;
    const owner = sp.appOwnerOrganizationId;
    if (sp.servicePrincipalType === 'ManagedIdentity') {
      eligible.push(id);
      if (!rng.chance(0.8)) continue;
      const n = rng.chance(0.3) ? 2 : 1;
      for (let k = 0; k < n; k++) assign(id, KINDS[rng.weighted([50, 25, 20, 5])]!, homes.get(id));
    } else if (sp.servicePrincipalType === 'Application' && owner === tenant.id) {
      eligible.push(id);
      if (!rng.chance(0.2)) continue;
      const n = rng.int(1, 2);
      for (let k = 0; k < n; k++) assign(id, KINDS[rng.weighted([35, 50, 5, 10])]!, undefined);
    } else if (sp.servicePrincipalType === 'Application' && owner && owner !== MICROSOFT_TENANT_ID) {
      // Vendor apps (CSPM, backup, FinOps) get broad read, now and then more.
      if (!rng.chance(0.15)) continue;
      if (rng.chance(0.5)) {
        const group = rng.chance(0.5) ? root! : top!;
        add(id, pickRole(VENDOR_ROLES, ''), `${MANAGEMENT_GROUP_PREFIX}${group.name}`, 'managementGroup');
      } else assign(id, 'subscription', undefined, VENDOR_ROLES);
    }
  }

  // Every scope kind, and a custom role, appear at least once whenever there is anyone to assign them to.
  if (eligible.length === 0) return;
  for (const kind of KINDS) if (!kinds.has(kind)) assign(rng.pick(eligible), kind, undefined);
  const custom = state.roleDefinitions.find((r) => r.roleType === 'CustomRole');
  if (!customUsed && custom)
    add(rng.pick(eligible), custom.name, custom.assignableScopes[0]!, 'subscription');
}
