// Alerts by email over SMTP (nodemailer): one message per recipient with all of that recipient's alerts, as
// plain text and as simple HTML. Tenant-controlled values are neutralised for the text part and HTML-escaped
// for the HTML part; recipients are only addresses that passed looksLikeAddress (src/core/alerts.ts), given
// to nodemailer as addresses, never parsed from a display string.
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import {
  type Alert,
  digestSubject,
  groupByRecipient,
  looksLikeAddress,
  summarize,
} from '../../core/alerts.ts';
import { InvalidInput } from '../../core/errors.ts';
import { inert, inertShort } from '../../core/inert-text.ts';
import {
  type AlertChannel,
  alertFacts,
  emptyResult,
  redact,
  type SendResult,
  secretFromEnv,
} from '../channel.ts';

export interface EmailChannelOptions {
  /** Default `email`. */
  name?: string;
  host: string;
  port: number;
  /** TLS from the first byte (port 465); false: plain, upgraded with STARTTLS when the server offers it. */
  secure: boolean;
  /** Refuse to send unless STARTTLS succeeds (recommended with `secure: false` outside a test). */
  requireTLS?: boolean;
  /** Never upgrade with STARTTLS: for a local test server only. */
  ignoreTLS?: boolean;
  /** The password is a secret: it appears in no error and no log. */
  auth?: { user: string; password: string };
  /** The sender's address, e.g. lanyard@contoso.com. */
  from: string;
  /** The sender's name shown to recipients. Default "Lanyard". */
  fromName?: string;
  timeoutMs?: number;
}

