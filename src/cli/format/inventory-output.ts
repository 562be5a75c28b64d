// The output formats of an inventory listing (written row by row by inventory-stream.ts).
import { InvalidInput } from '../../core/errors.ts';

export const FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new InvalidInput(`unknown format "${value}"`, { fix: `use --format ${FORMATS.join('|')}` });
  }
  return value as Format;
}
