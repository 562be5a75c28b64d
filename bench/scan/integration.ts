// The integration a benchmark scans through: its emulator host's tenant, read with certificate sign-in, every
// cloud endpoint at the host's one origin, trusting its test CA.
import type { HostReady } from './emulator-host.ts';

export function benchIntegration(
  host: Pick<HostReady, 'origin' | 'tenantId' | 'clientId' | 'certificatePath' | 'caBundlePath'>,
) {
  return {
    name: 'bench',
    tenantId: host.tenantId,
    clientId: host.clientId,
    auth: { method: 'certificate' as const, certificatePath: host.certificatePath },
    cloud: {
      name: 'custom' as const,
      loginUrl: host.origin,
      graphUrl: host.origin,
      armUrl: host.origin,
      caFile: host.caBundlePath,
    },
  };
}
