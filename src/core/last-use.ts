// When identities and credentials were last used, as Lanyard keeps it: the latest sign-in it ever observed
// for each (from Graph's activity reports and sign-in logs), kept beyond Entra's retention, and since when it
// has been watching. Pure: turns what is stored into the three-state LastUse the risk scores take.
import type { Credential } from './inventory.ts';
import type { LastUse } from './risk/types.ts';

/** One sign-in Graph reported: by an application (its appId), through one credential when Graph names it. */
export interface SignInObservation {
  appId: string;
  /** A secret's or certificate's keyId, or a federated credential's id; null for the identity as a whole. */
  keyId: string | null;
  /** ISO 8601. */
  at: string;
}

/** The latest sign-ins Lanyard holds for one application (appId): its own and each credential's. */
export interface LastUseRecord {
  /** The identity's latest sign-in through any credential; null when none observed. */
  identityAt: string | null;
  /** keyId → latest sign-in through that credential. */
  credentials: ReadonlyMap<string, string>;
}

/** Since when Lanyard watches an integration's sign-ins, or why it cannot. */
export interface LastUseWatch {
  /**
   * Where the first complete reading's window began (the sign-in log was read whole from there); null when no
   * reading ever completed.
   */
  monitoredSince: string | null;
  /** Why no reading completed (e.g. the tenant has no Entra ID P1/P2 licence); null when it is watched. */
  unknownReason: string | null;
  /** The end of the window the last complete reading covered: the next one reads only after it. */
  readThrough: string | null;
}

export const NOT_WATCHED: LastUseWatch = {
  monitoredSince: null,
  unknownReason: 'no scan has read sign-in activity yet',
  readThrough: null,
};

export const NO_USE: LastUseRecord = { identityAt: null, credentials: new Map() };

function unwatched(watch: LastUseWatch): LastUse {
  return { state: 'unknown', reason: watch.unknownReason ?? 'no scan has read sign-in activity yet' };
}

/**
 * A credential's last use: the latest sign-in observed through it; otherwise "not seen" since Lanyard began
 * watching (or since the credential was created, if later); unknown when Lanyard has never read sign-ins.
 * Observations survive a watch that later fails (a licence removed): what was seen stays true.
 * Credentials are matched by keyId in any case (Graph's reports and logs do not agree on case).
 */
export function lastUseOfCredential(
  credential: Pick<Credential, 'keyId' | 'startDateTime'>,
  record: LastUseRecord,
  watch: LastUseWatch,
): LastUse {
  const at = record.credentials.get(credential.keyId.toLowerCase());
  if (at) return { state: 'used', at };
  // Watching that stopped (a licence removed, a permission revoked) no longer vouches for "not seen".
  if (!watch.monitoredSince || watch.unknownReason) return unwatched(watch);
  const start = credential.startDateTime;
  const since = start && Date.parse(start) > Date.parse(watch.monitoredSince) ? start : watch.monitoredSince;
  return { state: 'not-seen', monitoredSince: since };
}

/** The identity's last sign-in through any credential (or as a managed identity), in the same three states. */
export function lastUseOfIdentity(record: LastUseRecord, watch: LastUseWatch): LastUse {
  if (record.identityAt) return { state: 'used', at: record.identityAt };
  if (!watch.monitoredSince || watch.unknownReason) return unwatched(watch);
  return { state: 'not-seen', monitoredSince: watch.monitoredSince };
}

/** Days since the last use, or since watching began when never seen; null when unknown. */
export function daysUnused(lastUse: LastUse, now: Date): number | null {
  if (lastUse.state === 'unknown') return null;
  const from = Date.parse(lastUse.state === 'used' ? lastUse.at : lastUse.monitoredSince);
  if (Number.isNaN(from)) return null;
  return Math.max(0, Math.floor((now.getTime() - from) / 86_400_000));
}

/** Where the services read last use from (the store implements it as `store.lastUse`). */
export interface LastUseSource {
  watch(integrationId: string): Promise<LastUseWatch>;
  /** The records of these applications (appIds, any case); applications never seen are absent. */
  forApps(integrationId: string, appIds: readonly string[]): Promise<Map<string, LastUseRecord>>;
}
