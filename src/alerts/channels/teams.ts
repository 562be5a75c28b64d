// Alerts to a Microsoft Teams channel through a webhook: a Workflows "When a Teams webhook request is received"
// flow, or a legacy Incoming Webhook. Both take a message with an Adaptive Card attachment:
//   { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive',
//     contentUrl: null, content: { type: 'AdaptiveCard', version, body } }] }
//
// Tenant-controlled text goes only into RichTextBlock TextRuns, which Adaptive Cards never read as Markdown
// (a TextBlock or a FactSet would turn `[click](https://…)` into a link and `**x**` into bold); `{{` is
// broken apart so a name cannot be read as a {{DATE()}} function. Mentions need `msteams.entities`, which
// Lanyard never sends, so `<at>` in a name is text.
import type { Alert } from '../../core/alerts.ts';
import { summarize } from '../../core/alerts.ts';
import { inertShort } from '../../core/inert-text.ts';
import {
  type AlertChannel,
  alertFacts,
  checkWebhookUrl,
  type PostOutcome,
  postJson,
  type SendResult,
  secretFromEnv,
  sendBatches,
} from '../channel.ts';

export interface TeamsChannelOptions {
  /** Default `teams`. */
  name?: string;
  /** Secret: never logged, never in an error. */
  webhookUrl: string;
  /** Alerts per card, at most; a card also stays under Teams' 28 KB message limit. Default 10. */
  batchSize?: number;
  timeoutMs?: number;
}

export interface TeamsChannelConfig {
  type: 'teams';
  name?: string;
  webhookUrlEnv: string;
  batchSize?: number;
  timeoutMs?: number;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Teams refuses messages over 28 KB; the card is kept well under it. */
const MAX_PAYLOAD_BYTES = 24_000;

/** Tenant text for a TextRun: neutralised, shortened, and with no `{{` to start a template function. */
export function cardText(text: string, max: number): string {
  return inertShort(text, max).replace(/\{(?=\{)/g, '{ ');
}

const run = (text: string, style: Record<string, unknown> = {}) => ({ type: 'TextRun', text, ...style });
const rich = (...inlines: unknown[]) => ({ type: 'RichTextBlock', inlines });

function alertContainer(alert: Alert): unknown {
  const urgent = alert.severity === 'high' || alert.severity === 'critical';
  return {
    type: 'Container',
    separator: true,
    spacing: 'Medium',
    items: [
      rich(
        run(cardText(alert.subject, 300), { weight: 'Bolder', ...(urgent ? { color: 'Attention' } : {}) }),
      ),
      ...alert.message.split('\n').map((line) => rich(run(cardText(line, 1000)))),
      ...alertFacts(alert).map((fact) =>
        rich(run(`${fact.label}: `, { weight: 'Bolder' }), run(cardText(fact.value, 300))),
      ),
      rich(run(`Alert ${cardText(alert.key, 250)}`, { isSubtle: true, size: 'Small' })),
    ],
  };
}

/** The webhook message for a batch of alerts: one Adaptive Card. */
export function teamsPayload(alerts: readonly Alert[]): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: ADAPTIVE_CARD_CONTENT_TYPE,
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              text: `Lanyard: ${summarize(alerts)}`,
              weight: 'Bolder',
              size: 'Medium',
              wrap: true,
            },
            ...alerts.map(alertContainer),
          ],
        },
      },
    ],
  };
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Batches of at most `size` alerts whose card stays under the size limit. */
function batchesOf(alerts: readonly Alert[], size: number): Alert[][] {
  const out: Alert[][] = [];
  let current: Alert[] = [];
  for (const alert of alerts) {
    const next = [...current, alert];
    if (current.length && (next.length > size || bytes(teamsPayload(next)) > MAX_PAYLOAD_BYTES)) {
      out.push(current);
      current = [alert];
    } else {
      current = next;
    }
  }
  if (current.length) out.push(current);
  return out;
}

// A legacy connector answers 200 with the error in the body when Teams throttles it.
const CONNECTOR_ERROR = /returned HTTP error (\d{3})/;

export function teamsChannel(options: TeamsChannelOptions): AlertChannel {
  const name = options.name ?? 'teams';
  const url = checkWebhookUrl(options.webhookUrl, name);
  const batchSize = Math.max(1, options.batchSize ?? 10);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name,
    async send(alerts): Promise<SendResult> {
      return sendBatches(batchesOf(alerts, batchSize), async (batch): Promise<PostOutcome> => {
        const outcome = await postJson(url, teamsPayload(batch), { channel: name, timeoutMs });
        const status = outcome.ok ? CONNECTOR_ERROR.exec(outcome.body)?.[1] : undefined;
        if (outcome.ok && status) {
          return {
            ok: false,
            reason: `the ${name} webhook reported HTTP ${status} in its answer`,
            throttled: status === '429',
          };
        }
        return outcome;
      });
    },
  };
}

export function teamsChannelFromConfig(
  config: TeamsChannelConfig,
  env: Readonly<Record<string, string | undefined>>,
): AlertChannel {
  return teamsChannel({
    ...(config.name ? { name: config.name } : {}),
    webhookUrl: secretFromEnv(config.webhookUrlEnv, env, 'Teams webhook URL'),
    ...(config.batchSize ? { batchSize: config.batchSize } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  });
}
