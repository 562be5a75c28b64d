// The user's risk settings file: scoring weights and thresholds, and tier overrides, read by every command that
// scores or tiers, so `risk`, `inventory --risk/--tier` and `identity` all agree. The core validates them.
import { LanyardError } from '../core/errors.ts';
import { type RiskConfig, resolveRiskConfig } from '../core/risk/config.ts';
import { parseTierTable, type TierOverrides } from '../core/tiers/tier-table.ts';
import type { GlobalOptions } from './runtime.ts';
import { invalidFile, parseSettingsObject, readSettingsFile, settingsPath } from './settings-file.ts';

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
const RISK_FILE = { fileName: 'risk.json', envName: RISK_SETTINGS_ENV };

/** LANYARD_RISK_CONFIG (relative to the working directory) if set, else risk.json in LANYARD_HOME. */
export function riskSettingsPath(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): { path: string; chosen: boolean } {
  return settingsPath(RISK_FILE, options, env);
}

/** The file's text as scoring config and tier overrides; InvalidInput names the file and the entry at fault. */
export function parseRiskSettings(text: string, path: string): Pick<RiskSettings, 'config' | 'tiers'> {
  const settings = parseSettingsObject(text, path, '{ "scoring": { ... }, "tiers": { ... } }');
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
  const { path, text } = await readSettingsFile(RISK_FILE, options, env);
  if (text === undefined) return { config: resolveRiskConfig(), tiers: {}, path, fromFile: false };
  return { ...parseRiskSettings(text, path), path, fromFile: true };
}
