// Deterministic tenant generator: the same seed, app count and `now` give byte-identical tenants.
// Proportions are documented in emulator/README.md ("Generated tenants"); keep the two in step.
import type { RequiredResourceAccess, User } from '@microsoft/microsoft-graph-types';
import { generateTenantAccess } from './access.ts';
import { DEFAULT_LICENCE, type TenantLicence } from './access-model.ts';
import { makeCertificate, makeFederatedCredentials, makeSecret } from './credentials.ts';
import { GRAPH_ROLE_BY_VALUE, GRAPH_SCOPES } from './microsoft-catalogue.ts';
import {
  type EmulatedApplication,
  type EmulatedServicePrincipal,
  MICROSOFT_GRAPH_APP_ID,
  type OwnerLink,
  type TenantSize,
  type TenantState,
} from './model.ts';
import { appName, HOSTILE_APP_NAMES, HOSTILE_USER_NAMES, personName, upnLocalPart } from './names.ts';
import {
  addLegacyAndSocial,
  addManagedIdentities,
  addMicrosoftPrincipals,
  addServicePrincipalCredentials,
  addThirdPartyPrincipals,
  type GenContext,
  pickGraphRoles,
  SP_CREDENTIAL_RATE,
} from './principal-sets.ts';
import { generateProtection } from './protection.ts';
import { createRandom, DAY, isoSeconds, type Random } from './random.ts';
import { AZURE_REGIONS, JOB_TITLES, TENANT_NAMES } from './vocabulary.ts';
import { buildApplication, buildServicePrincipal, buildUser, INTEGRATED_APP_TAGS } from './wire-objects.ts';

export interface GenerateTenantOptions {
  seed: number;
  /** Number of the tenant's own application registrations; everything else scales from it. */
  apps: number;
  /** Epoch ms that "now" means for creation and expiry dates; default Date.now(). */
  now?: number;
  tenantId?: string;
  size?: TenantSize;
  /** Hostile display names (ANSI, RTL override, newline, formulas, 10,000 chars); default true. */
  hostileNames?: boolean;
  /** Entra ID licence; default 'p2'. 'none' makes the sign-in reports and logs answer 403. */
  licence?: TenantLicence;
  /**
   * Microsoft Entra Workload ID Premium; default true, so the demo shows ID Protection's risk. false makes the
   * risky service principal and risk detection lists answer 403, as Graph does for an unlicensed tenant.
   */
  workloadIdentitiesPremium?: boolean;
  /**
   * Give Exchange Online its full_access_as_app app role and assign it to a few service principals. Off by
   * default: it changes the Exchange Online principal, an object existing tenants already hold.
   */
  resourceAppRoles?: boolean;
}

/** Graph's tenant sizes for throttling: S < 50 users, M 50–500, L > 500. */
export function sizeFromUserCount(users: number): TenantSize {
  return users < 50 ? 'small' : users <= 500 ? 'medium' : 'large';
}

interface OwnAppContext extends GenContext {
  defaultDomain: string;
  federation: { org: string; aksIssuers: string[] };
  users: User[];
  applications: EmulatedApplication[];
  /** Own-app service principals so far, the pool for the occasional service-principal owner. */
  ownServicePrincipals: EmulatedServicePrincipal[];
}

