// Alerts to a Slack channel through an incoming webhook, as Block Kit messages of a few alerts each.
//
// Every tenant-controlled value goes through Slack's escaping (&, <, > as entities: Slack's whole escaping
// rule), so a display name such as `<!channel>` or `<https://evil|click>` shows as text and pings nobody;
// `verbatim` text objects keep Slack from turning bare URLs and #names into links. Slack mrkdwn has no escape
// for *, _ or ~: a name can make itself bold, nothing more.
import type { Alert } from '../../core/alerts.ts';
import { summarize } from '../../core/alerts.ts';
import { inertShort } from '../../core/inert-text.ts';
import {
  type AlertChannel,
  alertFacts,
  checkWebhookUrl,
  chunk,
  postJson,
  type SendResult,
  secretFromEnv,
  sendBatches,
} from '../channel.ts';

export interface SlackChannelOptions {
  /** Default `slack`; give each of several Slack channels its own. */
  name?: string;
  /** Secret: never logged, never in an error. */
  webhookUrl: string;
  /** Alerts per message (a message holds at most 50 blocks; each alert takes three). Default 10, at most 16. */
  batchSize?: number;
  timeoutMs?: number;
}

/** How the config names it: the webhook URL comes from an environment variable. */
export interface SlackChannelConfig {
  type: 'slack';
  name?: string;
  webhookUrlEnv: string;
  batchSize?: number;
  timeoutMs?: number;
}

/** Slack's escaping for text it parses (mrkdwn and the fallback text): &, < and > only. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped text that fits `max` characters once escaped: cut before escaping, so no entity is split. */
function fit(text: string, max: number): string {
  let room = max;
  for (;;) {
    const escaped = escapeSlack(inertShort(text, room));
    if (escaped.length <= max || room <= 1) return escaped;
    room = Math.max(1, room - (escaped.length - max));
  }
}

const SEVERITY_MARK: Record<Alert['severity'], string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':white_circle:',
};

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });

function alertBlocks(alert: Alert): unknown[] {
  // Section text holds at most 3000 characters, a field 2000, a section 10 fields.
  const text = `${SEVERITY_MARK[alert.severity]} *${fit(alert.subject, 400)}*\n${fit(alert.message, 2400)}`;
  const fields = alertFacts(alert).map((fact) => mrkdwn(`*${fact.label}*\n${fit(fact.value, 1900)}`));
  return [
    { type: 'section', text: mrkdwn(text) },
    { type: 'section', fields: fields.slice(0, 10) },
    { type: 'context', elements: [mrkdwn(`Alert ${fit(alert.key, 250)}`)] },
  ];
}

/** The Block Kit message for a batch of alerts. */
export function slackPayload(alerts: readonly Alert[]): Record<string, unknown> {
  const headline = alerts.length === 1 ? alerts[0]!.subject : `Lanyard: ${summarize(alerts)}`;
  return {
    // The notification text (and what clients without blocks show): parsed too, so escaped as well.
    text: fit(headline, 500),
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: inertShort(`Lanyard: ${summarize(alerts)}`, 150) },
      },
      ...alerts.flatMap(alertBlocks),
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

export function slackChannel(options: SlackChannelOptions): AlertChannel {
  const name = options.name ?? 'slack';
  const url = checkWebhookUrl(options.webhookUrl, name);
  const batchSize = Math.min(16, Math.max(1, options.batchSize ?? 10));
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name,
    async send(alerts): Promise<SendResult> {
      return sendBatches(chunk(alerts, batchSize), (batch) =>
        postJson(url, slackPayload(batch), { channel: name, timeoutMs }),
      );
    },
  };
}

export function slackChannelFromConfig(
  config: SlackChannelConfig,
  env: Readonly<Record<string, string | undefined>>,
): AlertChannel {
  return slackChannel({
    ...(config.name ? { name: config.name } : {}),
    webhookUrl: secretFromEnv(config.webhookUrlEnv, env, 'Slack webhook URL'),
    ...(config.batchSize ? { batchSize: config.batchSize } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  });
}
