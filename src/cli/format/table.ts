// Plain aligned text tables for terminals; every cell is neutralised and long cells are shortened.
import { inertShort } from '../../core/inert-text.ts';

export function renderTable(headers: string[], rows: Array<Array<string | number>>, maxWidth = 48): string {
  const cells = rows.map((row) => row.map((cell) => inertShort(String(cell), maxWidth)));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}
