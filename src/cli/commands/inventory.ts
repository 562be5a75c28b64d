// `lanyard inventory`: every identity of the latest (or an earlier) scan, filtered and formatted.
import type { Command } from 'commander';
import { parseAsOf } from '../../core/as-of.ts';
import { parseDuration } from '../../core/duration.ts';
import { InvalidInput } from '../../core/errors.ts';
import type { CredentialType, Publisher } from '../../core/inventory.ts';
import type { IdentityTypeFilter, InventoryFilter } from '../../core/inventory-query.ts';
import { createInventoryService } from '../../services/inventory-service.ts';
import { parseFormat } from '../format/inventory-output.ts';
import { writeInventory } from '../format/inventory-stream.ts';
import { streamOutput } from '../output.ts';
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
    .action(async (options) => {
      const format = parseFormat(options.format);
      const filter = parseInventoryFilter(options);
      const asOf = options.asOf === undefined ? undefined : parseAsOf(options.asOf);
      await withStore(program.opts<GlobalOptions>(), async (store) => {
        const now = Date.now();
        const service = createInventoryService({ store, now: () => now });
        const rows = service.rows({
          ...(options.integration !== undefined ? { integration: String(options.integration) } : {}),
          ...(options.tenant !== undefined ? { tenant: String(options.tenant) } : {}),
          ...(asOf ? { asOf } : {}),
          filter,
        });
        await writeInventory(rows, format, now, streamOutput());
      });
    });
}
