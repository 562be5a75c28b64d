// Generated sign-in history of workload identities, from its own side stream (deriveSeed(seed, 'sign-ins')).
// Each identity is active (last sign-in within the log retention), dormant (last sign-in older, so only the
// activity reports still show it) or never signed in; a credential is only ever used inside its validity.
// Shares are documented in emulator/README.md ("Blast radius and last use").

import type { PrincipalSets } from './access-generate.ts';
import type { SignInCredentialType, SignInEvent } from './access-model.ts';
import type { EmulatedApplication, EmulatedServicePrincipal, TenantState } from './model.ts';
import { MICROSOFT_GRAPH_APP_ID } from './model.ts';
import { createRandom, DAY, deriveSeed } from './random.ts';

/** Windows Azure Service Management API and Azure Key Vault (microsoft-catalogue.ts FIRST_PARTY_APPS). */
export const ARM_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';
export const KEY_VAULT_APP_ID = 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093';

/** AADSTS7000222: the client secret has expired (an expired secret still being tried). */
const EXPIRED_SECRET = 7000222;
/** Recent = within the sign-in log's 30-day retention (facts §6.5); dormant = 31–400 days ago. */
const RECENT_DAYS = 30;
const DORMANT_DAYS = 400;

interface Usable {
  type: SignInCredentialType;
  keyId: string;
  start: number;
  end: number;
}

type Draft = Omit<SignInEvent, 'seq'>;

function credentialsOf(app: EmulatedApplication | undefined, created: number): Usable[] {
  if (!app) return [];
  const time = (iso: string | null | undefined, fallback: number) => {
    const ms = iso ? Date.parse(iso) : Number.NaN;
    return Number.isFinite(ms) ? ms : fallback;
  };
  const out: Usable[] = [];
  for (const p of app.object.passwordCredentials ?? [])
    out.push({
      type: 'clientSecret',
      keyId: p.keyId!,
      start: time(p.startDateTime, created),
      end: time(p.endDateTime, Infinity),
    });
  for (const k of app.object.keyCredentials ?? []) {
    // Only a Verify certificate authenticates the client (a Sign key signs tokens).
    if (k.usage !== 'Verify') continue;
    out.push({
      type: 'certificate',
      keyId: k.keyId!,
      start: time(k.startDateTime, created),
      end: time(k.endDateTime, Infinity),
    });
  }
  for (const f of app.federatedIdentityCredentials)
    out.push({ type: 'federatedIdentityCredential', keyId: f.id!, start: created, end: Infinity });
  return out;
}

export function generateSignInHistory(
  tenant: TenantState,
  sets: PrincipalSets,
  options: { seed: number; now: number },
): SignInEvent[] {
  const rng = createRandom(deriveSeed(options.seed, 'sign-ins'));
  const { now } = options;
  const recentFrom = now - RECENT_DAYS * DAY;
  const apps = new Map([...tenant.applications.values()].map((a) => [a.object.appId!, a]));
  const drafts: Draft[] = [];
  const emit = (
    sp: EmulatedServicePrincipal,
    kind: Draft['kind'],
    cred: Usable | null,
    type: SignInCredentialType | null,
    resourceAppId: string,
    time: number,
    errorCode = 0,
  ) =>
    drafts.push({
      time,
      servicePrincipalId: sp.object.id!,
      appId: sp.object.appId!,
      kind,
      credentialType: cred?.type ?? type,
      credentialKeyId: cred?.keyId ?? null,
      resourceAppId,
      errorCode,
    });
  /** The last sign-in within the window and, often, an earlier one in it too. */
  const recent = (from: number, to: number, at: (t: number) => void) => {
    const last = rng.timeBetween(Math.max(from, recentFrom), to);
    at(last);
    if (rng.chance(0.6)) at(rng.timeBetween(Math.max(from, recentFrom), last));
  };
  const dormant = (from: number, to: number, at: (t: number) => void) => {
    const lo = Math.max(from, now - DORMANT_DAYS * DAY);
    const hi = Math.min(to, recentFrom - DAY);
    if (lo < hi) at(rng.timeBetween(lo, hi));
  };

  for (const sp of sets.own) {
    const created = sets.createdByAppId.get(sp.object.appId!) ?? now - 365 * DAY;
    const creds = credentialsOf(apps.get(sp.object.appId!), created);
    if (creds.length === 0) continue;
    const resource = rng.chance(0.8) ? MICROSOFT_GRAPH_APP_ID : ARM_APP_ID;
    const on = (cred: Usable) => (t: number) => emit(sp, 'servicePrincipal', cred, null, resource, t);
    const profile = rng.weighted([55, 20, 25]);
    const valid = creds.filter((c) => c.start <= now - DAY && c.end > now);
    let used: Usable | undefined;
    if (profile === 0 && valid.length > 0) {
      used = rng.pick(valid);
      recent(used.start, Math.min(used.end, now - 1000), on(used));
    } else if (profile !== 2) {
      used = rng.pick(creds);
      dormant(used.start, used.end, on(used));
    }
    if (profile !== 2) {
      // Older credentials the app used before rotating to the current one.
      for (const c of creds) if (c !== used && rng.chance(0.3)) dormant(c.start, c.end, on(c));
    }
    const expired = creds.filter((c) => c.type === 'clientSecret' && c.end < now);
    if (expired.length > 0 && rng.chance(0.04)) {
      const c = rng.pick(expired);
      emit(
        sp,
        'servicePrincipal',
        c,
        null,
        resource,
        rng.timeBetween(Math.max(c.end, recentFrom), now - 1000),
        EXPIRED_SECRET,
      );
    }
  }

  for (const sp of sets.managed) {
    const resource = [ARM_APP_ID, MICROSOFT_GRAPH_APP_ID, KEY_VAULT_APP_ID][rng.weighted([50, 20, 30])]!;
    const at = (t: number) => emit(sp, 'managedIdentity', null, 'managedIdentity', resource, t);
    const profile = rng.weighted([65, 15, 20]);
    if (profile === 0) recent(now - 2 * 365 * DAY, now - 1000, at);
    else if (profile === 1) dormant(now - 2 * 365 * DAY, now, at);
  }

  for (const sp of sets.thirdParty) {
    // Their credentials live in the vendor's tenant, so the key id is not known here.
    const type: SignInCredentialType = rng.chance(0.7) ? 'clientSecret' : 'certificate';
    const at = (t: number) => emit(sp, 'servicePrincipal', null, type, MICROSOFT_GRAPH_APP_ID, t);
    const profile = rng.weighted([50, 20, 30]);
    if (profile === 0) recent(now - 2 * 365 * DAY, now - 1000, at);
    else if (profile === 1) dormant(now - 2 * 365 * DAY, now, at);
  }

  // Newest first, as Graph lists sign-ins; ties keep generation order so the result is deterministic.
  const order = drafts.map((d, i) => [d, i] as const).sort((a, b) => b[0].time - a[0].time || a[1] - b[1]);
  // Written out field by field: a spread makes each of ~10^5 events a larger, slower object.
  return order.map(([d], seq) => ({
    seq,
    time: d.time,
    servicePrincipalId: d.servicePrincipalId,
    appId: d.appId,
    kind: d.kind,
    credentialType: d.credentialType,
    credentialKeyId: d.credentialKeyId,
    resourceAppId: d.resourceAppId,
    errorCode: d.errorCode,
  }));
}

