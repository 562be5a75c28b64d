// Builds a tenant's ARM state from its generated directory: the subscriptions and resources its managed
// identities already name (alternativeNames), more subscriptions up to the count asked for, a small
// management-group tree, custom roles, role assignments and user-assigned identities' federated credentials.
// Every draw comes from the seed's 'arm' side stream (armSeed), never the tenant's own stream, and the tenant
// is only read, so generated tenants stay byte-identical whether or not ARM is generated.
import { type FederationContext, makeFederatedCredentials } from '../tenant/credentials.ts';
import type { TenantState } from '../tenant/model.ts';
import { createRandom, deriveSeed, type Random } from '../tenant/random.ts';
import { AZURE_REGIONS, REPOS } from '../tenant/vocabulary.ts';
import { addRoleAssignments } from './assignments.ts';
import type {
  ArmResource,
  ArmState,
  ManagementGroup,
  ResourceGroup,
  RoleDefinition,
  Subscription,
  UserAssignedIdentity,
} from './model.ts';
import { BUILT_IN_ROLES, CUSTOM_ROLE_TEMPLATES } from './roles.ts';

export interface GenerateArmOptions {
  /** The seed the tenant was generated with; the ARM stream is derived from it. */
  seed: number;
  /** Epoch ms that assignment dates count back from; default Date.now(). */
  now?: number;
  /**
   * Subscriptions in all (default 3). Subscriptions the tenant's managed identities already live in are always
   * kept, so a tenant can hold more than asked for.
   */
  subscriptions?: number;
}

export const DEFAULT_SUBSCRIPTIONS = 3;

/** The ARM side stream of a tenant's seed (tenant/random.ts deriveSeed): never the tenant's own stream. */
export const armSeed = (seed: number): number => deriveSeed(seed, 'arm');

const SUBSCRIPTION_NAMES = ['Production', 'Non-Production', 'Shared Services', 'Connectivity', 'Identity'];
const DAY_MS = 86_400_000;

interface MiResource {
  subscriptionId: string;
  resourceGroup: string;
  type: string;
  name: string;
  id: string;
  explicit: boolean;
  principalId: string;
  clientId: string;
}

/** `/subscriptions/{s}/resource[gG]roups/{rg}/providers/{ns}/{type}/{name}` from a managed identity's alternativeNames. */
function managedIdentityResources(tenant: TenantState): MiResource[] {
  const out: MiResource[] = [];
  for (const { object: sp } of tenant.servicePrincipals.values()) {
    if (sp.servicePrincipalType !== 'ManagedIdentity') continue;
    const names = sp.alternativeNames ?? [];
    const id = names.find((n) => n.startsWith('/subscriptions/'));
    const m =
      id &&
      /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)$/i.exec(id);
    if (!id || !m) continue;
    out.push({
      id,
      subscriptionId: m[1]!,
      resourceGroup: m[2]!,
      type: m[3]!,
      name: m[4]!,
      explicit: names.includes('isExplicit=True'),
      principalId: sp.id!,
      clientId: sp.appId!,
    });
  }
  return out;
}

function managementGroups(tenant: TenantState, slug: string): ManagementGroup[] {
  // A Cloud Adoption Framework shaped tree; the root group's id is the tenant id (UNCONFIRMED, see README).
  return [
    { name: tenant.id, displayName: 'Tenant Root Group', parent: null },
    { name: slug, displayName: tenant.displayName, parent: tenant.id },
    { name: `${slug}-platform`, displayName: 'Platform', parent: slug },
    { name: `${slug}-landingzones`, displayName: 'Landing zones', parent: slug },
    { name: `${slug}-corp`, displayName: 'Corp', parent: `${slug}-landingzones` },
    { name: `${slug}-online`, displayName: 'Online', parent: `${slug}-landingzones` },
    { name: `${slug}-sandbox`, displayName: 'Sandbox', parent: slug },
  ];
}

function subscriptions(rng: Random, named: string[], count: number, slug: string): Subscription[] {
  const ids = [...named];
  while (ids.length < count) ids.push(rng.uuid());
  const leaves = [`${slug}-platform`, `${slug}-corp`, `${slug}-online`, `${slug}-sandbox`];
  return ids.map((subscriptionId, i) => ({
    subscriptionId,
    displayName:
      i < SUBSCRIPTION_NAMES.length
        ? SUBSCRIPTION_NAMES[i]!
        : `Workload ${i - SUBSCRIPTION_NAMES.length + 1}`,
    managementGroup: leaves[rng.weighted([2, 4, 3, 1])]!,
  }));
}

function customRoles(rng: Random, subs: readonly Subscription[]): RoleDefinition[] {
  const roles: RoleDefinition[] = [];
  subs.forEach((sub, i) => {
    // The first two subscriptions carry the two risky templates, so every tenant with two has both.
    const picks = i < 2 ? [i] : [];
    if (rng.chance(0.5) || picks.length === 0) picks.push(rng.int(2, CUSTOM_ROLE_TEMPLATES.length - 1));
    for (const t of picks) {
      const template = CUSTOM_ROLE_TEMPLATES[t]!;
      roles.push({
        name: rng.uuid(),
        // Role names are unique per tenant, so each copy names its subscription.
        roleName: `${template.roleName} (${sub.displayName})`,
        description: template.description,
        roleType: 'CustomRole',
        permissions: [template.permission],
        assignableScopes: [`/subscriptions/${sub.subscriptionId}`],
      });
    }
  });
  return roles;
}

