// Last use, as the beta activity reports give it (facts §6.1, §6.2): per service principal as a client and as
// a resource of app-only sign-ins, and per credential. Built from every successful sign-in the tenant knows,
// generated or recorded, older than the log retention too: no lookback is documented for these reports
// (facts §6.2, UNCONFIRMED), so nothing is dropped here.
import type { SignInRecord } from '../context.ts';
import { credentialActivityId, servicePrincipalActivityId } from '../tenant/access-ids.ts';
import type { SignInCredentialType } from '../tenant/access-model.ts';
import type { TenantState } from '../tenant/model.ts';
import { isoSeconds } from '../tenant/random.ts';
import { generatedSignInId, recordedEntry, recordedSignInId, tenantIndexes } from './sign-ins.ts';

export interface LastSignIn {
  time: number;
  /** The sign-in's id, the report's lastSignInRequestId. */
  requestId: string;
  resourceAppId: string | null;
  credentialType: SignInCredentialType | null;
}

export interface LastSignIns {
  /** By service principal object id, as the client. */
  client: Map<string, LastSignIn>;
  /** By lower-cased resource appId, as the resource. */
  resource: Map<string, LastSignIn>;
  /** By credential keyId (secret, certificate) or federated credential id. */
  credential: Map<string, LastSignIn>;
}

interface Candidate {
  time: number;
  id: () => string;
  resourceAppId: string | null;
  credentialType: SignInCredentialType | null;
}

function keep(map: Map<string, LastSignIn>, key: string, c: Candidate, resolved: Map<Candidate, LastSignIn>) {
  const current = map.get(key);
  if (current && current.time >= c.time) return;
  let last = resolved.get(c);
  if (!last) {
    last = { time: c.time, requestId: '', resourceAppId: c.resourceAppId, credentialType: c.credentialType };
    resolved.set(c, last);
  }
  map.set(key, last);
}

/** The latest successful sign-in per client, resource and credential. */
export function lastSignIns(tenant: TenantState, recorded: readonly SignInRecord[]): LastSignIns {
  const out: LastSignIns = { client: new Map(), resource: new Map(), credential: new Map() };
  // Ids are hashed only for the winners: the history of a large tenant holds ~10^5 sign-ins.
  const resolved = new Map<Candidate, LastSignIn>();
  const visit = (sp: string | null, keyId: string | null, c: Candidate) => {
    if (sp) keep(out.client, sp, c, resolved);
    if (c.resourceAppId) keep(out.resource, c.resourceAppId.toLowerCase(), c, resolved);
    if (keyId) keep(out.credential, keyId, c, resolved);
  };
  for (const e of tenant.access?.signInHistory ?? []) {
    if (e.errorCode !== 0) continue;
    visit(e.servicePrincipalId, e.credentialKeyId, {
      time: e.time,
      id: () => generatedSignInId(tenant.id, e.seq),
      resourceAppId: e.resourceAppId,
      credentialType: e.credentialType,
    });
  }
  const byAppId = tenantIndexes(tenant).servicePrincipals;
  for (const r of recorded) {
    if (r.tenantId !== tenant.id || !r.success) continue;
    const entry = recordedEntry(r, byAppId);
    visit(entry.servicePrincipalId, entry.credentialKeyId, {
      time: r.time,
      id: () => recordedSignInId(r),
      resourceAppId: null,
      credentialType: entry.credentialType,
    });
  }
  for (const [c, last] of resolved) last.requestId = c.id();
  return out;
}

function activity(last: LastSignIn | undefined): Record<string, string> | null {
  return last ? { lastSignInDateTime: isoSeconds(last.time), lastSignInRequestId: last.requestId } : null;
}

/** `reports/servicePrincipalSignInActivities`: every principal with a known sign-in, in listing order. */
export function servicePrincipalActivities(
  tenant: TenantState,
  last: LastSignIns,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const sp of tenant.servicePrincipals.values()) {
    const client = last.client.get(sp.object.id!);
    const resource = last.resource.get(sp.object.appId!.toLowerCase());
    if (!client && !resource) continue;
    const latest = !resource || (client && client.time >= resource.time) ? client : resource;
    out.push({
      id: servicePrincipalActivityId(sp.object.appId!),
      appId: sp.object.appId,
      lastSignInActivity: activity(latest),
      // Delegated (user) sign-ins are not emulated.
      delegatedClientSignInActivity: null,
      delegatedResourceSignInActivity: null,
      applicationAuthenticationClientSignInActivity: activity(client),
      applicationAuthenticationResourceSignInActivity: activity(resource),
    });
  }
  return out;
}

/** `reports/appCredentialSignInActivities`: secrets and certificates with a known sign-in (schema names, facts §6.2). */
export function credentialActivities(tenant: TenantState, last: LastSignIns): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const spByAppId = tenantIndexes(tenant).servicePrincipals;
  const add = (
    origin: 'application' | 'servicePrincipal',
    appId: string,
    appObjectId: string | null,
    spObjectId: string | null,
    type: 'clientSecret' | 'certificate',
    cred: {
      keyId?: string | null;
      usage?: string | null;
      startDateTime?: string | null;
      endDateTime?: string | null;
    },
  ) => {
    const found = cred.keyId ? last.credential.get(cred.keyId) : undefined;
    if (!found) return;
    out.push({
      id: credentialActivityId(cred.keyId!, origin),
      appId,
      appObjectId,
      servicePrincipalObjectId: spObjectId,
      resourceId: found.resourceAppId,
      keyId: cred.keyId,
      keyType: type,
      // A certificate carries its usage; the docs' example gives a secret "sign" (UNCONFIRMED).
      keyUsage: type === 'certificate' ? (cred.usage ?? 'Verify').toLowerCase() : 'sign',
      credentialOrigin: origin,
      createdDateTime: cred.startDateTime ?? null,
      expirationDateTime: cred.endDateTime ?? null,
      signInActivity: activity(found),
    });
  };
  for (const a of tenant.applications.values()) {
    const appId = a.object.appId!;
    const sp = spByAppId.get(appId.toLowerCase())?.object.id ?? null;
    for (const p of a.object.passwordCredentials ?? [])
      add('application', appId, a.object.id!, sp, 'clientSecret', p);
    for (const k of a.object.keyCredentials ?? [])
      add('application', appId, a.object.id!, sp, 'certificate', k);
  }
  for (const s of tenant.servicePrincipals.values()) {
    const appId = s.object.appId!;
    for (const p of s.object.passwordCredentials ?? [])
      add('servicePrincipal', appId, null, s.object.id!, 'clientSecret', p);
    for (const k of s.object.keyCredentials ?? [])
      add('servicePrincipal', appId, null, s.object.id!, 'certificate', k);
  }
  return out;
}
