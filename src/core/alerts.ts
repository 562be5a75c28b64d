// Which alerts are due: credential-expiry alerts at configurable thresholds (30, 14 and 7 days by default) and
// alerts for new high and critical findings, each addressed to the identity's owners (or the integration's
// fallback address). Pure: it reads the inventory it is given and the keys already sent, and sends nothing.
//
// Each alert has a stable key, so "one alert per credential per threshold, ever" holds across restarts and
// rescans: whoever sends it records the key (src/alerts/ledger.ts) and passes the recorded keys back in.
import {
  credentialLabel,
  daysUntil,
  isOwnerFindingKey,
  keyCredentials,
  type Severity,
} from './checks/check.ts';
import { InvalidInput } from './errors.ts';
import { inert, inertShort } from './inert-text.ts';
import type { Credential, Identity, IdentityKind, Owner } from './inventory.ts';

export const DEFAULT_THRESHOLDS: readonly number[] = [30, 14, 7];

/**
 * Checks whose findings the expiry alerts already carry: the expiring-credential check turns high at 7 days,
 * which would otherwise mail the owners twice about the same secret.
 */
export const CHECKS_COVERED_BY_EXPIRY: readonly string[] = ['credential_expiring'];

const ALERTING_SEVERITIES: ReadonlySet<Severity> = new Set<Severity>(['high', 'critical']);
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export interface AlertIntegration {
  id: string;
  name: string;
  /** Where alerts go when an identity has no owner with a usable address (a team mailbox). */
  fallbackEmail?: string | null;
}

/** A finding opened by this evaluation (a finding that was already open alerted when it opened). */
export interface AlertFinding {
  checkId: string;
  /** The check's title, when the caller has it; the check id otherwise. */
  title?: string;
  severity: Severity;
  /** The identity the finding is about. */
  objectId: string;
  keyId?: string;
  /** One plain line; may embed tenant-controlled names. */
  message: string;
  /** Stable across evaluations for the same finding: findingKeyOf() gives the usual one. */
  findingKey: string;
  /** The identity's name, for a finding about an identity not among `identities`. */
  displayName?: string;
  /** A suppressed finding alerts nobody. */
  suppressed?: boolean;
}

/**
 * The usual finding key: integration, check, object and credential ('' for the identity as a whole). A
 * finding that resolves and opens again keeps it, so it does not alert twice; add when it opened to the key
 * to alert on every reopening instead.
 */
export const findingKeyOf = (finding: {
  integrationId: string;
  checkId: string;
  objectId: string;
  keyId?: string | null;
}) => `${finding.integrationId}:${finding.checkId}:${finding.objectId}:${finding.keyId ?? ''}`;

export interface AlertInput {
  integration: AlertIntegration;
  identities: readonly Identity[];
  /**
   * The owners to address for an identity: those of its whole workload (the application and its service
   * principal), as src/core/risk/workload.ts merges them. Defaults to the identity's own owners.
   */
  ownersOf?: (identity: Identity) => readonly Owner[];
  findings?: readonly AlertFinding[];
  /** Days before expiry; defaults to DEFAULT_THRESHOLDS. */
  thresholds?: readonly number[];
  now: Date;
  /** Keys no longer to send (sent through every channel already). */
  alreadySent: ReadonlySet<string>;
}

export type AlertKind = 'credential-expiry' | 'finding';

export interface Alert {
  /** Stable: `expiry:<integrationId>:<objectId>:<keyId>:<threshold>` or `finding:<findingKey>`. */
  key: string;
  kind: AlertKind;
  severity: Severity;
  /** ISO 8601: the evaluation that found it due. */
  at: string;
  integration: { id: string; name: string };
  identity: { objectId: string; appId: string | null; displayName: string; kind: IdentityKind | null };
  /** Expiry alerts, and findings about one credential when the credential is known. */
  credential?: {
    keyId: string;
    /** Null when a finding names a credential the inventory given does not hold. */
    type: Credential['type'] | null;
    displayName: string | null;
    endDateTime: string | null;
    /** Whole days left (0: less than a day; negative: expired, for findings such as credential_expired). */
    daysLeft: number | null;
    /** The threshold this alert is for (expiry alerts only). */
    threshold?: number;
  };
  finding?: { checkId: string; findingKey: string };
  /**
   * One line, neutralised for terminals (inert-text.ts): no control or bidi characters. Still raw for any
   * markup: every medium escapes it for its own format (HTML, Slack mrkdwn, Adaptive Card markdown).
   */
  subject: string;
  /** Plain text, neutralised the same way; may span lines of Lanyard's own. */
  message: string;
  /** Owners' addresses, else the fallback address; empty: no one to mail, the webhook channels only. */
  recipients: string[];
  /**
   * Keys to record along with this one, so they are never sent later: the wider thresholds this credential
   * has already passed (first seen at 5 days left: the 30- and 14-day alerts are skipped, not owed).
   */
  alsoMark: string[];
}

