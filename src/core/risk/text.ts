// Plain-English pieces of factor texts: spans of days, dates, credential names. Pure: `now` is always passed in.
import type { Credential, CredentialType } from '../inventory.ts';

const DAY_MS = 86_400_000;

/** A date from Graph's ISO text; null when absent or unreadable (an unreadable date is not "no date"). */
export function parseDate(text: string | null | undefined): Date | null {
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Whole days from `from` to `to`; negative when `to` is earlier. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** The calendar day in UTC, as users read it in reports: 2026-10-01. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** "less than a day", "5 days", "3 months", "1 year", "3 years": precise when near, rounded down when far. */
export function describeDays(days: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (days < 1) return 'less than a day';
  if (days < 61) return plural(days, 'day');
  if (days < 365) return plural(Math.floor(days / 30.44), 'month');
  return plural(Math.floor(days / 365), 'year');
}

const TYPE_LABELS: Record<CredentialType, string> = {
  secret: 'client secret',
  certificate: 'certificate',
  federated: 'federated credential',
};

/** 'client secret', or 'client secret "deploy"' when it has a name, so an identity's factors tell credentials apart. */
export function credentialLabel(credential: Credential): string {
  const type = TYPE_LABELS[credential.type];
  const name = credential.displayName ?? credential.name ?? null;
  return name ? `${type} "${name}"` : type;
}
