// The user's monitoring settings (`$LANYARD_HOME/monitoring.json`, or the file LANYARD_MONITORING_CONFIG names):
// the SIEM sinks events go to and the alert channels, thresholds and fallback addresses. Secrets are never in
// it: tokens, webhook URLs and passwords are named as environment variables, read when the sinks are built.

import type { AlertChannel } from '../alerts/channel.ts';
import { type AlertsConfig, channelsFromConfig, parseAlertsConfig } from '../alerts/config.ts';
import { LanyardError } from '../core/errors.ts';
import { createSink, parseSinkConfigs, type SinkConfig } from '../deliver/index.ts';
import type { EventSink } from '../deliver/sink.ts';
import type { GlobalOptions } from './runtime.ts';
import { invalidFile, parseSettingsObject, readSettingsFile } from './settings-file.ts';

export const MONITORING_SETTINGS_ENV = 'LANYARD_MONITORING_CONFIG';
const MONITORING_FILE = { fileName: 'monitoring.json', envName: MONITORING_SETTINGS_ENV };
const SECTIONS = ['sinks', 'alerts'];

export interface MonitoringSettings {
  sinks: SinkConfig[];
  alerts: AlertsConfig | null;
  path: string;
  fromFile: boolean;
}

export function parseMonitoringSettings(
  text: string,
  path: string,
): Pick<MonitoringSettings, 'sinks' | 'alerts'> {
  const settings = parseSettingsObject(text, path, '{ "sinks": [ ... ], "alerts": { ... } }');
  for (const key of Object.keys(settings)) {
    if (!SECTIONS.includes(key))
      invalidFile(path, `"${key}" is not a section (known: ${SECTIONS.join(', ')})`);
  }
  try {
    return {
      sinks: settings.sinks === undefined ? [] : parseSinkConfigs(settings.sinks),
      alerts: settings.alerts === undefined ? null : parseAlertsConfig(settings.alerts),
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
  if (text === undefined) return { sinks: [], alerts: null, path, fromFile: false };
  return { ...parseMonitoringSettings(text, path), path, fromFile: true };
}

/** The sinks and channels the settings describe, their secrets read from the environment now (named when unset). */
export async function buildMonitoring(
  settings: Pick<MonitoringSettings, 'sinks' | 'alerts'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ sinks: EventSink[]; channels: AlertChannel[] }> {
  // Azure Monitor sends as the identity @azure/identity finds (managed identity, workload identity federation,
  // az login): no secret of Lanyard's own. Loaded only when such a sink is configured.
  const needsAzure = settings.sinks.some((sink) => sink.type === 'azure-monitor');
  const credential = needsAzure ? new (await import('@azure/identity')).DefaultAzureCredential() : undefined;
  return {
    sinks: settings.sinks.map((config) => createSink(config, { env, ...(credential ? { credential } : {}) })),
    channels: settings.alerts ? channelsFromConfig(settings.alerts, env) : [],
  };
}
