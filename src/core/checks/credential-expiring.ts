// Secrets and certificates that end soon: whatever signs in with them stops working on that day, and a rushed
// rotation is how secrets end up pasted into chat. Warned at the widest window, more urgent at the narrower ones.
import {
  credentialLabel,
  daysUntil,
  defineCheck,
  type FindingDraft,
  failWith,
  keyCredentials,
  notApplicable,
  type Severity,
} from './check.ts';

export default defineCheck({
  id: 'credential_expiring',
  title: 'Credential expiring soon',
  severity: 'medium',
  rationale:
    'A secret or certificate that expires takes its workload down with it; found early, it can be replaced by a federated credential instead of renewed.',
  remediation:
    'Replace it with a federated credential (workload identity federation) or a managed identity; if it must stay, add the new credential before removing the old one.',
  params: { warnDays: 30, soonDays: 14, urgentDays: 7 },
  evaluate({ identity }, { now, params }) {
    // Azure rotates a managed identity's keys itself: an end date on one is not the tenant's to act on.
    const credentials = identity.servicePrincipalType === 'ManagedIdentity' ? [] : keyCredentials(identity);
    if (!credentials.length) return notApplicable;
    const findings: FindingDraft[] = [];
    for (const credential of credentials) {
      const days = daysUntil(credential.endDateTime, now);
      if (days === null || days < 0 || days > params.warnDays) continue;
      const severity: Severity = days <= params.urgentDays ? 'high' : 'medium';
      const window =
        days <= params.urgentDays
          ? params.urgentDays
          : days <= params.soonDays
            ? params.soonDays
            : params.warnDays;
      findings.push({
        keyId: credential.keyId,
        severity,
        message: `${credentialLabel(credential)} expires in ${days} day${days === 1 ? '' : 's'} (within ${window} days), on ${credential.endDateTime!.slice(0, 10)}`,
      });
    }
    return failWith(findings);
  },
});
