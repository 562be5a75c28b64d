// A service principal Entra ID Protection holds at risk (leaked credentials, suspicious sign-ins, anomalous
// activity, threat intelligence) or an administrator confirmed compromised: the tenant's own detection says it may be
// in an attacker's hands. Severity from Entra's risk level; confirmed compromised is critical. Needs Workload
// Identities Premium and IdentityRiskyServicePrincipal.Read.All (riskyServicePrincipal). ZTA 21862.
import { isRisky } from '../protection.ts';
import { defineCheck, failWith, notApplicable, pass, type Severity, unknown } from './check.ts';

const BY_LEVEL: Record<string, Severity> = { low: 'medium', medium: 'high', high: 'critical' };

export default defineCheck({
  id: 'service_principal_at_risk',
  title: 'Service principal at risk in Entra ID Protection',
  severity: 'high',
  rationale:
    "Entra ID Protection marks a service principal risky when its credentials leaked, it signed in suspiciously, or it behaved anomalously; an administrator confirms it compromised after investigating. Until someone remediates or dismisses it, the workload's credentials should be treated as in an attacker's hands.",
  remediation:
    'Investigate the risk detections (Entra ID Protection > Risky workload identities); if compromised, disable the service principal or remove and rotate every credential, review its sign-ins and what it changed, then mark it remediated. If it is a false positive, dismiss the risk.',
  params: {},
  evaluate({ identity, protection }) {
    if (identity.kind !== 'servicePrincipal') return notApplicable;
    const risk = protection.risk;
    if (!risk)
      return unknown(
        'Entra ID Protection was never read (it needs IdentityRiskyServicePrincipal.Read.All and Workload Identities Premium)',
      );
    const id = identity.objectId.toLowerCase();
    const found = risk.servicePrincipals.find((sp) => sp.id.toLowerCase() === id);
    if (!found || !isRisky(found.riskState)) return pass;
    const compromised = found.riskState === 'confirmedCompromised';
    const severity: Severity = compromised ? 'critical' : (BY_LEVEL[found.riskLevel] ?? 'high');
    const detections = risk.detections.filter(
      (d) => d.servicePrincipalId?.toLowerCase() === id && isRisky(d.riskState),
    );
    const types = [...new Set(detections.map((d) => d.riskEventType).filter(Boolean))];
    const since = found.riskLastUpdatedDateTime ? ` since ${found.riskLastUpdatedDateTime}` : '';
    const what = types.length ? `; detections: ${types.join(', ')}` : '';
    return failWith([
      {
        severity,
        message: compromised
          ? `confirmed compromised in Entra ID Protection${since}${what}`
          : `at ${found.riskLevel} risk in Entra ID Protection${since}${what}`,
      },
    ]);
  },
});
