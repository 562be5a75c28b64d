// Test plumbing for the Graph collector against the emulator: a scanner transport, the in-memory assembly
// of facts (what the store does in SQL), and the same canonical shape built from the emulator's ground truth.

import type { RunningEmulator } from '../../emulator/index.ts';
import type { AccessGroundTruth } from '../../emulator/tenant/access-truth.ts';
import type { GroundTruth, GroundTruthKey, GroundTruthSecret } from '../../emulator/tenant/ground-truth.ts';
import { type CredentialAuth, createCredential } from '../../src/collect/graph/credential.ts';
import { createGraphTransport, type GraphTransportOptions } from '../../src/collect/graph/transport.ts';
import { type Grant, sortGrants } from '../../src/core/access.ts';
import type { IdentityFact } from '../../src/core/facts.ts';
import type { Credential, Identity, Owner } from '../../src/core/inventory.ts';

/** A custom cloud's Graph scope: its own origin, never Microsoft's public Graph (Lanyard refuses that). */
export const graphScope = (graphUrl: string) => `${new URL(graphUrl).origin}/.default`;

/** Shrunk throttle window so pacing is exercised in milliseconds, not seconds. */
export const FAST_THROTTLE = { windowMs: 1000, budgets: { small: 400, medium: 600, large: 900 } };

export function scannerTransport(
  emu: RunningEmulator,
  overrides: {
    auth?: Partial<CredentialAuth>;
    env?: Record<string, string>;
    transport?: Partial<GraphTransportOptions>;
  } = {},
) {
  const credential = createCredential(
    {
      method: 'secret',
      tenantId: emu.scanner.tenantId,
      clientId: emu.scanner.clientId,
      secretEnv: 'LANYARD_TEST_SECRET',
      ...overrides.auth,
    },
    { loginUrl: emu.loginUrl, graphUrl: emu.graphUrl, caFile: emu.caCertPath },
    { env: overrides.env ?? { LANYARD_TEST_SECRET: emu.scanner.secretText } },
  );
  return createGraphTransport({
    graphUrl: emu.graphUrl,
    credential,
    scope: graphScope(emu.graphUrl),
    caPem: emu.caCertPem,
    caFile: emu.caCertPath,
    budget: { resourceUnitsPerWindow: FAST_THROTTLE.budgets.small, windowMs: FAST_THROTTLE.windowMs },
    retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50 },
    ...overrides.transport,
  });
}

type CanonicalCredential = Omit<Credential, 'issuer' | 'subject' | 'audiences' | 'name'> &
  Partial<Credential>;
export type CanonicalIdentity = Omit<Identity, 'credentials'> & { credentials: CanonicalCredential[] };

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b));

function canonical(identity: Identity): CanonicalIdentity {
  return {
    ...identity,
    // The ground truth does not record a service principal's signInAudience.
    signInAudience: identity.kind === 'application' ? identity.signInAudience : null,
    owners: [...identity.owners].sort(byKey((o) => o.objectId)),
    credentials: [...identity.credentials].sort(byKey((c) => `${c.type}:${c.keyId}`)),
  };
}

/** Access facts by object id (each must come once: a service principal's access is one complete list). */
export function accessOf(facts: IdentityFact[]): Map<string, Grant[]> {
  const out = new Map<string, Grant[]>();
  for (const fact of facts) {
    if (fact.aspect !== 'access') continue;
    if (out.has(fact.objectId)) throw new Error(`access of ${fact.objectId} reported twice`);
    out.set(fact.objectId, fact.grants);
  }
  return out;
}

/**
 * The same grants from the emulator's access answer key, written independently of the collector: one per app-role
 * assignment, per delegated scope, per directory role and per eligible directory role, in canonical order. Service principals holding nothing
 * are left out, as the collector sends no fact for them.
 */
