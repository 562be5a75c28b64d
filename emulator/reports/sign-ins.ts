// The sign-ins a tenant knows: its generated history plus the token requests the emulator's own login
// endpoint recorded (ctx.signIns), as one newest-first list, and the beta signIn shape Graph serves them in
// (facts §6.3). Log retention is measured against the emulated clock (facts §6.5).
import { randomUUID } from 'node:crypto';
import type { SignInRecord } from '../context.ts';
import { hashGuid } from '../tenant/access-ids.ts';
import {
  DEFAULT_LICENCE,
  SIGN_IN_RETENTION_DAYS,
  type SignInCredentialType,
  type TenantLicence,
} from '../tenant/access-model.ts';
import type { EmulatedApplication, EmulatedServicePrincipal, TenantState } from '../tenant/model.ts';
import { DAY, isoSeconds } from '../tenant/random.ts';

export interface SignInEntry {
  /** The sign-in's id, which is also the request id the activity reports cite. */
  id: string;
  time: number;
  appId: string;
  servicePrincipalId: string | null;
  kind: 'servicePrincipal' | 'managedIdentity';
  credentialType: SignInCredentialType | null;
  credentialKeyId: string | null;
  /** appId of the resource; null for recorded sign-ins (the login record does not keep the scope). */
  resourceAppId: string | null;
  success: boolean;
  errorCode: number;
  ip: string;
}

export function licenceOf(tenant: TenantState): TenantLicence {
  return tenant.licence ?? DEFAULT_LICENCE;
}

/** Sign-ins older than this (epoch ms) have left the log. */
export function retentionCutoff(tenant: TenantState, now: number): number {
  return now - SIGN_IN_RETENTION_DAYS[licenceOf(tenant)] * DAY;
}

export function generatedSignInId(tenantId: string, seq: number): string {
  return hashGuid(`${tenantId}|sign-in|${seq}`);
}

const recordedIds = new WeakMap<SignInRecord, string>();

/** A recorded sign-in keeps one id for as long as the record exists. */
export function recordedSignInId(record: SignInRecord): string {
  let id = recordedIds.get(record);
  if (!id) {
    id = randomUUID();
    recordedIds.set(record, id);
  }
  return id;
}

const RECORDED_TYPES: Record<NonNullable<SignInRecord['credentialType']>, SignInCredentialType> = {
  clientSecret: 'clientSecret',
  certificate: 'certificate',
  federatedCredential: 'federatedIdentityCredential',
};

export interface TenantIndexes {
  /** Keyed by lower-cased appId. */
  servicePrincipals: Map<string, EmulatedServicePrincipal>;
  applications: Map<string, EmulatedApplication>;
}

const indexCache = new WeakMap<TenantState, { sps: number; apps: number; indexes: TenantIndexes }>();

/** appId lookups, rebuilt when either collection changes size. */
export function tenantIndexes(tenant: TenantState): TenantIndexes {
  const cached = indexCache.get(tenant);
  if (cached && cached.sps === tenant.servicePrincipals.size && cached.apps === tenant.applications.size)
    return cached.indexes;
  const indexes: TenantIndexes = { servicePrincipals: new Map(), applications: new Map() };
  for (const sp of tenant.servicePrincipals.values())
    indexes.servicePrincipals.set(sp.object.appId!.toLowerCase(), sp);
  for (const a of tenant.applications.values()) indexes.applications.set(a.object.appId!.toLowerCase(), a);
  indexCache.set(tenant, { sps: tenant.servicePrincipals.size, apps: tenant.applications.size, indexes });
  return indexes;
}

export function recordedEntry(
  record: SignInRecord,
  byAppId: ReadonlyMap<string, EmulatedServicePrincipal>,
): SignInEntry {
  const sp = byAppId.get(record.appId.toLowerCase());
  return {
    id: recordedSignInId(record),
    time: record.time,
    appId: record.appId,
    servicePrincipalId: sp?.object.id ?? null,
    kind: 'servicePrincipal',
    credentialType: record.credentialType ? RECORDED_TYPES[record.credentialType] : null,
    credentialKeyId: record.credentialKeyId,
    resourceAppId: null,
    success: record.success,
    errorCode: record.success ? 0 : (record.errorCode ?? 0),
    ip: record.ip,
  };
}

