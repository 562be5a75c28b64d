// Parses the short durations users type on the command line ("30d", "12h", "2w").
import { InvalidInput } from './errors.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (!match) {
    throw new InvalidInput(`"${text}" is not a duration`, {
      fix: 'write a number and a unit: 45m, 12h, 30d or 2w',
    });
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
