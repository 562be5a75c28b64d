// Streams an inventory listing in the format the user asked for, row by row: JSON and CSV as they arrive,
// a table aligned on its first rows. Every row names its integration.
import { csvCell, inertJson, inertShort } from '../../core/inert-text.ts';
import type { InventoryRow } from '../../store/index.ts';
import type { Output } from '../output.ts';
import { ROW_COLUMNS, toRow } from './identity-rows.ts';
import type { Format } from './inventory-output.ts';

/** Rows a table measures its column widths on; later rows are cut to those widths. */
const TABLE_SAMPLE = 500;
const MAX_CELL = 48;

/** An identity as JSON: its own fields, led by the integration it belongs to. */
const jsonRow = ({ integration, identity }: InventoryRow) => ({
  integration: { name: integration.name, tenantId: integration.tenantId },
  ...identity,
});

const tableCells = (row: InventoryRow, now: number): string[] => {
  const cells = toRow(row.identity, now);
  return [row.integration.name, ...ROW_COLUMNS.map((c) => String(cells[c.key]))];
};

/** Writes the rows; returns how many were written (fewer when the reader went away). */
export async function writeInventory(
  rows: AsyncIterable<InventoryRow>,
  format: Format,
  now: number,
  out: Output,
): Promise<number> {
  let count = 0;
  switch (format) {
    case 'ndjson':
      for await (const row of rows) {
        if (!(await out.write(`${inertJson(jsonRow(row))}\n`))) return count;
        count++;
      }
      return count;
    case 'json':
      for await (const row of rows) {
        const element = inertJson(jsonRow(row), 2).replace(/\n/g, '\n  ');
        if (!(await out.write(`${count === 0 ? '[\n  ' : ',\n  '}${element}`))) return count;
        count++;
      }
      await out.write(count === 0 ? '[]\n' : '\n]\n');
      return count;
    case 'csv': {
      const header = ['integration', 'tenantId', ...ROW_COLUMNS.map((c) => c.key)].join(',');
      if (!(await out.write(`${header}\n`))) return count;
      for await (const row of rows) {
        const cells = toRow(row.identity, now);
        const line = [row.integration.name, row.integration.tenantId, ...ROW_COLUMNS.map((c) => cells[c.key])]
          .map(csvCell)
          .join(',');
        if (!(await out.write(`${line}\n`))) return count;
        count++;
      }
      return count;
    }
    case 'table': {
      const headers = ['INTEGRATION', ...ROW_COLUMNS.map((c) => c.title)];
      const sample: string[][] = [];
      let widths: number[] | null = null;
      const line = (cells: string[]) =>
        cells
          .map((cell, i) => inertShort(cell, widths![i]!).padEnd(widths![i]!))
          .join('  ')
          .trimEnd();
      const flush = async (): Promise<boolean> => {
        widths = headers.map((header, i) =>
          Math.max(
            header.length,
            ...sample.map((cells) => Math.min(MAX_CELL, inertShort(cells[i] ?? '', MAX_CELL).length)),
          ),
        );
        const text = [line(headers), ...sample.map(line)].join('\n');
        return out.write(`${text}\n`);
      };
      for await (const row of rows) {
        count++;
        if (widths === null) {
          sample.push(tableCells(row, now));
          if (sample.length >= TABLE_SAMPLE && !(await flush())) return count;
          continue;
        }
        if (!(await out.write(`${line(tableCells(row, now))}\n`))) return count;
      }
      if (widths === null && !(await flush())) return count;
      await out.write(`\n${count} identities\n`);
      return count;
    }
  }
}