/** Positive whole days, widest first, without repeats; the defaults when none are given. */
export function normalizeThresholds(values: readonly number[] | undefined): number[] {
  if (values === undefined) return [...DEFAULT_THRESHOLDS];
  const out = [...new Set(values)].sort((a, b) => b - a);
  if (!out.length || out.some((value) => !Number.isInteger(value) || value < 0 || value > 3650)) {
    throw new InvalidInput(
      `alert thresholds must be whole days between 0 and 3650, got ${values.join(', ')}`,
      {
        fix: 'give days before expiry, e.g. [30, 14, 7]',
        field: 'thresholds',
      },
    );
  }
  return out;
}

// A mailbox as people and SMTP servers write it: dot-atom local part, a host name with a dot. Deliberately
// narrower than RFC 5322 (no quoted local parts, no comments, no IP literals): whatever does not match is
// not addressed, so no value from the tenant can add a header, a second recipient or a display name.
const ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** Whether a value can be used as a recipient as it stands. */
export function looksLikeAddress(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.length <= 254 && ADDRESS.test(value);
}

/**
 * The address of an owner, or null: enabled (known to be), readable users, at their directory `mail` (the mailbox
 * Exchange delivers to; a UPN is not always one), else at their userPrincipalName when it is an address. A guest's
 * `mail` is his own organisation's mailbox and is used; his UPN (`…#EXT#@tenant.onmicrosoft.com`) receives no
 * mail and is not.
 */
