// Service principals that have no application object in the tenant: Microsoft first-party, third-party
// multi-tenant apps, managed identities, and the odd Legacy and SocialIdp principal.
import type { ServicePrincipal } from '@microsoft/microsoft-graph-types';
import { makeSamlSigningSet, makeSecret } from './credentials.ts';
import {
  COMMON_GRAPH_ROLES,
  FIRST_PARTY_APPS,
  FIRST_PARTY_PREFIXES,
  FIRST_PARTY_SUFFIXES,
  GRAPH_APP_ROLES,
  GRAPH_SCOPES,
  PRIVILEGED_GRAPH_ROLES,
} from './microsoft-catalogue.ts';
import { type EmulatedServicePrincipal, MICROSOFT_GRAPH_APP_ID, MICROSOFT_TENANT_ID } from './model.ts';
import { DAY, isoSeconds, type Random } from './random.ts';
import { ENVIRONMENTS, MI_RESOURCE_TYPES, SERVICES, VENDORS } from './vocabulary.ts';
import { buildServicePrincipal, INTEGRATED_APP_TAGS } from './wire-objects.ts';

/**
 * appOwnerOrganizationId carried by managed-identity service principals. UNCONFIRMED: no Microsoft page
 * states it; community output shows Microsoft's service tenant. It is the stricter choice for a client,
 * which must classify by servicePrincipalType rather than by owner organisation.
 */
export const MANAGED_IDENTITY_OWNER_ORGANIZATION_ID = MICROSOFT_TENANT_ID;

/** Share of eligible service principals holding credentials on the SP object itself. */
export const SP_CREDENTIAL_RATE = 0.035;

export interface GenContext {
  rng: Random;
  now: number;
  tenantId: string;
  servicePrincipals: EmulatedServicePrincipal[];
}

/** Graph application permissions for one principal: a few common ones, rarely a privileged one. */
export function pickGraphRoles(
  rng: Random,
  pCommon: number,
  maxCommon: number,
  pPrivileged: number,
): string[] {
  const roles: string[] = [];
  if (rng.chance(pCommon)) {
    const n = rng.int(1, maxCommon);
    for (let i = 0; i < n; i++) {
      const role = rng.pick(COMMON_GRAPH_ROLES);
      if (!roles.includes(role)) roles.push(role);
    }
  }
  if (rng.chance(pPrivileged)) {
    const role = rng.pick(PRIVILEGED_GRAPH_ROLES);
    if (!roles.includes(role)) roles.push(role);
  }
  return roles;
}

/** Adds SP-level credentials: a SAML signing set (most) or a secret added straight to the SP. */
export function addServicePrincipalCredentials(rng: Random, now: number, sp: ServicePrincipal): void {
  if (rng.chance(0.6)) {
    const saml = makeSamlSigningSet(rng, now);
    sp.keyCredentials = saml.keyCredentials;
    sp.passwordCredentials = [saml.passwordCredential];
    sp.preferredSingleSignOnMode = 'saml';
    sp.preferredTokenSigningKeyThumbprint = saml.thumbprintHex;
  } else {
    const n = rng.int(1, 2);
    const since = now - rng.int(30, 1500) * DAY;
    sp.passwordCredentials = Array.from({ length: n }, () => makeSecret(rng, now, since));
  }
}

