// Writes an inventory in the format the user asked for: table, json, ndjson or csv.

import { InvalidInput } from '../../core/errors.ts';
import { csvCell, inertJson } from '../../core/inert-text.ts';
import type { Identity } from '../../core/inventory.ts';
import { ROW_COLUMNS, toRow } from './identity-rows.ts';
import { renderTable } from './table.ts';

export const FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new InvalidInput(`unknown format "${value}"`, { fix: `use --format ${FORMATS.join('|')}` });
  }
  return value as Format;
}

export function renderInventory(identities: Identity[], format: Format, now: number): string {
  switch (format) {
    case 'json':
      return inertJson(identities, 2);
    case 'ndjson':
      return identities.map((identity) => inertJson(identity)).join('\n');
    case 'csv': {
      const header = ROW_COLUMNS.map((c) => c.key).join(',');
      const lines = identities.map((identity) => {
        const row = toRow(identity, now);
        return ROW_COLUMNS.map((c) => csvCell(row[c.key])).join(',');
      });
      return [header, ...lines].join('\n');
    }
    case 'table': {
      const rows = identities.map((identity) => {
        const row = toRow(identity, now);
        return ROW_COLUMNS.map((c) => row[c.key]);
      });
      return `${renderTable(
        ROW_COLUMNS.map((c) => c.title),
        rows,
      )}\n\n${identities.length} identities`;
    }
  }
}
