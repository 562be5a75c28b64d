// The user's monitoring settings (`$LANYARD_HOME/monitoring.json`, or the file LANYARD_MONITORING_CONFIG names):
// the SIEM sinks events go to, the alert channels, thresholds and fallback addresses, and what makes a burst of
// failed sign-ins (`signIns`). Secrets are never in
// it: tokens, webhook URLs and passwords are named as environment variables, read when the sinks are built.

import type { AlertChannel } from '../alerts/channel.ts';
import { type AlertsConfig, channelsFromConfig, parseAlertsConfig } from '../alerts/config.ts';
import { InvalidInput, LanyardError } from '../core/errors.ts';
import {
  DEFAULT_SIGN_IN_DETECTION,
  invalidDetectionSettings,
  type SignInDetectionSettings,
} from '../core/sign-in-ranges.ts';
import { createSink, parseSinkConfigs, type SinkConfig } from '../deliver/index.ts';
import type { EventSink } from '../deliver/sink.ts';
import type { GlobalOptions } from './runtime.ts';
import { invalidFile, parseSettingsObject, readSettingsFile } from './settings-file.ts';

export const MONITORING_SETTINGS_ENV = 'LANYARD_MONITORING_CONFIG';
const MONITORING_FILE = { fileName: 'monitoring.json', envName: MONITORING_SETTINGS_ENV };
const SECTIONS = ['sinks', 'alerts', 'signIns'];

export interface MonitoringSettings {
  sinks: SinkConfig[];
  alerts: AlertsConfig | null;
  /** Failure bursts of `signin.suspicious` (default: 10 failures within 10 minutes); null: the defaults. */
  signIns: SignInDetectionSettings | null;
  path: string;
  fromFile: boolean;
}

export function parseMonitoringSettings(
  text: string,
  path: string,
): Pick<MonitoringSettings, 'sinks' | 'alerts' | 'signIns'> {
  const settings = parseSettingsObject(text, path, '{ "sinks": [ ... ], "alerts": { ... } }');
  for (const key of Object.keys(settings)) {
    if (!SECTIONS.includes(key))
      invalidFile(path, `"${key}" is not a section (known: ${SECTIONS.join(', ')})`);
  }
  try {
    return {
      sinks: settings.sinks === undefined ? [] : parseSinkConfigs(settings.sinks),
      alerts: settings.alerts === undefined ? null : parseAlertsConfig(settings.alerts),
      signIns: settings.signIns === undefined ? null : parseSignInDetection(settings.signIns),
    };
  } catch (error) {
    if (!(error instanceof LanyardError)) throw error;
    return invalidFile(path, error.message, { ...(error.fix ? { fix: error.fix } : {}), cause: error });
  }
}

export async function loadMonitoringSettings(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<MonitoringSettings> {
  const { path, text } = await readSettingsFile(MONITORING_FILE, options, env);
  if (text === undefined) return { sinks: [], alerts: null, signIns: null, path, fromFile: false };
  return { ...parseMonitoringSettings(text, path), path, fromFile: true };
}

/** `{ "burstFailures": 10, "burstWindowMinutes": 10 }`, either key optional. */
function parseSignInDetection(value: unknown): SignInDetectionSettings {
  const fix = { fix: 'e.g. "signIns": { "burstFailures": 10, "burstWindowMinutes": 10 }' };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidInput('"signIns" must be an object', fix);
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_SIGN_IN_DETECTION))
      throw new InvalidInput(
        `"signIns.${key}" is not a setting (known: burstFailures, burstWindowMinutes)`,
        fix,
      );
  }
  const settings = { ...DEFAULT_SIGN_IN_DETECTION, ...given } as SignInDetectionSettings;
  const invalid = invalidDetectionSettings(settings);
  if (invalid) throw new InvalidInput(`"signIns": ${invalid}`, fix);
  return settings;
}

/**
 * The sinks and channels the settings describe, their secrets read from the environment now (named when unset),
 * and the sign-in rules, passed on as they are.
 */
export async function buildMonitoring(
  settings: Pick<MonitoringSettings, 'sinks' | 'alerts'> & { signIns?: SignInDetectionSettings | null },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ sinks: EventSink[]; channels: AlertChannel[]; signIns?: SignInDetectionSettings }> {
  // Azure Monitor sends as the identity @azure/identity finds (managed identity, workload identity federation,
  // az login): no secret of Lanyard's own. Loaded only when such a sink is configured.
  const needsAzure = settings.sinks.some((sink) => sink.type === 'azure-monitor');
  const credential = needsAzure ? new (await import('@azure/identity')).DefaultAzureCredential() : undefined;
  return {
    sinks: settings.sinks.map((config) => createSink(config, { env, ...(credential ? { credential } : {}) })),
    channels: settings.alerts ? channelsFromConfig(settings.alerts, env) : [],
    ...(settings.signIns ? { signIns: settings.signIns } : {}),
  };
}
