// `lanyard inventory`: every identity of the latest (or an earlier) scan, filtered and formatted.
import type { Command } from 'commander';
import { parseAsOf } from '../../core/as-of.ts';
import { parseDuration } from '../../core/duration.ts';
import { InvalidInput } from '../../core/errors.ts';
import type { CredentialType, Publisher } from '../../core/inventory.ts';
import {
  type IdentityTypeFilter,
  type InventoryFilter,
  needsRiskFacts,
  RISK_LEVELS,
  type RiskFilter,
} from '../../core/inventory-query.ts';
import type { RiskLevel } from '../../core/risk/types.ts';
import { createInventoryService } from '../../services/inventory-service.ts';
import { parseFormat } from '../format/inventory-output.ts';
import { writeInventory } from '../format/inventory-stream.ts';
import { streamOutput } from '../output.ts';
import { loadRiskSettings } from '../risk-settings.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

function listOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((v) => v.trim());
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw new InvalidInput(`${flag} "${item}" is not one of ${allowed.join(', ')}`, {
        fix: `use ${flag} ${allowed.join('|')} (comma-separated for several)`,
      });
    }
  }
  return items as T[];
}

export function parseInventoryFilter(options: Record<string, string | boolean | undefined>): InventoryFilter {
  const filter: InventoryFilter = {};
  const types = listOf<IdentityTypeFilter>(
    options.type as string | undefined,
    ['application', 'service-principal', 'managed-identity'],
    '--type',
  );
  if (types) filter.types = types;
  const publishers = listOf<Publisher>(
    options.publisher as string | undefined,
    ['microsoft', 'own', 'third-party', 'unknown'],
    '--publisher',
  );
  if (publishers) filter.publishers = publishers;
  const credentialTypes = listOf<CredentialType>(
    options.credential as string | undefined,
    ['secret', 'certificate', 'federated'],
    '--credential',
  );
  if (credentialTypes) filter.credentialTypes = credentialTypes;
  if (typeof options.expiresWithin === 'string')
    filter.expiresWithinMs = parseDuration(options.expiresWithin);
  if (options.expired) filter.expired = true;
  if (options.owner !== undefined) {
    if (options.owner !== 'none')
      throw new InvalidInput(`--owner "${options.owner}" is not supported`, { fix: 'use --owner none' });
    filter.ownerless = true;
  }
  return filter;
}

const DAY_MS = 86_400_000;

/** --risk, --tier and --unused-for: filters the service applies to each page after the store's. */
export function parseRiskFilter(options: Record<string, string | boolean | undefined>): RiskFilter {
  const filter: RiskFilter = {};
  if (typeof options.risk === 'string') {
    if (!(RISK_LEVELS as readonly string[]).includes(options.risk)) {
      throw new InvalidInput(`"${options.risk}" is not a risk level`, {
        field: 'risk',
        fix: `use --risk ${RISK_LEVELS.join('|')} (that level or above)`,
      });
    }
    filter.minLevel = options.risk as RiskLevel;
  }
  if (typeof options.tier === 'string') {
    if (!/^[012]$/.test(options.tier.trim())) {
      throw new InvalidInput(`"${options.tier}" is not a tier`, {
        field: 'tier',
        fix: 'use --tier 0, 1 or 2 (0 is the most privileged)',
      });
    }
    filter.tier = Number(options.tier.trim()) as 0 | 1 | 2;
  }
  if (typeof options.unusedFor === 'string') {
    try {
      filter.unusedForDays = parseDuration(options.unusedFor) / DAY_MS;
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      throw new InvalidInput(error.message, {
        field: 'unusedFor',
        fix: 'e.g. --unused-for 90d',
        cause: error,
      });
    }
  }
  return filter;
}

export function registerInventory(program: Command): void {
  program
    .command('inventory')
    .description('list workload identities and their credentials')
    .option('--integration <name>', 'only this integration (default: all)')
    .option('--tenant <id>', 'only the integrations of this tenant')
    .option('--format <format>', 'table | json | ndjson | csv', 'table')
    .option('--type <types>', 'application | service-principal | managed-identity')
    .option('--publisher <publishers>', 'microsoft | own | third-party')
    .option('--credential <types>', 'secret | certificate | federated')
    .option('--expires-within <duration>', 'credentials ending within e.g. 30d')
    .option('--expired', 'holding an expired credential')
    .option('--owner <none>', 'none: only identities without owners')
    .option('--as-of <scan id or date>', 'what was true at that scan or date')
    .option(
      '--risk <level>',
      'risk at least low | medium | high | critical (the application and its SP scored as one)',
    )
    .option(
      '--tier <tier>',
      'holding something at tier 0, 1 or 2 or more privileged (identities whose access is unknown are not matched)',
    )
    .option(
      '--unused-for <duration>',
      'the identity and every credential unused for at least e.g. 90d (unknown last use is not matched)',
    )
    .action(async (options) => {
      const format = parseFormat(options.format);
      const filter = parseInventoryFilter(options);
      const risk = parseRiskFilter(options);
      const asOf = options.asOf === undefined ? undefined : parseAsOf(options.asOf);
      const globals = program.opts<GlobalOptions>();
      // Only the risk filters score or tier: a broken settings file does not stand in the way of a plain listing.
      const scoring = needsRiskFacts(risk) ? await loadRiskSettings(globals) : undefined;
      await withStore(globals, async (store) => {
        const now = Date.now();
        const service = createInventoryService({
          store,
          now: () => now,
          lastUse: store.lastUse,
          ...(scoring ? { config: scoring.config, tiers: scoring.tiers } : {}),
        });
        const rows = service.rows({
          ...(options.integration !== undefined ? { integration: String(options.integration) } : {}),
          ...(options.tenant !== undefined ? { tenant: String(options.tenant) } : {}),
          ...(asOf ? { asOf } : {}),
          filter,
          risk,
        });
        await writeInventory(rows, format, now, streamOutput());
      });
    });
}
