// An integration of the store that reaches the emulated tenant the way a user's would: certificate sign-in,
// custom cloud, the emulator's CA bundle.
import type { RunningEmulator } from '../../emulator/index.ts';
import type { NewIntegration } from '../../src/store/index.ts';

export function emulatorIntegration(emulator: RunningEmulator, name: string): NewIntegration {
  return {
    name,
    tenantId: emulator.scanner.tenantId,
    clientId: emulator.scanner.clientId,
    auth: { method: 'certificate', certificatePath: emulator.scanner.certificatePath },
    cloud: {
      name: 'custom',
      loginUrl: emulator.loginUrl,
      graphUrl: emulator.graphUrl,
      armUrl: emulator.armUrl,
      caFile: emulator.caBundlePath,
    },
  };
}

/** The same integration as `lanyard integration create` arguments, for tests that run the CLI. */
export function emulatorIntegrationArgs(emulator: RunningEmulator, name: string): string[] {
  const integration = emulatorIntegration(emulator, name);
  const { cloud } = integration;
  return [
    ...['integration', 'create', 'azure', '--name', name, '--tenant', integration.tenantId],
    ...['--client-id', integration.clientId, '--auth', 'certificate'],
    ...['--certificate', emulator.scanner.certificatePath, '--cloud', 'custom'],
    ...['--login-url', cloud.loginUrl!, '--graph-url', cloud.graphUrl!, '--arm-url', cloud.armUrl!],
    ...['--ca-file', cloud.caFile!],
  ];
}
