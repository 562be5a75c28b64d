// When each identity and credential last signed in, read so that Lanyard can keep it past Entra's retention:
// - a first reading (or one after a gap longer than the sign-in log keeps) takes the beta activity reports,
//   one row per service principal and per secret or certificate with a known sign-in, however old
//   (`servicePrincipalSignInActivities`, `appCredentialSignInActivities`, facts §6.1–6.2), and the service
//   principal and managed identity sign-in logs of the retention window, which alone name federated
//   credentials and managed identities' sign-ins (facts §6.3);
// - every later reading takes only the logs since the previous reading ended (`createdDateTime ge`), so a
//   rescan costs a few requests of the reports limit (5 per 10 s) instead of paging every report again.
// Observations are delivered page by page (max per application and credential) and only what Graph said is
// kept: nothing here ever concludes "never used"; that needs the watch window the store keeps (last-use.ts).
// The log's sign-ins are also tallied (ranges they came from, failures per minute: sign-in-ranges.ts) for the
// commit to tell suspicious ones; the addresses themselves go no further than the tally.
import type { SignInObservation } from '../../core/last-use.ts';
import type { ScanPart } from '../../core/scan-parts.ts';
import { createSignInTally, type SignInTally } from '../../core/sign-in-ranges.ts';
import type { GraphTransport } from './transport.ts';

export const SIGN_IN_PART: Omit<ScanPart, 'complete'> = {
  name: 'sign-in-activity',
  kind: 'servicePrincipal',
  aspect: 'last-use',
  optional: true,
};

/** Least privileged permission of the reports and the sign-in log (facts §6.1). */
export const SIGN_IN_PERMISSION = 'AuditLog.Read.All';

/** Entra ID P1/P2 keeps sign-ins 30 days (facts §6.5); a gap longer than this is read from the reports. */
export const LOG_RETENTION_DAYS = 30;
/**
 * Sign-ins reach the log minutes (sometimes hours) after they happen, so each reading starts this long before
 * the previous one ended. Re-reading them is harmless: the latest time per credential wins.
 */
export const LOG_LAG_MS = 2 * 60 * 60 * 1000;
const DAY_MS = 86_400_000;

const SP_ACTIVITIES_URL = '/beta/reports/servicePrincipalSignInActivities?$top=999';
const CREDENTIAL_ACTIVITIES_URL = '/beta/reports/appCredentialSignInActivities?$top=999';
const SIGN_IN_SELECT =
  'id,createdDateTime,appId,servicePrincipalId,servicePrincipalCredentialKeyId,federatedCredentialId,ipAddress,status';
const signInsUrl = (eventType: 'servicePrincipal' | 'managedIdentity', since: string) =>
  `/beta/auditLogs/signIns?$filter=${encodeURIComponent(
    `createdDateTime ge ${since} and signInEventTypes/any(t: t eq '${eventType}')`,
  )}&$select=${SIGN_IN_SELECT}&$top=1000`;

interface WireActivity {
  lastSignInDateTime?: string | null;
}
interface WireSpActivity {
  appId?: string | null;
  lastSignInActivity?: WireActivity | null;
  applicationAuthenticationClientSignInActivity?: WireActivity | null;
}
interface WireCredentialActivity {
  appId?: string | null;
  keyId?: string | null;
  signInActivity?: WireActivity | null;
}
interface WireSignIn {
  createdDateTime?: string | null;
  appId?: string | null;
  servicePrincipalCredentialKeyId?: string | null;
  federatedCredentialId?: string | null;
  ipAddress?: string | null;
  status?: { errorCode?: number | null; failureReason?: string | null } | null;
}

export interface ReadSignInActivityOptions {
  transport: Pick<GraphTransport, 'pages'>;
  signal: AbortSignal;
  /** Where the previous complete reading ended (ISO); absent on the first. */
  readThrough?: string | null;
  now: Date;
  /** Each page's observations, before the next page is read. */
  onObservations: (observations: SignInObservation[]) => Promise<void>;
  onRead?: (objects: number) => void;
}

export interface SignInReading {
  /** Reports and logs (first reading, or after a gap) or only the logs since the previous reading. */
  mode: 'full' | 'incremental';
  /** The start of the log window read. */
  since: string;
  /** Sign-ins up to this time are read: the next reading starts from it. */
  readThrough: string;
  observations: number;
  /** The log's sign-ins of the window, tallied: ranges of successes, failures per minute. */
  activity: SignInTally;
}