export function ownerAddress(owner: Owner): string | null {
  if (owner.kind !== 'user' || owner.readable === false || owner.accountEnabled !== true) return null;
  if (looksLikeAddress(owner.mail)) return owner.mail.toLowerCase();
  const upn = owner.userPrincipalName;
  if (!looksLikeAddress(upn) || /#EXT#/i.test(upn)) return null;
  return upn.toLowerCase();
}

/** The owners' addresses, deduplicated and sorted; the fallback when there are none; else none. */
export function recipientsFor(owners: readonly Owner[], fallback: string | null | undefined): string[] {
  const addresses = [...new Set(owners.map(ownerAddress).filter((a): a is string => a !== null))].sort();
  if (addresses.length) return addresses;
  return looksLikeAddress(fallback) ? [fallback.toLowerCase()] : [];
}

export const expiryKey = (integrationId: string, objectId: string, keyId: string, threshold: number) =>
  `expiry:${integrationId}:${objectId}:${keyId}:${threshold}`;
export const findingAlertKey = (findingKey: string) => `finding:${findingKey}`;

const NAME_IN_SUBJECT = 60;

function identityNoun(identity: Pick<Identity, 'kind' | 'managedIdentityType'>): string {
  if (identity.kind === 'application') return 'application';
  return identity.managedIdentityType ? 'managed identity' : 'service principal';
}

function credentialNoun(credential: Credential): string {
  return credential.type === 'certificate' ? 'Certificate' : 'Secret';
}

function daysText(days: number): string {
  if (days <= 0) return 'within a day';
  return `in ${days} day${days === 1 ? '' : 's'}`;
}

function expiryAlert(
  input: AlertInput,
  identity: Identity,
  credential: Credential,
  thresholds: readonly number[],
  recipients: string[],
): Alert | null {
  if (!credential.endDateTime) return null;
  const end = Date.parse(credential.endDateTime);
  // Expired (or unreadable) credentials get no expiry alert: nothing is left to warn about.
  if (Number.isNaN(end) || end <= input.now.getTime()) return null;
  const days = daysUntil(credential.endDateTime, input.now);
  if (days === null) return null;
  const crossed = thresholds.filter((threshold) => days <= threshold);
  const narrowest = crossed.at(-1);
  if (narrowest === undefined) return null;
  const keyOf = (threshold: number) =>
    expiryKey(input.integration.id, identity.objectId, credential.keyId, threshold);
  const key = keyOf(narrowest);
  if (input.alreadySent.has(key)) return null;
  const alsoMark = crossed
    .filter((threshold) => threshold !== narrowest)
    .map(keyOf)
    .filter((wider) => !input.alreadySent.has(wider));
  const severity: Severity = narrowest === thresholds.at(-1) ? 'high' : 'medium';
  const date = new Date(end).toISOString().slice(0, 10);
  const name = credential.displayName ?? credential.name;
  const subject = inert(
    `${credentialNoun(credential)} ${name ? `"${inertShort(name, NAME_IN_SUBJECT)}" ` : ''}of ` +
      `"${inertShort(identity.displayName, NAME_IN_SUBJECT)}" expires ${daysText(days)}`,
  );
  const message = [
    `The ${credentialLabel(credential)} of the ${identityNoun(identity)} "${identity.displayName}" ` +
      `(appId ${identity.appId}) expires ${daysText(days)}, on ${date}: whatever signs in with it stops working then.`,
    'Replace it with a federated credential (workload identity federation) or a managed identity; if it must ' +
      'stay, add the new credential before removing the old one.',
    `This is the ${narrowest}-day alert: Lanyard sends one per threshold (${thresholds.join(', ')} days).`,
  ]
    .map(inert)
    .join('\n');
  return {
    key,
    kind: 'credential-expiry',
    severity,
    at: input.now.toISOString(),
    integration: { id: input.integration.id, name: input.integration.name },
    identity: {
      objectId: identity.objectId,
      appId: identity.appId,
      displayName: identity.displayName,
      kind: identity.kind,
    },
    credential: {
      keyId: credential.keyId,
      type: credential.type,
      displayName: name ?? null,
      endDateTime: credential.endDateTime,
      daysLeft: Math.max(0, days),
      threshold: narrowest,
    },
    subject,
    message,
    recipients: [...recipients],
    alsoMark,
  };
}

function findingAlert(
  input: AlertInput,
  finding: AlertFinding,
  identity: Identity | undefined,
  recipients: string[],
): Alert | null {
  if (finding.suppressed || !ALERTING_SEVERITIES.has(finding.severity)) return null;
  if (CHECKS_COVERED_BY_EXPIRY.includes(finding.checkId)) return null;
  const key = findingAlertKey(finding.findingKey);
  if (input.alreadySent.has(key)) return null;
  const displayName = identity?.displayName ?? finding.displayName ?? finding.objectId;
  // A finding about one owner is keyed by the owner (checks/check.ts ownerFindingKey), not by a credential.
  const aboutCredential = Boolean(finding.keyId) && !isOwnerFindingKey(finding.keyId);
  const credential = aboutCredential
    ? identity?.credentials.find((candidate) => candidate.keyId === finding.keyId)
    : undefined;
  const title = finding.title ?? finding.checkId;
  const subject = inert(
    `${finding.severity === 'critical' ? 'Critical' : 'High'} finding on ` +
      `"${inertShort(displayName, NAME_IN_SUBJECT)}": ${inertShort(title, 80)}`,
  );
  // The facts (identity, check, integration) travel beside it in the alert; each channel shows them.
  const message = inert(finding.message);
  return {
    key,
    kind: 'finding',
    severity: finding.severity,
    at: input.now.toISOString(),
    integration: { id: input.integration.id, name: input.integration.name },
    identity: {
      objectId: finding.objectId,
      appId: identity?.appId ?? null,
      displayName,
      kind: identity?.kind ?? null,
    },
    ...(finding.keyId && aboutCredential
      ? {
          credential: {
            keyId: finding.keyId,
            type: credential?.type ?? null,
            displayName: credential ? (credential.displayName ?? credential.name ?? null) : null,
            endDateTime: credential?.endDateTime ?? null,
            daysLeft: credential ? daysUntil(credential.endDateTime, input.now) : null,
          },
        }
      : {}),
    finding: { checkId: finding.checkId, findingKey: finding.findingKey },
    subject,
    message,
    recipients: [...recipients],
    alsoMark: [],
  };
}

/** Most severe first, then by key: the same input always gives the same order. */
/** Most severe first, then by key: the order alerts are shown in. */
export function byUrgency(a: Alert, b: Alert): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/**
 * The alerts due now. Per secret or certificate: the alert for the narrowest threshold it has crossed, unless
 * already sent (its wider thresholds' keys ride along in `alsoMark`); expired ones get none. Per finding
 * opened: an alert when it is high or critical.
 */
export function dueAlerts(input: AlertInput): Alert[] {
  const thresholds = normalizeThresholds(input.thresholds);
  const ownersOf = input.ownersOf ?? ((identity: Identity) => identity.owners);
  const recipientCache = new Map<string, string[]>();
  const recipientsOf = (identity: Identity | undefined): string[] => {
    if (!identity) return recipientsFor([], input.integration.fallbackEmail);
    let recipients = recipientCache.get(identity.objectId);
    if (!recipients) {
      recipients = recipientsFor(ownersOf(identity), input.integration.fallbackEmail);
      recipientCache.set(identity.objectId, recipients);
    }
    return recipients;
  };
  const alerts: Alert[] = [];
  for (const identity of input.identities) {
    for (const credential of keyCredentials(identity)) {
      const alert = expiryAlert(input, identity, credential, thresholds, recipientsOf(identity));
      if (alert) alerts.push(alert);
    }
  }
  const byObjectId = new Map(input.identities.map((identity) => [identity.objectId, identity]));
  const seen = new Set<string>();
  for (const finding of input.findings ?? []) {
    const identity = byObjectId.get(finding.objectId);
    const alert = findingAlert(input, finding, identity, recipientsOf(identity));
    if (alert && !seen.has(alert.key)) {
      seen.add(alert.key);
      alerts.push(alert);
    }
  }
  return alerts.sort(byUrgency);
}

/** Alerts per recipient address, in address order; an alert with several recipients is in each group. */
export function groupByRecipient(alerts: readonly Alert[]): Array<{ recipient: string; alerts: Alert[] }> {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    for (const recipient of alert.recipients) {
      const group = groups.get(recipient);
      if (group) group.push(alert);
      else groups.set(recipient, [alert]);
    }
  }
  return [...groups.keys()].sort().map((recipient) => ({ recipient, alerts: groups.get(recipient)! }));
}

