// `lanyard demo`: the whole first-run experience with no Azure account. Starts the emulated Microsoft
// cloud with a generated tenant, connects an integration with certificate auth, scans, and shows what
// needs attention. The only place in src/ allowed to start the emulator.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { previewAlerts } from '../../alerts/preview.ts';
import { CHECKS } from '../../core/checks/catalogue.ts';
import { InvalidInput } from '../../core/errors.ts';
import type { LanyardEvent } from '../../core/events.ts';
import { inert } from '../../core/inert-text.ts';
import type { Identity } from '../../core/inventory.ts';
import { buildOverview } from '../../core/overview.ts';
import type { EventSink } from '../../deliver/sink.ts';
import { createChangesService } from '../../services/changes-service.ts';
import { createFindingsService } from '../../services/findings-service.ts';
import { alertFindingOf } from '../../services/monitoring-service.ts';
import { createRiskService } from '../../services/risk-service.ts';
import { writeChanges } from '../format/changes-output.ts';
import { renderFindingsBySeverity } from '../format/findings-output.ts';
import { renderOverview } from '../format/overview-output.ts';
import { writeRanking } from '../format/risk-output.ts';
import { streamOutput } from '../output.ts';
import { createProgressReporter } from '../progress.ts';
import { loadRiskSettings } from '../risk-settings.ts';
import { type GlobalOptions, lanyardHome, withStore } from '../runtime.ts';
import { createCliScanService } from '../scan-wiring.ts';
import { changeDemoTenant } from './demo-changes.ts';

export const DEMO_INTEGRATION = 'demo';
/** The event types of the rescan the demo lists one by one: what a SOC would look at first. */
const SIEM_TYPES_SHOWN = new Set([
  'signin.suspicious',
  'identity.risky',
  'identity.compromised',
  'risk.detected',
  'permission.granted',
]);
const SIEM_LINES_SHOWN = 8;

/** A SIEM of the demo's own: an OCSF file, as `ocsf-file` writes it, and the events kept to show. */
async function demoSiem(demoDir: string) {
  const path = join(demoDir, 'siem-events.ocsf.jsonl');
  await rm(path, { force: true });
  const { createOcsfFileSink } = await import('../../deliver/sinks/ocsf-file.ts');
  const ocsf = createOcsfFileSink({ type: 'ocsf-file', name: 'demo-siem', path });
  const events: LanyardEvent[] = [];
  const sink: EventSink = {
    name: ocsf.name,
    async deliver(batch) {
      await ocsf.deliver(batch);
      events.push(...batch);
    },
    close: () => ocsf.close?.() ?? Promise.resolve(),
  };
  return { path, sink, events };
}

