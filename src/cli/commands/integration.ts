// `lanyard integration create|list|show|delete` (and run|schedule, in integration-jobs.ts)
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.ts';
import { inert, inertJson } from '../../core/inert-text.ts';
import { armAudienceOf, graphAudienceOf } from '../../core/integration-config.ts';
import { createIntegrationService } from '../../services/integration-service.ts';
import type { Integration } from '../../store/index.ts';
import { renderTable } from '../format/table.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';
import { registerIntegrationJobs } from './integration-jobs.ts';

function describeAuth(integration: Integration): string {
  const { auth } = integration;
  if (auth.secretEnv) return `secret from $${auth.secretEnv}`;
  if (auth.certificatePath) return `certificate ${auth.certificatePath}`;
  if (auth.tokenFile) return `federated token ${auth.tokenFile}`;
  return auth.method;
}

export function registerIntegration(program: Command): void {
  const integration = program.command('integration').description('manage the tenants Lanyard scans');
  const globals = () => program.opts<GlobalOptions>();

  integration
    .command('create')
    .argument('<provider>', 'azure')
    .description('add a tenant to scan (credentials are referenced, never copied)')
    .requiredOption('--name <name>', 'a unique name, e.g. prod')
    .requiredOption('--tenant <id>', 'tenant id (GUID) or domain')
    .requiredOption('--client-id <id>', "application (client) id of Lanyard's reader app")
    .requiredOption('--auth <method>', 'secret | certificate | federated | managed-identity | azure-cli')
    .option('--secret-env <name>', 'NAME of the environment variable holding the client secret')
    .option('--certificate <file>', 'PEM file with the private key and certificate')
    .option('--token-file <file>', 'file holding a federated token (e.g. a projected service-account token)')
    .option('--cloud <name>', 'public | usgov | china | custom', 'public')
    .option('--login-url <url>', 'custom cloud: login endpoint')
    .option('--graph-url <url>', 'custom cloud: Microsoft Graph endpoint')
    .option('--arm-url <url>', 'custom cloud: Azure Resource Manager endpoint')
    .option(
      '--graph-audience <resource>',
      "custom cloud: resource its Graph tokens are issued for (default: the --graph-url's origin)",
    )
    .option(
      '--arm-audience <resource>',
      "custom cloud: resource its ARM tokens are issued for (default: the --arm-url's origin)",
    )
    .option('--ca-file <file>', 'PEM bundle to trust for TLS')
    .option(
      '--subscription <id>',
      'read only this Azure subscription (repeat for more; default: every subscription it can see)',
      (value: string, all: string[] = []) => [...all, value],
    )
    .option('--json', 'print the integration as JSON')
    .action(async (provider: string, options) => {
      if (provider !== 'azure') {
        throw new InvalidInput(`unknown provider "${provider}"`, {
          fix: 'use `lanyard integration create azure ...`',
        });
      }
      const created = await withStore(globals(), (store) =>
        createIntegrationService({ store }).create({ ...options, certificate: options.certificate }),
      );
      if (options.json) process.stdout.write(`${inertJson(created, 2)}\n`);
      else process.stdout.write(`created integration "${created.name}" for tenant ${created.tenantId}\n`);
    });

  integration
    .command('list')
    .description('list integrations')
    .option('--json', 'print JSON')
    .action(async (options) => {
      const all = await withStore(globals(), (store) => createIntegrationService({ store }).list());
      if (options.json) {
        process.stdout.write(`${inertJson(all, 2)}\n`);
        return;
      }
      if (all.length === 0) {
        process.stdout.write('no integrations yet: add one with `lanyard integration create azure ...`\n');
        return;
      }
      const rows = all.map((i) => [i.name, i.tenantId, i.clientId, i.cloud.name, describeAuth(i)]);
      process.stdout.write(`${renderTable(['NAME', 'TENANT', 'CLIENT ID', 'CLOUD', 'AUTH'], rows, 64)}\n`);
    });

  integration
    .command('show')
    .argument('<name>')
    .description('show one integration and its latest scans')
    .option('--json', 'print JSON')
    .action(async (name: string, options) => {
      const {
        integration: found,
        scans,
        scanCount,
      } = await withStore(globals(), (store) => createIntegrationService({ store }).show(name));
      if (options.json) {
        process.stdout.write(`${inertJson({ ...found, scanCount, scans }, 2)}\n`);
        return;
      }
      const lines = [
        `name:      ${found.name}`,
        `tenant:    ${found.tenantId}`,
        `client id: ${found.clientId}`,
        `auth:      ${describeAuth(found)}`,
        `cloud:     ${found.cloud.name} (login ${found.cloud.loginUrl}, graph ${found.cloud.graphUrl})`,
        `audiences: graph ${graphAudienceOf(found.cloud)}, arm ${armAudienceOf(found.cloud)}`,
        ...(found.cloud.caFile ? [`ca file:   ${found.cloud.caFile}`] : []),
        `azure:     ${
          found.azureSubscriptions?.pinned
            ? `subscriptions ${found.azureSubscriptions.pinned.join(', ')} (pinned)`
            : 'every subscription it can see'
        }`,
        `last use:  ${describeWatch(found.signInWatch)}`,
        `scans:     ${scanCount}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (scans.length > 0) {
        const rows = scans.map((s) => [
          s.id,
          s.status,
          s.startedAt.toISOString(),
          s.finishedAt?.toISOString() ?? '-',
          s.reason ?? '',
        ]);
        process.stdout.write(
          `\n${renderTable(['SCAN', 'STATUS', 'STARTED', 'FINISHED', 'REASON'], rows, 80)}\n`,
        );
      }
    });

  integration
    .command('subscriptions')
    .argument('<name>')
    .description('show or change which Azure subscriptions an integration reads')
    .option('--pin <ids...>', 'read only these subscriptions')
    .option('--all', 'read every subscription the integration can see (unpin)')
    .option('--forget <ids...>', 'subscriptions that are gone (cancelled or moved): stop expecting them')
    .option('--json', 'print JSON')
    .action(async (name: string, options) => {
      const state = await withStore(globals(), (store) =>
        createIntegrationService({ store }).subscriptions(name, {
          ...(options.pin ? { pin: options.pin as string[] } : {}),
          ...(options.all ? { all: true } : {}),
          ...(options.forget ? { forget: options.forget as string[] } : {}),
        }),
      );
      if (options.json) {
        process.stdout.write(`${inertJson(state, 2)}\n`);
        return;
      }
      const lines = [
        `reads:     ${state.pinned ? `only ${state.pinned.join(', ')}` : 'every subscription it can see'}`,
        `last seen: ${state.seen.length > 0 ? state.seen.join(', ') : 'none yet (the next scan reads them)'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  integration
    .command('delete')
    .argument('<name>')
    .description('delete an integration with its scans and history')
    .action(async (name: string) => {
      await withStore(globals(), (store) => createIntegrationService({ store }).delete(name));
      process.stdout.write(`deleted integration "${name}"\n`);
    });

  registerIntegrationJobs(integration, globals);
}

/** Since when sign-ins are watched, or why they are not (src/core/last-use.ts). */
function describeWatch(watch: Integration['signInWatch']): string {
  if (!watch) return 'not read yet (the next scan reads it)';
  const since = watch.monitoredSince
    ? `watched since ${watch.monitoredSince}, read through ${watch.readThrough}`
    : '';
  if (watch.unknownReason) return `${since ? `${since}; ` : ''}unknown now: ${inert(watch.unknownReason)}`;
  return since;
}
