// Alerts printed: what each says and where it would go. For the demo and for trying a configuration out
// before any mail server or webhook is set up.
import type { Alert } from '../../core/alerts.ts';
import { inert } from '../../core/inert-text.ts';
import { type AlertChannel, alertFacts, type SendResult } from '../channel.ts';

export interface ConsoleChannelOptions {
  /** Default `console`. */
  name?: string;
  /** Where the text goes; standard output by default. */
  write?: (text: string) => void;
}

export interface ConsoleChannelConfig {
  type: 'console';
  name?: string;
}

/** One alert as printed lines: recipients first, then subject, message and facts. Terminal-safe. */
export function formatAlert(alert: Alert): string {
  const to = alert.recipients.length
    ? alert.recipients.join(', ')
    : '(nobody by email: webhook channels only)';
  const lines = [
    `[${alert.severity.toUpperCase()}] ${inert(alert.subject)}`,
    `  To: ${to}`,
    ...alert.message.split('\n').map((line) => `  ${inert(line)}`),
    ...alertFacts(alert)
      .filter((fact) => fact.label !== 'Emailed to')
      .map((fact) => `  ${fact.label}: ${fact.value}`),
    `  Alert: ${inert(alert.key)}`,
  ];
  return `${lines.join('\n')}\n`;
}

export function consoleChannel(options: ConsoleChannelOptions = {}): AlertChannel {
  const name = options.name ?? 'console';
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  return {
    name,
    async send(alerts): Promise<SendResult> {
      for (const alert of alerts) write(`${formatAlert(alert)}\n`);
      return { accepted: alerts.map((alert) => alert.key), failed: [], skipped: [] };
    },
  };
}