export function generateTenant(options: GenerateTenantOptions): TenantState {
  const rng = createRandom(options.seed);
  const now = options.now ?? Date.now();
  const apps = Math.max(0, Math.floor(options.apps));
  // Always draw the id, so passing tenantId changes nothing else in the stream.
  const drawnTenantId = rng.uuid();
  const tenantId = options.tenantId ?? drawnTenantId;
  const displayName = rng.pick(TENANT_NAMES);
  const slug = displayName.toLowerCase().replace(/[^a-z0-9]/g, '');
  const defaultDomain = `${slug}${rng.int(100, 999)}.onmicrosoft.com`;
  const aksIssuers = Array.from(
    { length: 3 },
    () => `https://${rng.pick(AZURE_REGIONS)}.oic.prod-aks.azure.com/${tenantId}/${rng.uuid()}/`,
  );
  const subscriptions = Array.from({ length: 3 + (apps >= 1000 ? 1 : 0) + (apps >= 10_000 ? 2 : 0) }, () =>
    rng.uuid(),
  );

  const ctx: OwnAppContext = {
    rng,
    now,
    tenantId,
    defaultDomain,
    federation: { org: `${slug}-eng`, aksIssuers },
    users: generateUsers(rng, now, Math.max(60, Math.floor(apps / 4)), defaultDomain),
    applications: [],
    servicePrincipals: [],
    ownServicePrincipals: [],
  };

  addMicrosoftPrincipals(ctx, Math.min(400, 50 + Math.floor(apps / 10)));
  addOwnApplications(ctx, apps);
  addThirdPartyPrincipals(ctx, Math.round(apps * 0.1));
  addManagedIdentities(ctx, Math.round(apps * 0.2), subscriptions);
  addLegacyAndSocial(ctx, apps === 0 ? 0 : Math.min(25, 2 + Math.floor(apps / 2000)), apps === 0 ? 0 : 2);

  if (options.hostileNames !== false && apps >= 20) applyHostileNames(rng, ctx);

  // Graph lists in no meaningful order; shuffling keeps clients from leaning on the generation order.
  rng.shuffle(ctx.users);
  rng.shuffle(ctx.applications);
  rng.shuffle(ctx.servicePrincipals);
  const tenant: TenantState = {
    id: tenantId,
    displayName,
    defaultDomain,
    size: options.size ?? sizeFromUserCount(ctx.users.length),
    users: new Map(ctx.users.map((u) => [u.id!, u])),
    applications: new Map(ctx.applications.map((a) => [a.object.id!, a])),
    servicePrincipals: new Map(ctx.servicePrincipals.map((s) => [s.object.id!, s])),
    secrets: [],
    certificates: [],
  };
  // Drawn last and from side streams of the seed, so every object above is what it was before access existed.
  tenant.licence = options.licence ?? DEFAULT_LICENCE;
  tenant.access = generateTenantAccess(tenant, {
    seed: options.seed,
    now,
    resourceAppRoles: options.resourceAppRoles ?? false,
  });
  tenant.workloadIdentitiesPremium = options.workloadIdentitiesPremium ?? true;
  tenant.protection = generateProtection(tenant, { seed: options.seed, now });
  return tenant;
}

function generateUsers(rng: Random, now: number, count: number, domain: string): User[] {
  const users: User[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < count; i++) {
    const { givenName, surname } = personName(rng);
    const local = upnLocalPart(givenName, surname);
    let upn = `${local}@${domain}`;
    for (let k = 2; taken.has(upn); k++) upn = `${local}${k}@${domain}`;
    taken.add(upn);
    users.push(
      buildUser({
        id: rng.uuid(),
        displayName: `${givenName} ${surname}`,
        givenName,
        surname,
        userPrincipalName: upn,
        mail: mailOf(i, upn),
        jobTitle: rng.chance(0.8) ? rng.pick(JOB_TITLES) : null,
        accountEnabled: !rng.chance(0.05),
        createdDateTime: isoSeconds(rng.timeBetween(now - 6 * 365 * DAY, now - DAY)),
      }),
    );
  }
  return users;
}

/**
 * A user's `mail`: mostly the UPN, as Entra sets it for a licensed mailbox; every ninth user has none (no mailbox:
 * an unlicensed or admin-only account), and every seventh another address than the UPN (a mail alias). Taken from
 * the index, not the random stream, so every other generated value stays what it was for a seed.
 */
function mailOf(index: number, upn: string): string | null {
  if (index % 9 === 4) return null;
  if (index % 7 === 3) return `mail.${upn}`;
  return upn;
}

/** Indices that get a rare feature: ~`rate` of `n`, and at least one once `n` reaches `minN`. */
function rareIndices(rng: Random, n: number, rate: number, minN: number): Set<number> {
  const k = n >= minN ? Math.max(1, Math.round(n * rate)) : Math.round(n * rate);
  return new Set(rng.sample(n, k));
}