/** AADSTS7000215: an invalid client secret was provided (a guessed, stale or mistyped secret). */
const INVALID_SECRET = 7000215;
/** Failures of the burst, and how far apart: 12 within 3 minutes, past a 10-in-10-minutes rule. */
const BURST_FAILURES = 12;
const BURST_EVERY_MS = 15_000;

export interface SuspiciousSignInsPlayed {
  /** Each application that signed in from a range its history never used, and the address. */
  newRange: { appId: string; displayName: string; ip: string }[];
  /** Each application that failed to sign in many times within minutes. */
  burst: { appId: string; displayName: string; failures: number }[];
}

/**
 * Sign-ins that should look suspicious to a watcher that has seen this tenant before, recorded into the history as
 * Entra would log them, minutes before `now`: two own applications with a recent successful sign-in (so they have
 * a usual range, TEST-NET-3) sign in from a range they never used (TEST-NET-2, RFC 5737; and the IPv6
 * documentation prefix, RFC 3849), and a third fails 12 times within 3 minutes. Deterministic: the applications
 * are the first such by appId, addresses and times follow from them and `now`.
 */
export function playSuspiciousSignIns(tenant: TenantState, now: number): SuspiciousSignInsPlayed {
  const access = tenant.access;
  const played: SuspiciousSignInsPlayed = { newRange: [], burst: [] };
  if (!access) return played;
  const history = access.signInHistory;
  const lastSuccess = new Map<string, SignInEvent>();
  for (const e of history) {
    // Newest first: the first success of each application is its latest.
    if (
      e.kind === 'servicePrincipal' &&
      e.errorCode === 0 &&
      e.time >= now - RECENT_DAYS * DAY &&
      !lastSuccess.has(e.appId)
    )
      lastSuccess.set(e.appId, e);
  }
  const candidates = [...lastSuccess.values()]
    .filter(
      (e) => tenant.servicePrincipals.get(e.servicePrincipalId)?.object.appOwnerOrganizationId === tenant.id,
    )
    .sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0));
  let seq = history.reduce((max, e) => Math.max(max, e.seq), -1) + 1;
  const drafts: SignInEvent[] = [];
  const like = (e: SignInEvent, time: number, errorCode: number, ip: string): SignInEvent => ({
    seq: seq++,
    time,
    servicePrincipalId: e.servicePrincipalId,
    appId: e.appId,
    kind: e.kind,
    credentialType: e.credentialType,
    credentialKeyId: e.credentialKeyId,
    resourceAppId: e.resourceAppId,
    errorCode,
    ip,
  });
  const name = (e: SignInEvent) =>
    tenant.servicePrincipals.get(e.servicePrincipalId)?.object.displayName ?? e.appId;
  const [v4, v6, burst] = candidates;
  for (const [e, ip] of [
    [v4, `198.51.100.${(hashByte(v4?.appId) % 254) + 1}`],
    [v6, `2001:db8:5ec:${hashByte(v6?.appId).toString(16)}::17`],
  ] as const) {
    if (!e) continue;
    drafts.push(like(e, now - 5 * 60_000, 0, ip));
    played.newRange.push({ appId: e.appId, displayName: name(e), ip });
  }
  if (burst) {
    const start = now - 8 * 60_000;
    for (let i = 0; i < BURST_FAILURES; i++)
      drafts.push(like(burst, start + i * BURST_EVERY_MS, INVALID_SECRET, `198.51.100.${200 + (i % 50)}`));
    played.burst.push({ appId: burst.appId, displayName: name(burst), failures: BURST_FAILURES });
  }
  // Newest first, as generated; a sign-in keeps its seq (its id), so the earlier ones keep theirs.
  access.signInHistory = [...drafts, ...history].sort((a, b) => b.time - a.time);
  return played;
}

function hashByte(text: string | undefined): number {
  let h = 0;
  for (const c of text ?? '') h = (h * 31 + c.charCodeAt(0)) & 0xff;
  return h;
}