/** Which window the next reading covers: since the last one (less the log's lag), or the whole retention. */
export function signInWindow(
  readThrough: string | null | undefined,
  now: Date,
): { mode: 'full' | 'incremental'; since: string } {
  const retentionStart = now.getTime() - LOG_RETENTION_DAYS * DAY_MS;
  const previous = readThrough ? Date.parse(readThrough) : Number.NaN;
  // A reading resumes from the previous one only while the log still holds everything after it.
  if (Number.isFinite(previous) && previous - LOG_LAG_MS > retentionStart + DAY_MS) {
    return { mode: 'incremental', since: isoSeconds(previous - LOG_LAG_MS) };
  }
  return { mode: 'full', since: isoSeconds(retentionStart) };
}

/** Reads sign-in activity; throws the first failure (PermissionMissing names the permission or licence). */
export async function readSignInActivity(options: ReadSignInActivityOptions): Promise<SignInReading> {
  const { transport, signal, now } = options;
  const window = signInWindow(options.readThrough, now);
  // Readings overlap by the log's lag: what is before the previous reading's end was counted by it.
  const tally = createSignInTally(window.mode === 'incremental' ? (options.readThrough ?? null) : null);
  let observed = 0;
  const read = async <T>(url: string, toObservations: (item: T) => SignInObservation[]) => {
    for await (const page of transport.pages<T>(url, { signal, permission: SIGN_IN_PERMISSION })) {
      const latest = latestPerKey(page.flatMap(toObservations));
      observed += latest.length;
      if (latest.length > 0) await options.onObservations(latest);
      options.onRead?.(page.length);
    }
  };
  if (window.mode === 'full') {
    await read<WireSpActivity>(SP_ACTIVITIES_URL, fromServicePrincipalActivity);
    await read<WireCredentialActivity>(CREDENTIAL_ACTIVITIES_URL, fromCredentialActivity);
  }
  const fromLog = (item: WireSignIn) => {
    tallySignIn(tally, item);
    return fromSignIn(item);
  };
  for (const eventType of ['servicePrincipal', 'managedIdentity'] as const)
    await read<WireSignIn>(signInsUrl(eventType, window.since), fromLog);
  return {
    ...window,
    readThrough: isoSeconds(now.getTime()),
    observations: observed,
    activity: tally.result(),
  };
}

function observation(appId: unknown, keyId: unknown, at: unknown): SignInObservation[] {
  if (typeof appId !== 'string' || !appId || typeof at !== 'string') return [];
  const time = Date.parse(at);
  if (!Number.isFinite(time)) return [];
  const key = typeof keyId === 'string' && keyId ? keyId.toLowerCase() : null;
  return [{ appId: appId.toLowerCase(), keyId: key, at: new Date(time).toISOString() }];
}

function fromServicePrincipalActivity(item: WireSpActivity): SignInObservation[] {
  // As a client: a resource being called is not the identity using its credentials.
  const client = item.applicationAuthenticationClientSignInActivity ?? null;
  return observation(item.appId, null, client?.lastSignInDateTime);
}

function fromCredentialActivity(item: WireCredentialActivity): SignInObservation[] {
  const at = item.signInActivity?.lastSignInDateTime;
  return [...observation(item.appId, item.keyId, at), ...observation(item.appId, null, at)];
}

function fromSignIn(item: WireSignIn): SignInObservation[] {
  if (item.status?.errorCode !== 0) return [];
  const keyId = item.servicePrincipalCredentialKeyId ?? item.federatedCredentialId ?? null;
  return [
    ...observation(item.appId, null, item.createdDateTime),
    ...(keyId ? observation(item.appId, keyId, item.createdDateTime) : []),
  ];
}

function tallySignIn(tally: ReturnType<typeof createSignInTally>, item: WireSignIn): void {
  if (typeof item.appId !== 'string' || typeof item.createdDateTime !== 'string') return;
  const errorCode = item.status?.errorCode;
  // A sign-in without a status is neither a success nor a failure Lanyard can vouch for.
  if (typeof errorCode !== 'number') return;
  tally.add({
    appId: item.appId,
    ipAddress: item.ipAddress,
    at: item.createdDateTime,
    success: errorCode === 0,
    errorCode: errorCode === 0 ? null : errorCode,
  });
}

/** The latest observation per (appId, keyId) of a page: the logs list every sign-in, most are repeats. */
function latestPerKey(observations: readonly SignInObservation[]): SignInObservation[] {
  const latest = new Map<string, SignInObservation>();
  for (const o of observations) {
    const key = `${o.appId}|${o.keyId ?? ''}`;
    const current = latest.get(key);
    if (!current || current.at < o.at) latest.set(key, o);
  }
  return [...latest.values()];
}

function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}