function addOwnApplications(ctx: OwnAppContext, count: number): void {
  const { rng, now } = ctx;
  const manyOwners = rareIndices(rng, count, 0.005, 50);
  const manySecrets = rareIndices(rng, count, 0.01, 50);
  const maxFederated = rareIndices(rng, count, 0.002, 50);
  for (let i = 0; i < count; i++) {
    const createdMs = rng.timeBetween(now - 5 * 365 * DAY, now - DAY);
    const { displayName, slug } = appName(rng, createdMs);
    const audience = rng.weighted([87, 12, 1]);
    const appId = rng.uuid();

    const secretCount = manySecrets.has(i) ? rng.int(25, 40) : rng.chance(0.6) ? rng.int(1, 3) : 0;
    const passwordCredentials = Array.from({ length: secretCount }, () => makeSecret(rng, now, createdMs));
    const certCount = rng.chance(0.25) ? rng.int(1, 2) : 0;
    const keyCredentials = Array.from({ length: certCount }, () =>
      makeCertificate(rng, now, createdMs, slug),
    );
    // Graph allows at most 20 federated credentials per application.
    const ficCount = maxFederated.has(i) ? 20 : rng.chance(0.15) ? rng.int(1, 3) : 0;
    const federated = makeFederatedCredentials(rng, ficCount, ctx.federation, slug);

    const hasServicePrincipal = rng.chance(0.95);
    const roles = hasServicePrincipal ? pickGraphRoles(rng, 0.45, 3, 0.03) : [];
    const owners = pickOwners(rng, ctx, manyOwners.has(i));
    const identifierUris = rng.chance(0.3) ? [`api://${appId}`] : [];

    const object = buildApplication({
      id: rng.uuid(),
      appId,
      displayName,
      createdDateTime: isoSeconds(createdMs),
      signInAudience:
        audience === 0
          ? 'AzureADMyOrg'
          : audience === 1
            ? 'AzureADMultipleOrgs'
            : 'AzureADandPersonalMicrosoftAccount',
      publisherDomain: ctx.defaultDomain,
      identifierUris,
      passwordCredentials,
      keyCredentials,
      requiredResourceAccess: requestedAccess(rng, roles),
    });
    ctx.applications.push({ object, owners, federatedIdentityCredentials: federated });

    if (!hasServicePrincipal) continue;
    const sp = buildServicePrincipal({
      id: rng.uuid(),
      appId,
      displayName,
      servicePrincipalType: 'Application',
      appOwnerOrganizationId: ctx.tenantId,
      signInAudience: object.signInAudience ?? 'AzureADMyOrg',
      servicePrincipalNames: [appId, ...identifierUris],
      tags: INTEGRATED_APP_TAGS,
    });
    if (rng.chance(SP_CREDENTIAL_RATE)) addServicePrincipalCredentials(rng, now, sp);
    // Whoever created the app in the portal usually owns its service principal too.
    const firstOwner = owners[0];
    const spOwners: OwnerLink[] = firstOwner?.kind === 'user' && rng.chance(0.4) ? [{ ...firstOwner }] : [];
    const entry = { object: sp, owners: spOwners, grantedGraphRoles: roles };
    ctx.servicePrincipals.push(entry);
    ctx.ownServicePrincipals.push(entry);
  }
}

/** ~35% ownerless; else 1–3 owners (now and then a service principal); rare apps get 21–30 owners. */
function pickOwners(rng: Random, ctx: OwnAppContext, many: boolean): OwnerLink[] {
  if (!many && rng.chance(0.35)) return [];
  const n = many ? rng.int(21, 30) : [1, 2, 3][rng.weighted([60, 30, 10])]!;
  const owners: OwnerLink[] = [];
  const seen = new Set<string>();
  for (let tries = 0; owners.length < n && tries < n * 10; tries++) {
    const spOwner = !many && ctx.ownServicePrincipals.length > 0 && rng.chance(0.05);
    const id = spOwner ? rng.pick(ctx.ownServicePrincipals).object.id! : rng.pick(ctx.users).id!;
    if (seen.has(id)) continue;
    seen.add(id);
    owners.push({ id, kind: spOwner ? 'servicePrincipal' : 'user' });
  }
  return owners;
}

/** requiredResourceAccess on Graph: the granted roles, sometimes one more not granted, often User.Read. */
function requestedAccess(rng: Random, granted: string[]): RequiredResourceAccess[] {
  const access: { id: string; type: string }[] = granted.map((v) => ({
    id: GRAPH_ROLE_BY_VALUE.get(v)!.id,
    type: 'Role',
  }));
  if (rng.chance(0.1)) {
    const extra = pickGraphRoles(rng, 1, 1, 0)[0]!;
    if (!granted.includes(extra)) access.push({ id: GRAPH_ROLE_BY_VALUE.get(extra)!.id, type: 'Role' });
  }
  if (rng.chance(0.5)) access.push({ id: GRAPH_SCOPES[0]!.id, type: 'Scope' });
  return access.length === 0 ? [] : [{ resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccess: access }];
}

function applyHostileNames(rng: Random, ctx: OwnAppContext): void {
  const appIdx = rng.sample(ctx.applications.length, HOSTILE_APP_NAMES.length);
  const spByAppId = new Map(ctx.ownServicePrincipals.map((s) => [s.object.appId!, s.object]));
  appIdx.forEach((index, k) => {
    const app = ctx.applications[index]!.object;
    app.displayName = HOSTILE_APP_NAMES[k]!;
    const sp = spByAppId.get(app.appId!);
    if (sp) {
      sp.displayName = app.displayName;
      sp.appDisplayName = app.displayName;
    }
  });
  rng.sample(ctx.users.length, HOSTILE_USER_NAMES.length).forEach((index, k) => {
    ctx.users[index]!.displayName = HOSTILE_USER_NAMES[k]!;
  });
}