/** How many events of each type the rescan sent, and the ones a SOC would look at first. */
function renderSiemEvents(events: readonly LanyardEvent[], path: string): string {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  const byType = [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
  const shown = events.filter((event) => SIEM_TYPES_SHOWN.has(event.type)).slice(0, SIEM_LINES_SHOWN);
  return [
    `SIEM events of the rescan (${events.length}, as OCSF in ${inert(path)}): ${byType || 'none'}`,
    ...shown.map((event) => {
      const name = event.subject?.displayName;
      const about = name && !event.summary.includes(name) ? `"${name}": ` : '';
      return `  ${event.type.padEnd(20)} ${event.severity.padEnd(8)} ${inert(`${about}${event.summary}`)}`;
    }),
    '',
    '',
  ].join('\n');
}
/** The riskiest credentials the demo ends with: enough to show the point, few enough to read. */
const RISKIEST_SHOWN = 5;

function positiveInt(value: string, flag: string, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new InvalidInput(`${flag} "${value}" must be a whole number from 1 to ${max}`, {
      fix: `e.g. ${flag} 3000`,
    });
  }
  return number;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('scan a generated demo tenant in the built-in Microsoft cloud emulator (no Azure account)')
    .option('--apps <n>', 'application registrations in the demo tenant', '3000')
    .option('--seed <n>', 'seed of the generated tenant', '7')
    .option('--quiet', 'no progress output')
    .action(async (options) => {
      const apps = positiveInt(options.apps, '--apps', 200_000);
      const seed = positiveInt(options.seed, '--seed', 2 ** 31);
      const globals = program.opts<GlobalOptions>();
      // The user's risk.json applies to the demo's ranking as to `lanyard risk`; a bad one stops it before the emulator starts.
      const { config, tiers } = await loadRiskSettings(globals);
      const demoDir = join(lanyardHome(globals), 'demo');
      await mkdir(demoDir, { recursive: true, mode: 0o700 });
      // Loaded on demand: the emulator (certificates, tenant generator) is heavy and only the demo needs it.
      const { startEmulator } = await import('../../../emulator/index.ts');
      const emulator = await startEmulator({ port: 0, tenants: [{ seed, apps }], outDir: demoDir });
      const out = process.stdout;
      const siem = await demoSiem(demoDir);
      try {
        out.write(
          `Started the Microsoft cloud emulator at ${emulator.origin} with a tenant of ${apps} applications.\n`,
        );
        const { scanner } = emulator;
        const now = Date.now();
        const {
          rescanEvents,
          summary,
          identities,
          riskiest,
          firstReport,
          changed,
          rescan,
          changesText,
          report,
          after,
          integration,
        } = await withStore(globals, async (store) => {
          // The emulator's port and certificate change with every run: point the demo integration at this one.
          await store.integrations.delete(DEMO_INTEGRATION);
          await store.integrations.create({
            provider: 'azure',
            name: DEMO_INTEGRATION,
            tenantId: scanner.tenantId,
            clientId: scanner.clientId,
            auth: { method: 'certificate', certificatePath: scanner.certificatePath },
            cloud: {
              name: 'custom',
              loginUrl: emulator.loginUrl,
              graphUrl: emulator.graphUrl,
              armUrl: emulator.armUrl,
              caFile: emulator.caBundlePath,
            },
          });
          out.write(
            `Created integration "${DEMO_INTEGRATION}" (certificate sign-in as ${scanner.clientId}). Scanning…\n`,
          );
          const progress = createProgressReporter({ quiet: Boolean(options.quiet) });
          // The same parts as `lanyard scan`: the inventory, what each identity reaches and when it last signed in;
          // the events a SIEM would get go to a local OCSF file, and are kept to show the rescan's.
          const scans = createCliScanService(store, {}, undefined, { sinks: [siem.sink] });
          const { summary, error } = await scans.run(DEMO_INTEGRATION, {
            onProgress: (p) => progress.update(p),
          });
          progress.stop();
          if (error) throw error;
          const integration = await store.integrations.get(DEMO_INTEGRATION);
          const identities = await store.inventory.list({ integrationId: integration?.id ?? '' });
          // Ranked from the identities already read for the overview: the demo tenant is small.
          const ref = { id: integration!.id, name: integration!.name, tenantId: integration!.tenantId };
          const risk = createRiskService({ store, lastUse: store.lastUse, now: () => now, config, tiers });
          const rows = identities.map((identity) => ({ integration: ref, identity }));
          const riskiest = await risk.rankRows(rows, { top: RISKIEST_SHOWN });
          const findings = createFindingsService({ store, lastUse: store.lastUse, now: () => now, tiers });
          const firstReport = await findings.list({ integration: DEMO_INTEGRATION });
          // The second act: the tenant changes, a rescan finds what changed, what is now wrong, whom to tell.
          const changed = await changeDemoTenant(emulator.tenants[0]!, now);
          const eventsBefore = siem.events.length;
          // Full, so the grant shows too: an incremental scan keeps what principals hold from the last full one.
          const rescan = await scans.run(DEMO_INTEGRATION, { full: true });
          if (rescan.error) throw rescan.error;
          const changes = createChangesService({ store, now: () => Date.now(), config, tiers });
          const parts: string[] = [];
          const buffer = {
            write: async (text: string) => {
              parts.push(text);
              return true;
            },
          };
          const since = new Date(now - 60_000).toISOString();
          async function* ofRescan() {
            for await (const report of changes.reports({ integration: DEMO_INTEGRATION, since: '1h' }))
              if (report.scanId === rescan.summary.scanId) yield report;
          }
          await writeChanges(ofRescan(), 'table', since, buffer);
          const changesText = parts.join('');
          const report = await findings.list({ integration: DEMO_INTEGRATION });
          const after = await store.inventory.list({ integrationId: ref.id });
          return {
            rescanEvents: siem.events.slice(eventsBefore),
            summary,
            identities,
            riskiest,
            firstReport,
            changed,
            rescan: rescan.summary,
            changesText,
            report,
            after,
            integration: ref,
          };
        });
        out.write(
          `Scan ${summary.scanId} ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.requests} requests, ${summary.resourceUnits} resource units.\n\n`,
        );
        out.write(`${renderOverview(buildOverview(identities, now), now)}\n\n`);
        out.write(
          'Riskiest credentials (score = impact × likelihood / 100), why, and what each can reach:\n',
        );
        await writeRanking(riskiest, 'table', now, streamOutput(out));
        out.write('\n');
        out.write(`Findings of the ${CHECKS.length} checks (lanyard findings), by severity:\n`);
        out.write(`${renderFindingsBySeverity(firstReport)}\n\n`);
        out.write(`Then the tenant changed:\n${changed.map((line) => `  ${inert(line)}\n`).join('')}`);
        out.write(
          `Scan ${rescan.scanId} ${rescan.status} in ${(rescan.durationMs / 1000).toFixed(1)} s: ${rescan.requests} requests, ${rescan.resourceUnits} resource units. What changed (lanyard changes):\n\n`,
        );
        out.write(`${changesText}\n`);
        out.write(
          `Findings now: ${rescan.findings?.opened ?? 0} new, ${rescan.findings?.resolved ?? 0} resolved; by severity:\n`,
        );
        out.write(`${renderFindingsBySeverity(report)}\n\n`);
        out.write(renderSiemEvents(rescanEvents, siem.path));
        // Where the alerts would go, without a mail server: printed, and written to a local inbox file.
        const inboxPath = join(demoDir, 'alerts-inbox.jsonl');
        await rm(inboxPath, { force: true });
        const byAppId = new Map<string, Identity[]>();
        for (const identity of after) {
          const key = identity.appId.toLowerCase();
          byAppId.set(key, [...(byAppId.get(key) ?? []), identity]);
        }
        await previewAlerts({
          input: {
            integration: { id: integration.id, name: integration.name },
            identities: after,
            ownersOf: (identity) =>
              (byAppId.get(identity.appId.toLowerCase()) ?? [identity]).flatMap((i) => i.owners),
            findings: report.findings.map(alertFindingOf),
            now: new Date(now),
          },
          inboxPath,
          write: (text) => out.write(text),
        });
        out.write('\n');
        out.write(
          [
            'Explore further:',
            '  npm run lanyard -- risk --top 20',
            '  npm run lanyard -- findings --severity high',
            '  npm run lanyard -- changes --since 1h',
            '  npm run lanyard -- checks',
            '  npm run lanyard -- inventory --tier 0 --risk high',
            '  npm run lanyard -- inventory --expires-within 30d',
            '  npm run lanyard -- inventory --owner none --type application --format csv > ownerless.csv',
            '  npm run lanyard -- inventory --publisher third-party --credential secret',
            '  npm run lanyard -- identity <object id | app id | name>',
            '  npm run lanyard -- integration show demo',
            '',
          ].join('\n'),
        );
      } finally {
        await siem.sink.close?.();
        await emulator.close();
      }
    });
}