export function expectedAccess(truth: AccessGroundTruth): Map<string, Grant[]> {
  const sps = new Map(truth.servicePrincipals.map((s) => [s.id, s]));
  const resource = (id: string) => ({
    resourceId: id,
    resourceAppId: sps.get(id)?.appId ?? null,
    resourceDisplayName: sps.get(id)?.displayName ?? null,
  });
  const out = new Map<string, Grant[]>();
  for (const s of truth.servicePrincipals) {
    const grants: Grant[] = [
      ...s.appRoleAssignments.map(
        (a): Grant => ({
          kind: 'app-role',
          resourceId: a.resourceId,
          resourceAppId: a.resourceAppId,
          resourceDisplayName: a.resourceDisplayName,
          permission: a.value ?? a.appRoleId,
          permissionId: a.appRoleId,
        }),
      ),
      ...s.delegatedGrants.flatMap((g) =>
        [...new Set(g.scopes)].map(
          (scope): Grant => ({
            kind: 'delegated',
            ...resource(g.resourceId),
            permission: scope,
            scope: g.consentType === 'AllPrincipals' ? 'AllPrincipals' : g.principalId!,
          }),
        ),
      ),
      ...directoryRoleGrants(s),
    ];
    if (grants.length > 0) out.set(s.id, sortGrants(grants));
  }
  return out;
}

type TruthRole = AccessGroundTruth['servicePrincipals'][number]['directoryRoles'][number];

/** A principal's active and eligible directory roles in the answer key, as the collector's grants. */
export function directoryRoleGrants(principal: {
  directoryRoles: readonly TruthRole[];
  eligibleDirectoryRoles: readonly TruthRole[];
}): Grant[] {
  const grant = (r: TruthRole, eligible: boolean): Grant => ({
    kind: 'directory-role',
    permission: r.displayName ?? r.roleDefinitionId,
    permissionId: r.roleDefinitionId,
    scope: r.directoryScopeId,
    ...(eligible ? { eligible: true as const } : {}),
  });
  return [
    ...principal.directoryRoles.map((r) => grant(r, false)),
    ...principal.eligibleDirectoryRoles.map((r) => grant(r, true)),
  ];
}

/** Assembles facts as the store does: owners replace, federated credentials append. */
export function assemble(facts: IdentityFact[]): Map<string, CanonicalIdentity> {
  const identities = new Map<string, Identity>();
  const owners = new Map<string, Owner[]>();
  const federated = new Map<string, Credential[]>();
  for (const fact of facts) {
    if (fact.aspect === 'identity') {
      if (identities.has(fact.identity.objectId))
        throw new Error(`identity ${fact.identity.objectId} reported twice`);
      identities.set(fact.identity.objectId, fact.identity);
    } else if (fact.aspect === 'owners') {
      if (owners.has(fact.objectId)) throw new Error(`owners of ${fact.objectId} reported twice`);
      owners.set(fact.objectId, fact.owners);
    } else if (fact.aspect === 'federated') {
      federated.set(fact.objectId, [...(federated.get(fact.objectId) ?? []), ...fact.credentials]);
    }
  }
  const out = new Map<string, CanonicalIdentity>();
  for (const [id, identity] of identities) {
    out.set(
      id,
      canonical({
        ...identity,
        owners: owners.get(id) ?? identity.owners,
        credentials: [...identity.credentials, ...(federated.get(id) ?? [])],
      }),
    );
  }
  return out;
}

const MICROSOFT = ['f8cdef31-a31e-4b4a-93e4-5f571e91255a', '72f988bf-86f1-41af-91ab-2d7cd011db47'];

/**
 * The same shape from the emulator's answer key, written independently of the collector's mapping.
 * `usersReadable: false`: a reader without User.Read.All / Directory.Read.All sees user owners by id only.
 */