function graphServicePrincipal(ctx: GenContext): ServicePrincipal {
  const sp = buildServicePrincipal({
    id: ctx.rng.uuid(),
    appId: MICROSOFT_GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: MICROSOFT_TENANT_ID,
    signInAudience: 'AzureADMultipleOrgs',
    servicePrincipalNames: [
      MICROSOFT_GRAPH_APP_ID,
      'https://canary.graph.microsoft.com',
      'https://graph.microsoft.com',
      'https://ags.windows.net',
      'https://graph.microsoft.us',
      'https://graph.microsoft.com/',
      'https://dod-graph.microsoft.us',
    ],
  });
  sp.appRoles = GRAPH_APP_ROLES.map((r) => ({
    allowedMemberTypes: ['Application'],
    description: `${r.displayName}, without a signed-in user.`,
    displayName: r.displayName,
    id: r.id,
    isEnabled: true,
    origin: 'Application',
    value: r.value,
  }));
  sp.oauth2PermissionScopes = GRAPH_SCOPES.map((s) => ({
    adminConsentDescription: `${s.displayName}.`,
    adminConsentDisplayName: s.displayName,
    id: s.id,
    isEnabled: true,
    type: s.value === 'User.Read' ? 'User' : 'Admin',
    userConsentDescription: `${s.displayName}.`,
    userConsentDisplayName: s.displayName,
    value: s.value,
  }));
  return sp;
}

export function addMicrosoftPrincipals(ctx: GenContext, count: number): void {
  const { rng } = ctx;
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const known = FIRST_PARTY_APPS[i];
    let sp: ServicePrincipal;
    if (known?.appId === MICROSOFT_GRAPH_APP_ID) sp = graphServicePrincipal(ctx);
    else {
      let displayName = known?.displayName;
      while (!displayName || (!known && used.has(displayName)))
        displayName = `${rng.pick(FIRST_PARTY_PREFIXES)} ${rng.pick(FIRST_PARTY_SUFFIXES)}${used.size > 150 ? ` ${rng.int(2, 99)}` : ''}`;
      const appId = known?.appId ?? rng.uuid();
      sp = buildServicePrincipal({
        id: rng.uuid(),
        appId,
        displayName,
        servicePrincipalType: 'Application',
        appOwnerOrganizationId: MICROSOFT_TENANT_ID,
        signInAudience: 'AzureADMultipleOrgs',
        servicePrincipalNames: [appId],
      });
      used.add(displayName);
    }
    ctx.servicePrincipals.push({ object: sp, owners: [], grantedGraphRoles: [] });
  }
}

export function addThirdPartyPrincipals(ctx: GenContext, count: number): void {
  const { rng, now } = ctx;
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const vendor = rng.pick(VENDORS);
    const product = rng.pick(vendor.products);
    const n = (seen.get(product) ?? 0) + 1;
    seen.set(product, n);
    const appId = rng.uuid();
    const verified = vendor.verifiedPublisherId !== null && rng.chance(0.8);
    const sp = buildServicePrincipal({
      id: rng.uuid(),
      appId,
      displayName: n === 1 ? product : `${product} ${n}`,
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: vendor.tenantId,
      signInAudience: 'AzureADMultipleOrgs',
      servicePrincipalNames: [
        appId,
        `https://${vendor.name.split(' ')[0]!.toLowerCase()}.example/app/${appId}`,
      ],
      tags: INTEGRATED_APP_TAGS,
      homepage: `https://www.${vendor.name.split(' ')[0]!.toLowerCase()}.example/`,
      verifiedPublisher: verified
        ? {
            displayName: vendor.name,
            verifiedPublisherId: vendor.verifiedPublisherId!,
            addedDateTime: isoSeconds(now - rng.int(30, 1500) * DAY),
          }
        : null,
    });
    if (rng.chance(SP_CREDENTIAL_RATE)) addServicePrincipalCredentials(rng, now, sp);
    ctx.servicePrincipals.push({
      object: sp,
      owners: [],
      grantedGraphRoles: pickGraphRoles(rng, 0.3, 3, 0.03),
    });
  }
}

const MI_PREFIX: Record<string, string> = {
  'Microsoft.Web/sites': 'func',
  'Microsoft.Compute/virtualMachines': 'vm',
  'Microsoft.Logic/workflows': 'logic',
  'Microsoft.DataFactory/factories': 'adf',
  'Microsoft.Automation/automationAccounts': 'aa',
  'Microsoft.ContainerInstance/containerGroups': 'ci',
  'Microsoft.App/containerApps': 'ca',
};

