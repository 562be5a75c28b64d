// Display names for generated objects: the shapes real tenants show, and the hostile ones a tool must survive.
import type { Random } from './random.ts';
import {
  COMPONENTS,
  ENVIRONMENTS,
  GIVEN_NAMES,
  REPOS,
  SERVICES,
  SURNAMES,
  TEAM_THINGS,
  TEAMS,
} from './vocabulary.ts';

const APP_NAME_WEIGHTS = [35, 12, 15, 8, 10, 8, 7, 5];

/** A realistic app registration name, and a short slug of what it is about (used for repos and CNs). */
export function appName(rng: Random, createdMs: number): { displayName: string; slug: string } {
  const service = rng.pick(SERVICES);
  const env = rng.pick(ENVIRONMENTS);
  switch (rng.weighted(APP_NAME_WEIGHTS)) {
    case 0:
      return { displayName: `${service}-${rng.pick(COMPONENTS)}-${env}`, slug: service };
    case 1: {
      const repo = rng.chance(0.5) ? rng.pick(REPOS) : service;
      return { displayName: `GitHub Actions deploy - ${repo}`, slug: repo };
    }
    case 2: {
      const thing = rng.pick(TEAM_THINGS);
      return { displayName: `${rng.pick(TEAMS)} ${thing}`, slug: thing.toLowerCase().replace(/ /g, '-') };
    }
    case 3: {
      // `az ad sp create-for-rbac` without --name: the creation time in the name.
      const stamp = new Date(createdMs).toISOString().slice(0, 19).replace(/[T:]/g, '-');
      return { displayName: `azure-cli-${stamp}`, slug: 'azure-cli' };
    }
    case 4:
      return { displayName: `sp-${service}-${env}`, slug: service };
    case 5:
      return { displayName: `terraform-${env}-${service}`, slug: `terraform-${service}` };
    case 6:
      return { displayName: `${service} ${rng.pick(COMPONENTS)} (${env.toUpperCase()})`, slug: service };
    default:
      return { displayName: `app-${service}-${rng.bytes(2).toString('hex')}`, slug: service };
  }
}

export function personName(rng: Random): { givenName: string; surname: string } {
  return { givenName: rng.pick(GIVEN_NAMES), surname: rng.pick(SURNAMES) };
}

/** UPN local part: ASCII, lower case, no apostrophes, as directory sync tools usually produce. */
export function upnLocalPart(givenName: string, surname: string): string {
  return `${givenName}.${surname}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9.]/g, '')
    .toLowerCase();
}

/** Graph caps displayName at 256 characters; this one is 10,000 on purpose, to test robustness. */
export const LONG_NAME = `long-name-${'0123456789'.repeat(999)}`;

/**
 * Names that break terminals, logs, CSV exports and spreadsheets: ANSI escapes, a right-to-left override,
 * a newline, formula injection, quotes and commas, zero-width characters, and an over-long name.
 */
export const HOSTILE_APP_NAMES: readonly string[] = [
  '\u001b[31mred\u001b[0m-alert-api',
  'invoice-\u202Efdp.exe',
  'line-one\nline-two worker',
  '=HYPERLINK("https://attacker.example/x","Click me")',
  "+cmd|' /C calc'!A0",
  'Finance "Quarterly", Reports, Export',
  'zero\u200Bwidth\u200Dname \u{1F680}',
  LONG_NAME,
];

export const HOSTILE_USER_NAMES: readonly string[] = [
  '\u001b[1;32mGreen\u001b[0m Admin',
  'Mallory \u202Eredro',
  "=cmd|' /C calc'!A0",
  'Doe, "Johnny"',
  'Multi\nLine User',
];
