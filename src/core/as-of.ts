// Parses `--as-of`: a scan id (a number) or a date/time (ISO 8601), meaning "what was true then".
import { InvalidInput } from './errors.ts';

export type AsOf = { scanId: number } | { date: Date };

export function parseAsOf(text: string): AsOf {
  const value = text.trim();
  if (/^\d{1,15}$/.test(value)) return { scanId: Number(value) };
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    // A bare date means the end of that day: everything scanned on it counts.
    const date = new Date(value.length === 10 ? `${value}T23:59:59.999Z` : value);
    if (!Number.isNaN(date.getTime())) return { date };
  }
  throw new InvalidInput(`--as-of "${text}" is neither a scan id nor a date`, {
    fix: 'give a scan id from `lanyard integration show <name>` or a date like 2026-11-01 or 2026-11-01T12:00Z',
  });
}
