// `lanyard risk`: the riskiest credentials of the inventory, each with its score, the reasons behind it and what
// its identity can reach.
import type { Command } from 'commander';
import { InvalidInput } from '../../core/errors.ts';
import type { RiskLevel } from '../../core/risk/types.ts';
import { createRiskService, MAX_TOP, validateRank } from '../../services/risk-service.ts';
import { parseRiskFormat, writeRanking } from '../format/risk-output.ts';
import { streamOutput } from '../output.ts';
import { loadRiskSettings, RISK_SETTINGS_ENV } from '../risk-settings.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

function parseTop(text: string): number {
  const top = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || top < 1 || top > MAX_TOP) {
    throw new InvalidInput(`"${text}" is not a whole number from 1 to ${MAX_TOP}`, {
      field: 'top',
      fix: 'e.g. --top 20',
    });
  }
  return top;
}

export function registerRisk(program: Command): void {
  program
    .command('risk')
    .description('rank credentials by risk, with the reasons for each score and what its identity can reach')
    .option('--top <n>', 'how many credentials to show (1-1000)', '20')
    .option('--integration <name>', 'only this integration (default: all)')
    .option('--tenant <id>', 'only the integrations of this tenant')
    .option('--level <level>', 'only credentials at this level or above: low | medium | high | critical')
    .option('--format <format>', 'table | json | ndjson', 'table')
    .option('--show-config', 'print the scoring settings and tier overrides in effect, as JSON, and exit')
    .addHelpText(
      'after',
      '\nA score is impact (the most privileged thing the identity reaches) times likelihood (how easily the\n' +
        'credential is abused: its type, where it is held, its lifetime, expiry and last use) / 100; every factor\n' +
        'is listed. An application and its service principal are scored as one. What could not be read (access\n' +
        'or last use a scan could not read, or skipped with --no-access / --no-last-use) is unknown and scored as\n' +
        'such, never as "no permissions" or "never used".\n\n' +
        `Weights, thresholds and tiers can be overridden in $LANYARD_HOME/risk.json (or the file ${RISK_SETTINGS_ENV}\n` +
        'names); --show-config prints what is in effect.',
    )
    .action(async (options) => {
      const globals = program.opts<GlobalOptions>();
      if (options.showConfig) {
        const { config, tiers, path, fromFile } = await loadRiskSettings(globals);
        // stdout stays a valid settings file; where it came from goes to stderr.
        process.stderr.write(fromFile ? `risk settings from ${path}\n` : `no ${path}: the defaults\n`);
        process.stdout.write(`${JSON.stringify({ scoring: config, tiers }, null, 2)}\n`);
        return;
      }
      const format = parseRiskFormat(options.format);
      const top = parseTop(String(options.top));
      const level = options.level === undefined ? {} : { level: String(options.level) as RiskLevel };
      // Wrong values fail here, naming --top or --level, before the database is opened.
      validateRank({ top, ...level });
      const { config, tiers } = await loadRiskSettings(globals);
      await withStore(globals, async (store) => {
        const now = Date.now();
        const service = createRiskService({ store, lastUse: store.lastUse, now: () => now, config, tiers });
        const ranked = await service.rank({
          top,
          ...level,
          ...(options.integration !== undefined ? { integration: String(options.integration) } : {}),
          ...(options.tenant !== undefined ? { tenant: String(options.tenant) } : {}),
        });
        await writeRanking(ranked, format, now, streamOutput());
      });
    });
}
