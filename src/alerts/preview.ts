// Where the alerts would go, with no mail server or webhook: for `lanyard demo` and for trying thresholds
// out. Every due alert lands in a local inbox file (JSON lines); a few are printed in full, the rest summed up.
import { type Alert, type AlertInput, dueAlerts } from '../core/alerts.ts';
import { inert } from '../core/inert-text.ts';
import { consoleChannel } from './channels/console.ts';
import { inboxFileChannel } from './channels/inbox-file.ts';
import { type DispatchSummary, dispatchAlerts } from './dispatch.ts';
import { type AlertLedger, MemoryAlertLedger } from './ledger.ts';

export interface PreviewOptions {
  input: Omit<AlertInput, 'alreadySent'>;
  /** The inbox file every alert is appended to. */
  inboxPath: string;
  write: (text: string) => void;
  /** Alerts printed in full; the others are in the inbox file only. Default 3. */
  printed?: number;
  /** Keeps what was sent between previews; a fresh in-memory one by default. */
  ledger?: AlertLedger;
}

export interface PreviewResult {
  alerts: Alert[];
  summary: DispatchSummary;
}

function tally(alerts: readonly Alert[]): string {
  const byThreshold = new Map<number, number>();
  let findings = 0;
  for (const alert of alerts) {
    const threshold = alert.credential?.threshold;
    if (alert.kind === 'credential-expiry' && threshold !== undefined) {
      byThreshold.set(threshold, (byThreshold.get(threshold) ?? 0) + 1);
    } else findings += 1;
  }
  const parts = [...byThreshold.entries()]
    .sort(([a], [b]) => b - a)
    .map(([threshold, count]) => `${count} at the ${threshold}-day threshold`);
  if (findings) parts.push(`${findings} high or critical finding${findings === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Computes the due alerts, appends them all to the inbox file, prints a summary and the first few. */
export async function previewAlerts(options: PreviewOptions): Promise<PreviewResult> {
  const ledger = options.ledger ?? new MemoryAlertLedger();
  const alerts = dueAlerts({ ...options.input, alreadySent: new Set() });
  const inbox = inboxFileChannel({ path: options.inboxPath });
  const summary = await dispatchAlerts({ alerts, channels: [inbox], ledger });
  const sent = new Set(summary.delivered);
  const fresh = alerts.filter((alert) => sent.has(alert.key));
  const { write } = options;
  if (!alerts.length) {
    write('Alerts: none due (no secret or certificate within the thresholds, no new high finding).\n');
    return { alerts, summary };
  }
  const mailboxes = new Set(fresh.flatMap((alert) => alert.recipients));
  const unaddressed = fresh.filter((alert) => !alert.recipients.length).length;
  write(
    `Alerts: ${fresh.length} due (${tally(fresh)}), for ${mailboxes.size} mailbox${mailboxes.size === 1 ? '' : 'es'}` +
      `${unaddressed ? `; ${unaddressed} with nobody to mail (webhook channels only)` : ''}.\n`,
  );
  const failed = summary.channels.flatMap((channel) => channel.failed);
  if (failed.length) write(`  Not written: ${inert(failed[0]!.reason)}\n`);
  const shown = fresh.slice(0, options.printed ?? 3);
  const indent = (text: string) =>
    text
      .split('\n')
      .map((line) => (line ? `  ${line}` : line))
      .join('\n');
  const printer = consoleChannel({ write: (text) => write(indent(text)) });
  await printer.send(shown);
  write(`  Every alert is in the local inbox ${inert(options.inboxPath)} (one JSON line each).\n`);
  return { alerts, summary };
}