export function expectedInventory(
  truth: GroundTruth,
  { usersReadable = true }: { usersReadable?: boolean } = {},
): Map<string, CanonicalIdentity> {
  const users = new Map(truth.users.map((u) => [u.id, u]));
  const sps = new Map(truth.servicePrincipals.map((s) => [s.id, s]));
  const owner = (link: { id: string; kind: 'user' | 'servicePrincipal' }): Owner => {
    if (link.kind === 'user' && !usersReadable) {
      return {
        objectId: link.id,
        kind: 'user',
        displayName: null,
        userPrincipalName: null,
        accountEnabled: null,
        readable: false,
      };
    }
    if (link.kind === 'user') {
      const u = users.get(link.id)!;
      return {
        objectId: u.id,
        kind: 'user',
        displayName: u.displayName,
        userPrincipalName: u.userPrincipalName,
        accountEnabled: u.accountEnabled,
        ...(u.mail ? { mail: u.mail } : {}),
      };
    }
    const s = sps.get(link.id)!;
    return {
      objectId: s.id,
      kind: 'servicePrincipal',
      displayName: s.displayName,
      userPrincipalName: null,
      accountEnabled: s.accountEnabled,
    };
  };
  const secret = (p: GroundTruthSecret, location: Credential['location']): CanonicalCredential => ({
    keyId: p.keyId,
    type: 'secret',
    location,
    displayName: p.displayName,
    hint: p.hint,
    thumbprint: null,
    usage: null,
    startDateTime: p.startDateTime,
    endDateTime: p.endDateTime,
  });
  const key = (k: GroundTruthKey, location: Credential['location']): CanonicalCredential => ({
    keyId: k.keyId,
    type: 'certificate',
    location,
    displayName: k.displayName,
    hint: null,
    thumbprint: k.customKeyIdentifier,
    usage: k.usage,
    startDateTime: k.startDateTime,
    endDateTime: k.endDateTime,
  });
  const out = new Map<string, CanonicalIdentity>();
  for (const a of truth.applications) {
    out.set(a.id, {
      objectId: a.id,
      kind: 'application',
      appId: a.appId,
      displayName: a.displayName,
      servicePrincipalType: null,
      managedIdentityType: null,
      publisher: 'own',
      appOwnerOrganizationId: truth.tenantId,
      signInAudience: a.signInAudience,
      accountEnabled: null,
      createdDateTime: a.createdDateTime,
      owners: a.owners.map(owner).sort(byKey((o) => o.objectId)),
      credentials: [
        ...a.passwordCredentials.map((p) => secret(p, 'application')),
        ...a.keyCredentials.map((k) => key(k, 'application')),
        ...a.federatedIdentityCredentials.map(
          (f): CanonicalCredential => ({
            keyId: f.id,
            type: 'federated',
            location: 'application',
            displayName: f.name,
            hint: null,
            thumbprint: null,
            usage: null,
            startDateTime: null,
            endDateTime: null,
            issuer: f.issuer,
            subject: f.subject,
            audiences: f.audiences,
            name: f.name,
          }),
        ),
      ].sort(byKey((c) => `${c.type}:${c.keyId}`)),
    });
  }
  for (const s of truth.servicePrincipals) {
    const org = s.appOwnerOrganizationId;
    out.set(s.id, {
      objectId: s.id,
      kind: 'servicePrincipal',
      appId: s.appId,
      displayName: s.displayName,
      servicePrincipalType: s.servicePrincipalType,
      managedIdentityType: s.managedIdentityType,
      ...(s.azureResourceId ? { azureResourceId: s.azureResourceId } : {}),
      publisher:
        s.servicePrincipalType === 'ManagedIdentity'
          ? 'own'
          : !org
            ? 'unknown'
            : org === truth.tenantId
              ? 'own'
              : MICROSOFT.includes(org)
                ? 'microsoft'
                : 'third-party',
      appOwnerOrganizationId: org,
      signInAudience: null,
      accountEnabled: s.accountEnabled,
      createdDateTime: null,
      owners: s.owners.map(owner).sort(byKey((o) => o.objectId)),
      credentials: [
        ...s.passwordCredentials.map((p) => secret(p, 'servicePrincipal')),
        ...s.keyCredentials.map((k) => key(k, 'servicePrincipal')),
      ].sort(byKey((c) => `${c.type}:${c.keyId}`)),
    });
  }
  return out;
}
