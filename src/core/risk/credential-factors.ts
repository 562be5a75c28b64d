// Likelihood factors of one credential: its type, where it is held, its age, lifetime, expiry and last use.
import type { Credential, Identity } from '../inventory.ts';
import type { Band, RiskConfig } from './config.ts';
import { credentialLabel, daysBetween, describeDays, isoDay, parseDate } from './text.ts';
import type { LastUse, RiskFactor } from './types.ts';

export interface CredentialFactors {
  /** Can sign in now or later: not expired. */
  active: boolean;
  factors: RiskFactor[];
}

interface Context {
  identity: Identity;
  lastUse: LastUse;
  samlSignOn?: boolean | undefined;
  now: Date;
  config: RiskConfig;
}

/** The band with the largest `days` that `days` has reached (bands ascending), or null. */
function reached(bands: readonly Band[], days: number): Band | null {
  let found: Band | null = null;
  for (const band of bands) if (days >= band.days) found = band;
  return found;
}

/** The narrowest window `days` falls within (bands descending), or null. */
function within(bands: readonly Band[], days: number): Band | null {
  let found: Band | null = null;
  for (const band of bands) if (days <= band.days) found = band;
  return found;
}

function typeText(credential: Credential): string {
  const label = credentialLabel(credential);
  if (credential.type === 'secret') return `${label}: whoever holds its value can sign in as the app`;
  if (credential.type === 'certificate') return `${label}: signing in needs its private key`;
  const subject = credential.subject ? ` for ${credential.subject}` : '';
  return `${label}: trusts tokens from ${credential.issuer ?? 'an external issuer'}${subject}`;
}

function lastUseFactors(
  lastUse: LastUse,
  start: Date | null,
  { now, config }: Context,
): [id: string, points: number, text: string][] {
  if (lastUse.state === 'used') {
    const at = parseDate(lastUse.at);
    if (!at)
      return [
        [
          'last_use_unknown',
          config.points.lastUseUnknown,
          `last use unknown: unreadable date "${lastUse.at}"`,
        ],
      ];
    const days = Math.max(0, daysBetween(at, now));
    const band = reached(config.unused, days);
    const text = `last used ${describeDays(days)} ago, on ${isoDay(at)}`;
    return [band ? ['unused', band.points, text] : ['used_recently', 0, text]];
  }
  if (lastUse.state === 'not-seen') {
    const since = parseDate(lastUse.monitoredSince);
    if (!since) {
      return [
        [
          'last_use_unknown',
          config.points.lastUseUnknown,
          `last use unknown: unreadable date "${lastUse.monitoredSince}"`,
        ],
      ];
    }
    // Watched since before the credential existed and never seen: it has never signed in at all.
    const sinceCreation = start !== null && start >= since;
    const from = sinceCreation ? start : since;
    const days = Math.max(0, daysBetween(from, now));
    const text = sinceCreation
      ? `never used since it was created on ${isoDay(from)} (${describeDays(days)})`
      : `never used since monitoring began on ${isoDay(from)} (${describeDays(days)})`;
    const band = reached(config.unused, days);
    const factors: [string, number, string][] = [['not_seen', band?.points ?? 0, text]];
    if (sinceCreation && band) {
      factors.push([
        'never_used_since_creation',
        config.points.neverUsedSinceCreation,
        'has never signed in: nothing needs it, or it is waiting to be used',
      ]);
    }
    return factors;
  }
  // Unknown is its own state: scored apart from both "used" and "never used".
  return [['last_use_unknown', config.points.lastUseUnknown, `last use unknown: ${lastUse.reason}`]];
}

export function credentialFactors(credential: Credential, context: Context): CredentialFactors {
  const { identity, now, config } = context;
  const { points } = config;
  const factors: RiskFactor[] = [];
  const add = (id: string, value: number, text: string) =>
    factors.push({ id, dimension: 'likelihood', points: value, text, keyId: credential.keyId });
  const label = credentialLabel(credential);
  const start = parseDate(credential.startDateTime);
  const end = parseDate(credential.endDateTime);

  if (end && end <= now) {
    const ago = daysBetween(end, now);
    add(
      'credential_expired',
      points.expired,
      `${label} expired ${describeDays(ago)} ago, on ${isoDay(end)}: it can no longer sign in`,
    );
    return { active: false, factors };
  }

  add('credential_type', points[credential.type], typeText(credential));

  if (credential.location === 'servicePrincipal') {
    if (identity.publisher === 'microsoft') {
      add(
        'microsoft_service_principal_credential',
        points.microsoftServicePrincipalCredential,
        'held on a Microsoft first-party service principal: no valid reason is known, and it is a known takeover path',
      );
    } else if (!context.samlSignOn) {
      add(
        'credential_on_service_principal',
        points.onServicePrincipal,
        'held on the service principal, where App registrations does not show it',
      );
    }
  }

  if (start) {
    const age = Math.max(0, daysBetween(start, now));
    const band = reached(config.age, age);
    if (band) add('credential_age', band.points, `${label}, ${describeDays(age)} old`);
  }

  if (end) {
    const left = daysBetween(now, end);
    const band = within(config.expiresWithin, left);
    if (band) add('credential_expiry', band.points, `expires in ${describeDays(left)}, on ${isoDay(end)}`);
  }

  // Federated credentials have no lifetime: they trust an issuer until removed. An end date that is there but
  // unreadable says nothing about the lifetime, so it scores nothing rather than "no end date".
  const endUnreadable = Boolean(credential.endDateTime) && !end;
  if (credential.type !== 'federated' && !endUnreadable) {
    const lifetime = end ? daysBetween(start ?? now, end) : Number.POSITIVE_INFINITY;
    if (lifetime >= config.noPracticalExpiryDays) {
      add(
        'credential_no_expiry',
        points.noPracticalExpiry,
        end ? `no practical expiry: valid until ${isoDay(end)}` : 'no end date: it never expires',
      );
    } else if (lifetime > config.maxLifetimeDays) {
      add(
        'credential_lifetime',
        points.lifetimeOverPolicy,
        `valid for ${describeDays(lifetime)}, over the policy of ${describeDays(config.maxLifetimeDays)}`,
      );
    }
  }

  for (const [id, value, text] of lastUseFactors(context.lastUse, start, context)) add(id, value, text);
  return { active: true, factors };
}
