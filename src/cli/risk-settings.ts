// The user's risk settings file: scoring weights and thresholds, and tier overrides, read by every command that
// scores or tiers, so `risk`, `inventory --risk/--tier` and `identity` all agree. The core validates them.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInput, LanyardError } from '../core/errors.ts';
import { type RiskConfig, resolveRiskConfig } from '../core/risk/config.ts';
import { parseTierTable, type TierOverrides } from '../core/tiers/tier-table.ts';
import { type GlobalOptions, lanyardHome } from './runtime.ts';

export const RISK_SETTINGS_ENV = 'LANYARD_RISK_CONFIG';

export interface RiskSettings {
  /** The scoring configuration, defaults filled in. */
  config: RiskConfig;
  /** The user's tier overrides only: the built-in tiers are not repeated here. */
  tiers: TierOverrides;
  /** Where the file was looked for, and whether one was there (else the defaults apply). */
  path: string;
  fromFile: boolean;
}

const SECTIONS = ['scoring', 'tiers'];

/** LANYARD_RISK_CONFIG (relative to the working directory) if set, else risk.json in LANYARD_HOME. */
export function riskSettingsPath(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): { path: string; chosen: boolean } {
  const chosen = env[RISK_SETTINGS_ENV]?.trim();
  if (chosen) return { path: resolve(chosen), chosen: true };
  return { path: join(lanyardHome(options), 'risk.json'), chosen: false };
}

function invalidFile(path: string, problem: string, options: { fix?: string; cause?: unknown } = {}): never {
  throw new InvalidInput(`${path}: ${problem}`, {
    fix: options.fix ?? 'correct the file, or remove the entry to keep the default',
    ...(options.cause ? { cause: options.cause } : {}),
  });
}

/** The file's text as scoring config and tier overrides; InvalidInput names the file and the entry at fault. */
export function parseRiskSettings(text: string, path: string): Pick<RiskSettings, 'config' | 'tiers'> {
  let raw: unknown;
  try {
    // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    invalidFile(path, `not valid JSON (${(error as Error).message})`, {
      fix: 'correct the JSON syntax (keys in double quotes, no trailing commas or comments)',
      cause: error,
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    invalidFile(path, 'must be a JSON object: { "scoring": { ... }, "tiers": { ... } }');
  }
  const settings = raw as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    if (!SECTIONS.includes(key))
      invalidFile(path, `"${key}" is not a section (known: ${SECTIONS.join(', ')})`);
  }
  try {
    return {
      config: resolveRiskConfig(settings.scoring, 'scoring'),
      tiers: settings.tiers === undefined ? {} : parseTierTable(settings.tiers, 'tiers'),
    };
  } catch (error) {
    if (!(error instanceof LanyardError)) throw error;
    return invalidFile(path, error.message, { ...(error.fix ? { fix: error.fix } : {}), cause: error });
  }
}

/**
 * The settings in effect. No file at the default place means the defaults, silently; a file named by
 * LANYARD_RISK_CONFIG must exist, so a mistyped path cannot quietly score with the defaults.
 */
export async function loadRiskSettings(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RiskSettings> {
  const { path, chosen } = riskSettingsPath(options, env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !chosen)
      return { config: resolveRiskConfig(), tiers: {}, path, fromFile: false };
    if (code === 'ENOENT') {
      invalidFile(path, `does not exist (${RISK_SETTINGS_ENV} names it)`, {
        fix: `create it, or unset ${RISK_SETTINGS_ENV} to use ${join(lanyardHome(options), 'risk.json')}`,
        cause: error,
      });
    }
    return invalidFile(path, `cannot be read (${code ?? (error as Error).message})`, {
      fix: 'make it a readable file',
      cause: error,
    });
  }
  return { ...parseRiskSettings(text, path), path, fromFile: true };
}
