// Secrets and certificates valid for longer than policy allows, or with no practical expiry: a leaked value
// keeps working for all that time, and nothing forces the rotation that would retire it.
import type { Credential } from '../inventory.ts';
import { credentialLabel, defineCheck, type FindingDraft, failWith, notApplicable } from './check.ts';
import { isExpired, signInKeyCredentials } from './credential-expired.ts';

const DAY_MS = 86_400_000;
/** An end date this far ahead (or none) is no expiry in practice: the old portal's "never" meant 2299-12-31. */
const NO_PRACTICAL_EXPIRY_YEARS = 50;
/** "2 years" from a date spans 731 days when it crosses 29 February: one leap day allowed per 4 years of policy. */
const leapDays = (days: number) => Math.ceil(days / 1461);

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function lifetimeFinding(credential: Credential, maxDays: number, now: Date): FindingDraft | null {
  const label = credentialLabel(credential);
  if (!credential.endDateTime) {
    return {
      keyId: credential.keyId,
      severity: 'high',
      message: `${label} has no end date: it never expires`,
    };
  }
  const end = Date.parse(credential.endDateTime);
  // An end date that is there but unreadable says nothing about the lifetime.
  if (Number.isNaN(end)) return null;
  const farAhead = new Date(now);
  farAhead.setUTCFullYear(farAhead.getUTCFullYear() + NO_PRACTICAL_EXPIRY_YEARS);
  if (end > farAhead.getTime()) {
    return {
      keyId: credential.keyId,
      severity: 'high',
      message: `${label} is valid until ${day(end)}: no practical expiry`,
    };
  }
  const parsedStart = Date.parse(credential.startDateTime ?? '');
  // Without a start date, what is left of it is the least its lifetime can be.
  const start = Number.isNaN(parsedStart) ? now.getTime() : parsedStart;
  const days = Math.floor((end - start) / DAY_MS);
  if (days <= maxDays + leapDays(maxDays)) return null;
  return {
    keyId: credential.keyId,
    message: `${label} is valid for ${days} days, until ${day(end)}: over the policy of ${maxDays} days`,
  };
}

export default defineCheck({
  id: 'secret_lifetime_over_policy',
  title: 'Credential lifetime over policy',
  severity: 'medium',
  rationale:
    'A secret or certificate valid for years (or forever) stays usable long after it leaks, and nothing forces the rotation that would retire it. CISA ScubaGear (MS.AAD.5.6/5.7) and CIS Microsoft 365 5.1.5.4/5.1.5.6 ask for 180 days to a year; 2 years is the longest the Entra admin center offers.',
  remediation:
    'Replace it with a federated credential or a managed identity; if it must stay, issue a shorter-lived one, move the workload to it and remove the old. An app management policy (passwordLifetime, asymmetricKeyLifetime) enforces a maximum on credentials added later.',
  params: { maxLifetimeDays: 730, maxCertificateLifetimeDays: 730 },
  evaluate({ identity }, { now, params }) {
    // Expired credentials can no longer sign in: credential_expired covers them.
    const credentials = signInKeyCredentials(identity).filter((credential) => !isExpired(credential, now));
    if (!credentials.length) return notApplicable;
    return failWith(
      credentials.flatMap((credential) => {
        const max = credential.type === 'secret' ? params.maxLifetimeDays : params.maxCertificateLifetimeDays;
        return lifetimeFinding(credential, max, now) ?? [];
      }),
    );
  },
});