/** How the config names it: the password comes from an environment variable. */
export interface EmailChannelConfig extends Omit<EmailChannelOptions, 'auth'> {
  type: 'email';
  auth?: { user: string; passwordEnv: string };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** For HTML text and attribute values: neutralised, then the five significant characters as entities. */
export function escapeHtml(text: string): string {
  return inert(text).replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const footer = (alerts: readonly Alert[]) => {
  const integrations = [...new Set(alerts.map((alert) => alert.integration.name))].join(', ');
  return (
    'You receive this because you own these identities in Microsoft Entra ID, or because you are the alert ' +
    `contact of the Lanyard integration (${integrations}) for identities with no owner to mail.`
  );
};

/**
 * The message for one recipient: all of their alerts, most severe first (as dueAlerts orders them); as the
 * daily digest when `digestCutoff` is given.
 */
export function emailMessage(recipient: string, alerts: readonly Alert[], digestCutoff?: Date): EmailMessage {
  const subject = digestCutoff
    ? `[Lanyard] ${digestSubject(digestCutoff, alerts)}`
    : alerts.length === 1
      ? `[Lanyard] ${alerts[0]!.subject}`
      : `[Lanyard] ${summarize(alerts)}`;
  const intro = `Lanyard has ${alerts.length === 1 ? 'an alert' : `${alerts.length} alerts`} about workload identities you are responsible for.`;
  const textParts = [intro, ''];
  const htmlParts = [
    '<!doctype html><html><body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px">',
    `<p>${escapeHtml(intro)}</p>`,
  ];
  alerts.forEach((alert, index) => {
    const facts = alertFacts(alert);
    textParts.push(`${index + 1}. ${alert.subject}`);
    for (const line of alert.message.split('\n')) textParts.push(`   ${inert(line)}`);
    for (const fact of facts) textParts.push(`   ${fact.label}: ${fact.value}`);
    textParts.push(`   Alert: ${inert(alert.key)}`, '');
    htmlParts.push(
      `<h3 style="margin:16px 0 4px">${escapeHtml(alert.subject)}</h3>`,
      ...alert.message.split('\n').map((line) => `<p style="margin:4px 0">${escapeHtml(line)}</p>`),
      '<table style="border-collapse:collapse">',
      ...facts.map(
        (fact) =>
          `<tr><th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top">${escapeHtml(fact.label)}</th><td style="padding:2px 0">${escapeHtml(fact.value)}</td></tr>`,
      ),
      `<tr><th style="text-align:left;padding:2px 12px 2px 0">Alert</th><td style="padding:2px 0;color:#666">${escapeHtml(alert.key)}</td></tr>`,
      '</table>',
    );
  });
  textParts.push('--', footer(alerts));
  htmlParts.push(`<hr><p style="color:#666;font-size:12px">${escapeHtml(footer(alerts))}</p></body></html>`);
  return {
    to: recipient,
    subject: inertShort(subject, 200),
    text: `${textParts.join('\n')}\n`,
    html: htmlParts.join('\n'),
  };
}

function smtpReason(error: unknown, secrets: readonly (string | undefined)[]): string {
  const e = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'error';
  const status = typeof e.responseCode === 'number' ? ` ${e.responseCode}` : '';
  const message = typeof e.message === 'string' ? `: ${inertShort(redact(e.message, secrets), 200)}` : '';
  return `SMTP ${code}${status}${message}`;
}

export function emailChannel(options: EmailChannelOptions): AlertChannel {
  const name = options.name ?? 'email';
  if (!looksLikeAddress(options.from)) {
    throw new InvalidInput(`the ${name} channel's "from" is not an email address`, {
      fix: 'give the sender address alone, e.g. "from": "lanyard@contoso.com", and its name in "fromName"',
      field: 'from',
    });
  }
  const timeout = options.timeoutMs ?? 30_000;
  const secrets = [options.auth?.password];
  const transportOptions: SMTPTransport.Options = {
    host: options.host,
    port: options.port,
    secure: options.secure,
    ...(options.requireTLS ? { requireTLS: true } : {}),
    ...(options.ignoreTLS ? { ignoreTLS: true } : {}),
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.password } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // The messages are Lanyard's own: nothing in them may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  };
  const transport = nodemailer.createTransport(transportOptions);
  const from = { name: options.fromName ?? 'Lanyard', address: options.from };
  return {
    name,
    async send(alerts, sendOptions = {}): Promise<SendResult> {
      const result = emptyResult();
      const failedKeys = new Map<string, string>();
      for (const { recipient, alerts: mine } of groupByRecipient(alerts)) {
        let failure: string | null = null;
        if (!looksLikeAddress(recipient)) {
          failure = 'a recipient is not an email address';
          for (const alert of mine) if (!failedKeys.has(alert.key)) failedKeys.set(alert.key, failure);
          continue;
        }
        const message = emailMessage(recipient, mine, sendOptions.digestCutoff);
        try {
          const info = await transport.sendMail({
            from,
            to: [{ name: '', address: recipient }],
            subject: message.subject,
            text: message.text,
            html: message.html,
            headers: {
              // RFC 3834: an automatic message; Exchange: send no out-of-office replies to it.
              'Auto-Submitted': 'auto-generated',
              'X-Auto-Response-Suppress': 'All',
            },
          });
          if (info.rejected.length) failure = `the SMTP server refused the recipient ${recipient}`;
        } catch (error) {
          failure = smtpReason(error, secrets);
        }
        if (failure)
          for (const alert of mine) if (!failedKeys.has(alert.key)) failedKeys.set(alert.key, failure);
      }
      // An alert counts as delivered by email once every one of its recipients' messages was accepted.
      for (const alert of alerts) {
        const failure = failedKeys.get(alert.key);
        if (failure !== undefined) result.failed.push({ key: alert.key, reason: failure });
        else if (alert.recipients.length) result.accepted.push(alert.key);
        else result.skipped.push(alert.key);
      }
      return result;
    },
    async close() {
      transport.close();
    },
  };
}

export function emailChannelFromConfig(
  config: EmailChannelConfig,
  env: Readonly<Record<string, string | undefined>>,
): AlertChannel {
  return emailChannel({
    ...(config.name ? { name: config.name } : {}),
    host: config.host,
    port: config.port,
    secure: config.secure,
    ...(config.requireTLS !== undefined ? { requireTLS: config.requireTLS } : {}),
    ...(config.ignoreTLS !== undefined ? { ignoreTLS: config.ignoreTLS } : {}),
    ...(config.auth
      ? {
          auth: {
            user: config.auth.user,
            password: secretFromEnv(config.auth.passwordEnv, env, 'SMTP password'),
          },
        }
      : {}),
    from: config.from,
    ...(config.fromName ? { fromName: config.fromName } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  });
}
