// What suspicious sign-ins tell the SIEMs: one `signin.suspicious` event per application and new range, and per
// application and window of a failure burst. Ids are derived from what is reported (not from the scan), so the
// same sign-ins read by two overlapping readings, or by a scan retried after a failed one, make one event.
import type { LanyardEvent } from '../core/events.ts';
import type { SignInDetectionSettings, SuspiciousSignIn } from '../core/sign-in-ranges.ts';
import type { Integration } from '../store/index.ts';
import type { SignInEventsOf, SignInRangesOptions, SignInSubject } from '../store/sign-in-ranges.ts';
import { stableEventId } from './change-events.ts';

export function signInEventId(integrationId: string, found: SuspiciousSignIn): string {
  const what =
    found.reason === 'new-range'
      ? `${found.appId}:${found.range}`
      : `${found.appId}:${found.windowStart}:${found.windowEnd}`;
  return stableEventId(`${integrationId}:signin.suspicious:${found.reason}:${what}`);
}

export function signInEvent(
  integration: Pick<Integration, 'id' | 'name' | 'tenantId'>,
  found: SuspiciousSignIn,
  subject: SignInSubject | undefined,
  time: string,
): LanyardEvent {
  const name = subject ? `${subject.displayName} (${found.appId})` : found.appId;
  const { reason, appId, ...details } = found;
  return {
    id: signInEventId(integration.id, found),
    type: 'signin.suspicious',
    time,
    // A success from an unknown network may be a stolen credential in use; failures alone are attempts.
    severity: reason === 'new-range' ? 'high' : 'medium',
    integration: { id: integration.id, name: integration.name, tenantId: integration.tenantId },
    ...(subject ? { subject } : {}),
    summary:
      found.reason === 'new-range'
        ? `${name} signed in from ${found.range}, a network range it never signed in from before (${found.knownRanges} known)`
        : `${name} failed to sign in ${found.failures} times within ${windowMinutes(found)} minutes (between ${found.windowStart} and ${found.windowEnd})`,
    data: { reason, appId, ...details },
  };
}

function windowMinutes(found: Extract<SuspiciousSignIn, { reason: 'failure-burst' }>): number {
  return Math.round((Date.parse(found.windowEnd) - Date.parse(found.windowStart)) / 60_000);
}

/** The commit's options for an integration's scan: the sinks to record for (none: ranges only), the rules. */
export function signInEventsFor(
  integration: Pick<Integration, 'id' | 'name' | 'tenantId'>,
  sinks: readonly string[],
  time: Date,
  settings?: SignInDetectionSettings,
): SignInRangesOptions {
  const events: SignInEventsOf = {
    sinks,
    of: (found, subjects) =>
      found.map((f) => signInEvent(integration, f, subjects.get(f.appId), time.toISOString())),
  };
  return { ...(settings ? { settings } : {}), events };
}
