// `lanyard changes`: what each scan changed against the scan before it, grouped by publisher.
import type { Command } from 'commander';
import { createChangesService, DEFAULT_SINCE, parseSince } from '../../services/changes-service.ts';
import { parseChangesFormat, writeChanges } from '../format/changes-output.ts';
import { streamOutput } from '../output.ts';
import { loadRiskSettings } from '../risk-settings.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

export function registerChanges(program: Command): void {
  program
    .command('changes')
    .description(
      'what each scan changed: identities, credentials, owners, permissions, publisher, audience, risk',
    )
    .option(
      '--since <duration>',
      'scans finished within this long before now: 45m, 12h, 7d, 2w',
      DEFAULT_SINCE,
    )
    .option('--integration <name>', 'only this integration (default: all)')
    .option('--format <format>', 'table | json | csv', 'table')
    .addHelpText(
      'after',
      '\nEach scan is compared with the scan committed before it: identities added and removed; credentials\n' +
        'added, removed or now expiring within 30 days; owners added and removed; permissions and roles granted\n' +
        'and revoked; publisher, sign-in audience, display name and enabled changed; the risk level up or down\n' +
        '(an application and its service principal scored as one, last use left out). Changes are grouped by\n' +
        'publisher: own, Microsoft, third-party, unknown. Only a succeeded scan reports removals: a partial or\n' +
        'failed one proves nothing about what it did not see. What a scan could not read (owners, federated\n' +
        "credentials, access) is never reported as removed or revoked. An integration's first scan is its\n" +
        'baseline: its identities are counted, not listed.',
    )
    .action(async (options) => {
      const globals = program.opts<GlobalOptions>();
      const format = parseChangesFormat(String(options.format));
      const now = Date.now();
      const request = {
        since: String(options.since),
        ...(options.integration !== undefined ? { integration: String(options.integration) } : {}),
      };
      // A bad --since fails here, before the database is opened.
      const since = parseSince(request.since, now).toISOString();
      const { config, tiers } = await loadRiskSettings(globals);
      await withStore(globals, async (store) => {
        const service = createChangesService({ store, now: () => now, config, tiers });
        await writeChanges(service.reports(request), format, since, streamOutput());
      });
    });
}
