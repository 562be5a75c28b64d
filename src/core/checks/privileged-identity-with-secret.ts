// A client secret on a workload that reaches tier 0 or 1: whoever reads the secret's value (a config file, a
// pipeline log, a developer's laptop) holds that privilege, with nothing tied to a machine or a key.
// Maester MT.1027, Prowler entra_service_principal_no_secrets_for_permanent_tier0_roles, ZTA 21772.
import {
  credentialLabel,
  defineCheck,
  describeReach,
  failWith,
  firstFew,
  notApplicable,
  pass,
  type Severity,
  unknown,
} from './check.ts';
import { isExpired, signInKeyCredentials } from './credential-expired.ts';

export default defineCheck({
  id: 'privileged_identity_with_secret',
  title: 'Privileged workload signs in with a client secret',
  severity: 'high',
  rationale:
    'A client secret is a password: anyone who reads its value, from a config file, a pipeline log or a laptop, can sign in from anywhere as the workload. On a workload that can take over the tenant or a subscription (tier 0) or read and write sensitive data (tier 1), that is the easiest way to a breach.',
  remediation:
    'Move the workload to a managed identity or a federated credential (workload identity federation); failing that, a certificate kept in a key vault. Then remove the secret. Review whether it needs that privilege at all.',
  params: {},
  evaluate({ identity, reach }, { now }) {
    const secrets = signInKeyCredentials(identity).filter(
      (credential) => credential.type === 'secret' && !isExpired(credential, now),
    );
    if (!secrets.length) return notApplicable;
    const privileged = reach.entries.filter((entry) => entry.tier === 0 || entry.tier === 1);
    if (privileged.length) {
      const tier = privileged.some((entry) => entry.tier === 0) ? 0 : 1;
      const severity: Severity = tier === 0 ? 'critical' : 'high';
      const top = privileged.filter((entry) => entry.tier === tier).map(describeReach);
      return failWith(
        secrets.map((secret) => ({
          keyId: secret.keyId,
          severity,
          message: `${credentialLabel(secret)} signs in as a workload that reaches tier ${tier}: ${firstFew(top)}`,
        })),
      );
    }
    // Access not read, or held but not classified: either could be tier 0, so neither is a pass.
    const unclassified = reach.entries.filter((entry) => entry.tier === 'unknown').map(describeReach);
    const gaps = [
      ...(reach.unknown ?? []),
      ...(unclassified.length
        ? [
            `${unclassified.length} permission${unclassified.length === 1 ? '' : 's'} with no known tier (${firstFew(unclassified)}); classify them in the tier overrides`,
          ]
        : []),
    ];
    if (gaps.length) {
      return unknown(
        `it holds an active client secret, but whether it reaches tier 0 or 1 is unknown: ${gaps.join('; ')}`,
      );
    }
    return pass;
  },
});