/** Managed identities in a few subscriptions: ~70% system-assigned, ~30% user-assigned. */
export function addManagedIdentities(ctx: GenContext, count: number, subscriptions: readonly string[]): void {
  const { rng } = ctx;
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const sub = rng.pick(subscriptions);
    const service = rng.pick(SERVICES);
    const env = rng.pick(ENVIRONMENTS);
    const rg = `rg-${service}-${env}`;
    const system = rng.chance(0.7);
    const type = system ? rng.pick(MI_RESOURCE_TYPES) : 'Microsoft.ManagedIdentity/userAssignedIdentities';
    const base = system ? `${MI_PREFIX[type] ?? 'res'}-${service}-${env}` : `id-${service}-${env}`;
    let name = base;
    for (let k = 2; taken.has(`${sub}/${rg}/${type}/${name}`); k++) name = `${base}-${k}`;
    taken.add(`${sub}/${rg}/${type}/${name}`);
    // Casing as Entra writes it: system-assigned keeps the resource id's casing, user-assigned lower-cases
    // "resourcegroups" (observed in Graph output; see README).
    const alternativeNames = system
      ? ['isExplicit=False', `/subscriptions/${sub}/resourceGroups/${rg}/providers/${type}/${name}`]
      : ['isExplicit=True', `/subscriptions/${sub}/resourcegroups/${rg}/providers/${type}/${name}`];
    const appId = rng.uuid();
    const sp = buildServicePrincipal({
      id: rng.uuid(),
      appId,
      displayName: name,
      servicePrincipalType: 'ManagedIdentity',
      appOwnerOrganizationId: MANAGED_IDENTITY_OWNER_ORGANIZATION_ID,
      signInAudience: 'AzureADMyOrg',
      servicePrincipalNames: [appId, `https://identity.azure.net/${rng.bytes(32).toString('base64')}`],
      alternativeNames,
    });
    ctx.servicePrincipals.push({
      object: sp,
      owners: [],
      grantedGraphRoles: pickGraphRoles(rng, 0.25, 2, 0.01),
    });
  }
}

const LEGACY_NAMES = [
  'MSOnline SSO connector',
  'Legacy ADFS relay',
  'Office 365 sync (old)',
  'Intranet SSO 2014',
];
const SOCIAL_IDPS = ['Google', 'Facebook', 'Microsoft Account'];

/** Legacy principals (no app registration, often with old credentials) and SocialIdp principals. */
export function addLegacyAndSocial(ctx: GenContext, legacy: number, social: number): void {
  const { rng, now } = ctx;
  for (let i = 0; i < legacy; i++) {
    const appId = rng.uuid();
    const sp = buildServicePrincipal({
      id: rng.uuid(),
      appId,
      displayName: i < LEGACY_NAMES.length ? LEGACY_NAMES[i]! : `${rng.pick(LEGACY_NAMES)} ${i}`,
      servicePrincipalType: 'Legacy',
      appOwnerOrganizationId: ctx.tenantId,
      signInAudience: null,
      servicePrincipalNames: [appId],
    });
    if (rng.chance(0.6)) sp.passwordCredentials = [makeSecret(rng, now, now - rng.int(1500, 3500) * DAY)];
    ctx.servicePrincipals.push({ object: sp, owners: [], grantedGraphRoles: [] });
  }
  for (let i = 0; i < social; i++) {
    const appId = rng.uuid();
    const sp = buildServicePrincipal({
      id: rng.uuid(),
      appId,
      displayName: SOCIAL_IDPS[i % SOCIAL_IDPS.length]!,
      servicePrincipalType: 'SocialIdp',
      appOwnerOrganizationId: null,
      signInAudience: null,
      servicePrincipalNames: [appId],
    });
    ctx.servicePrincipals.push({ object: sp, owners: [], grantedGraphRoles: [] });
  }
}