/** Every sign-in at or after `since` (epoch ms), newest first: generated history merged with recorded ones. */
export function signInEntries(
  tenant: TenantState,
  recorded: readonly SignInRecord[],
  since = Number.NEGATIVE_INFINITY,
): SignInEntry[] {
  const generated: SignInEntry[] = [];
  for (const e of tenant.access?.signInHistory ?? []) {
    if (e.time < since) break; // the history is newest first
    generated.push({
      id: generatedSignInId(tenant.id, e.seq),
      time: e.time,
      appId: e.appId,
      servicePrincipalId: e.servicePrincipalId,
      kind: e.kind,
      credentialType: e.credentialType,
      credentialKeyId: e.credentialKeyId,
      resourceAppId: e.resourceAppId,
      success: e.errorCode === 0,
      errorCode: e.errorCode,
      // Documentation range (RFC 5737 TEST-NET-3): an address no real caller has.
      ip: e.ip ?? `203.0.113.${(e.seq % 254) + 1}`,
    });
  }
  const byAppId = tenantIndexes(tenant).servicePrincipals;
  const own: SignInEntry[] = [];
  for (let i = recorded.length - 1; i >= 0; i--) {
    const r = recorded[i]!;
    if (r.tenantId === tenant.id && r.appId && r.time >= since) own.push(recordedEntry(r, byAppId));
  }
  own.sort((a, b) => b.time - a.time);
  // Merge two newest-first lists.
  const out: SignInEntry[] = [];
  let g = 0;
  let o = 0;
  while (g < generated.length || o < own.length) {
    const takeOwn = g >= generated.length || (o < own.length && own[o]!.time >= generated[g]!.time);
    out.push(takeOwn ? own[o++]! : generated[g++]!);
  }
  return out;
}

/** Hex SHA-1 thumbprint of an app certificate, from its base64 customKeyIdentifier. */
function thumbprintOf(tenant: TenantState, appId: string, keyId: string): string | null {
  const app = tenantIndexes(tenant).applications.get(appId.toLowerCase());
  const key = app?.object.keyCredentials?.find((k) => k.keyId === keyId);
  return key?.customKeyIdentifier
    ? Buffer.from(key.customKeyIdentifier, 'base64').toString('hex').toUpperCase()
    : null;
}

/** The beta signIn Graph serves for a service principal or managed identity sign-in (facts §6.3 fields). */
export function signInObject(tenant: TenantState, entry: SignInEntry): Record<string, unknown> {
  const sp = entry.servicePrincipalId ? tenant.servicePrincipals.get(entry.servicePrincipalId) : undefined;
  const resource = entry.resourceAppId
    ? tenantIndexes(tenant).servicePrincipals.get(entry.resourceAppId.toLowerCase())
    : undefined;
  const managed = entry.kind === 'managedIdentity';
  const alternative = sp?.object.alternativeNames ?? [];
  const keyed = entry.credentialType === 'clientSecret' || entry.credentialType === 'certificate';
  return {
    id: entry.id,
    createdDateTime: isoSeconds(entry.time),
    appId: entry.appId,
    appDisplayName: sp?.object.displayName ?? null,
    ipAddress: entry.ip,
    correlationId: hashGuid(`correlation|${entry.id}`),
    isInteractive: false,
    signInEventTypes: [entry.kind],
    servicePrincipalId: entry.servicePrincipalId ?? '',
    servicePrincipalName: sp?.object.displayName ?? null,
    resourceId: entry.resourceAppId,
    resourceDisplayName: resource?.object.displayName ?? null,
    resourceTenantId: tenant.id,
    homeTenantId: tenant.id,
    clientCredentialType: entry.credentialType ?? 'none',
    servicePrincipalCredentialKeyId: keyed ? entry.credentialKeyId : null,
    servicePrincipalCredentialThumbprint:
      entry.credentialType === 'certificate' && entry.credentialKeyId
        ? thumbprintOf(tenant, entry.appId, entry.credentialKeyId)
        : null,
    federatedCredentialId:
      entry.credentialType === 'federatedIdentityCredential' ? entry.credentialKeyId : null,
    managedServiceIdentity: {
      msiType: managed
        ? alternative.includes('isExplicit=True')
          ? 'userAssigned'
          : 'systemAssigned'
        : 'none',
      associatedResourceId: managed ? (alternative[1] ?? null) : null,
      federatedTokenId: null,
      federatedTokenIssuer: null,
    },
    conditionalAccessStatus: 'notApplied',
    status: {
      errorCode: entry.errorCode,
      failureReason: entry.success ? null : `AADSTS${entry.errorCode}`,
      additionalDetails: null,
    },
  };
}