const DAY_MS = 86_400_000;

/** Summary line of several alerts: "3 alerts: 2 credentials expiring, 1 finding". */
export function summarize(alerts: readonly Alert[]): string {
  const expiring = alerts.filter((alert) => alert.kind === 'credential-expiry').length;
  const findings = alerts.length - expiring;
  const parts = [
    ...(expiring ? [`${expiring} credential${expiring === 1 ? '' : 's'} expiring`] : []),
    ...(findings ? [`${findings} high or critical finding${findings === 1 ? '' : 's'}`] : []),
  ];
  return `${alerts.length} alert${alerts.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/**
 * When the daily digest's round cuts: the last time it was `hourUtc` o'clock (UTC) at or before `now`. A round
 * sends what was held before the cut, so one that runs late (the service was down at that hour) still sends the
 * day's alerts, and alerts held after the cut wait for the next day's.
 */
export function digestCutoff(now: Date, hourUtc: number): Date {
  const cut = new Date(now);
  cut.setUTCHours(hourUtc, 0, 0, 0);
  return cut.getTime() > now.getTime() ? new Date(cut.getTime() - DAY_MS) : cut;
}

/** The subject line of one recipient's (or one channel's) digest message for the day of the cut. */
export function digestSubject(cutoff: Date, alerts: readonly Alert[]): string {
  return `Lanyard daily digest for ${cutoff.toISOString().slice(0, 10)}: ${summarize(alerts)}`;
}