/** The GitHub org and AKS issuers the tenant's app credentials use, so identity credentials look alike. */
function federation(rng: Random, tenant: TenantState, slug: string): FederationContext {
  const aks = new Set<string>();
  for (const app of tenant.applications.values()) {
    for (const fic of app.federatedIdentityCredentials) {
      if (fic.issuer?.includes('.oic.prod-aks.azure.com/')) aks.add(fic.issuer);
    }
  }
  const aksIssuers = aks.size > 0 ? [...aks] : [];
  if (aksIssuers.length === 0) {
    aksIssuers.push(`https://${rng.pick(AZURE_REGIONS)}.oic.prod-aks.azure.com/${tenant.id}/${rng.uuid()}/`);
  }
  return { org: `${slug}-eng`, aksIssuers };
}

export function generateArmState(tenant: TenantState, options: GenerateArmOptions): ArmState {
  const rng = createRandom(armSeed(options.seed));
  const now = options.now ?? Date.now();
  const slug = tenant.displayName.toLowerCase().replace(/[^a-z0-9]/g, '') || 'tenant';
  const mis = managedIdentityResources(tenant);
  const named = [...new Set(mis.map((m) => m.subscriptionId))];
  const subs = subscriptions(rng, named, Math.max(0, options.subscriptions ?? DEFAULT_SUBSCRIPTIONS), slug);

  const groups = new Map<string, ResourceGroup>();
  const groupOf = (subscriptionId: string, name: string): ResourceGroup => {
    const key = `${subscriptionId}/${name}`.toLowerCase();
    let rg = groups.get(key);
    if (!rg) {
      rg = { subscriptionId, name, location: rng.pick(AZURE_REGIONS) };
      groups.set(key, rg);
    }
    return rg;
  };

  const fed = federation(rng, tenant, slug);
  const identities: UserAssignedIdentity[] = [];
  const resources: ArmResource[] = [];
  const atCap = mis.filter((m) => m.explicit).length >= 10 ? rng.int(0, 9) : -1;
  for (const mi of mis) {
    const { location } = groupOf(mi.subscriptionId, mi.resourceGroup);
    const base = {
      subscriptionId: mi.subscriptionId,
      resourceGroup: mi.resourceGroup,
      name: mi.name,
      location,
    };
    if (!mi.explicit) {
      resources.push({
        ...base,
        id: mi.id,
        type: mi.type,
        systemAssignedPrincipalId: mi.principalId,
        userAssignedIdentities: [],
      });
      continue;
    }
    // Graph allows 20 federated credentials per user-assigned identity (facts §5.5); one identity sits at the cap.
    const count = identities.length === atCap ? 20 : rng.chance(0.45) ? rng.int(1, 3) : 0;
    const fics = makeFederatedCredentials(rng, count, fed, rng.pick(REPOS)).map((f) => ({
      name: f.name!,
      issuer: f.issuer!,
      subject: f.subject!,
      audiences: [...(f.audiences ?? [])],
    }));
    identities.push({
      ...base,
      id: mi.id,
      principalId: mi.principalId,
      clientId: mi.clientId,
      federatedIdentityCredentials: fics,
    });
  }
  attachIdentities(rng, identities, resources);

  const state: ArmState = {
    tenantId: tenant.id,
    managementGroups: managementGroups(tenant, slug),
    subscriptions: subs,
    resourceGroups: [],
    roleDefinitions: [...BUILT_IN_ROLES, ...customRoles(rng, subs)],
    roleAssignments: [],
    userAssignedIdentities: identities,
    resources,
  };
  addRoleAssignments(rng, tenant, state, { now, groupOf, horizonMs: 3 * 365 * DAY_MS });
  state.resourceGroups = [...groups.values()];
  return state;
}

/** Half the user-assigned identities are attached to a resource in their resource group, as workloads use them. */
function attachIdentities(rng: Random, identities: UserAssignedIdentity[], resources: ArmResource[]): void {
  const rgKey = (r: { subscriptionId: string; resourceGroup: string }) =>
    `${r.subscriptionId}/${r.resourceGroup}`.toLowerCase();
  const byGroup = new Map<string, ArmResource[]>();
  for (const r of resources) {
    const list = byGroup.get(rgKey(r));
    if (list) list.push(r);
    else byGroup.set(rgKey(r), [r]);
  }
  const taken = new Set(resources.map((r) => r.id.toLowerCase()));
  for (const uami of identities) {
    if (!rng.chance(0.5)) continue;
    const local = byGroup.get(rgKey(uami)) ?? [];
    if (local.length > 0 && rng.chance(0.5)) {
      rng.pick(local).userAssignedIdentities.push(uami.id);
      continue;
    }
    const type = 'Microsoft.App/containerApps';
    const stem = `ca-${uami.name.replace(/^id-/, '')}`;
    const idOf = (n: string) =>
      `/subscriptions/${uami.subscriptionId}/resourceGroups/${uami.resourceGroup}/providers/${type}/${n}`;
    let name = stem;
    for (let k = 2; taken.has(idOf(name).toLowerCase()); k++) name = `${stem}-${k}`;
    taken.add(idOf(name).toLowerCase());
    resources.push({
      id: idOf(name),
      subscriptionId: uami.subscriptionId,
      resourceGroup: uami.resourceGroup,
      name,
      type,
      location: uami.location,
      systemAssignedPrincipalId: null,
      userAssignedIdentities: [uami.id],
    });
  }
}
