// The demo's "inbox": each alert appended to a local file as one JSON line, with where it would have gone.
// No mail server, no webhook: `tail -f` the file, or read it with any JSON-lines tool.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert } from '../../core/alerts.ts';
import { inertJson } from '../../core/inert-text.ts';
import { type AlertChannel, emptyResult, type SendResult } from '../channel.ts';

export interface InboxFileChannelOptions {
  /** Default `inbox`. */
  name?: string;
  path: string;
  /** When each line says it was delivered; the clock by default. */
  now?: () => Date;
}

export interface InboxFileChannelConfig {
  type: 'inbox-file';
  name?: string;
  path: string;
}

/** One line of the inbox file. */
export interface InboxLine {
  deliveredAt: string;
  key: string;
  kind: Alert['kind'];
  severity: Alert['severity'];
  /** Who would get the mail; empty: nobody by email, the webhook channels only. */
  to: string[];
  subject: string;
  message: string;
  integration: Alert['integration'];
  identity: Alert['identity'];
  credential?: Alert['credential'];
  finding?: Alert['finding'];
  alsoMark: string[];
}

export function inboxLine(alert: Alert, deliveredAt: Date): InboxLine {
  return {
    deliveredAt: deliveredAt.toISOString(),
    key: alert.key,
    kind: alert.kind,
    severity: alert.severity,
    to: alert.recipients,
    subject: alert.subject,
    message: alert.message,
    integration: alert.integration,
    identity: alert.identity,
    ...(alert.credential ? { credential: alert.credential } : {}),
    ...(alert.finding ? { finding: alert.finding } : {}),
    alsoMark: alert.alsoMark,
  };
}

export function inboxFileChannel(options: InboxFileChannelOptions): AlertChannel {
  const name = options.name ?? 'inbox';
  const now = options.now ?? (() => new Date());
  return {
    name,
    async send(alerts): Promise<SendResult> {
      const result = emptyResult();
      if (!alerts.length) return result;
      const at = now();
      // inertJson: a display name cannot break a line or hide characters from whoever reads the file.
      const text = alerts.map((alert) => `${inertJson(inboxLine(alert, at))}\n`).join('');
      try {
        await mkdir(dirname(options.path), { recursive: true, mode: 0o700 });
        // One append for the batch: the lines land together or not at all (short of a full disk).
        await appendFile(options.path, text, { encoding: 'utf8', mode: 0o600 });
        result.accepted.push(...alerts.map((alert) => alert.key));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const reason = `could not append to the inbox file: ${typeof code === 'string' ? code : 'write failed'}`;
        result.failed.push(...alerts.map((alert) => ({ key: alert.key, reason })));
      }
      return result;
    },
  };
}
