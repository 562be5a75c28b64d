// Sends the due alerts through every channel and records, per channel, what that channel accepted. A key is
// recorded only after its channel accepted it: a channel that failed sends it again on the next run, and only
// that channel; a channel that accepted it never gets it again (restarts and rescans included, since the
// ledger is the database). Delivery is at least once: if recording fails after a send, it is sent again.
import type { Alert } from '../core/alerts.ts';
import { InvalidInput, LanyardError } from '../core/errors.ts';
import type { AlertChannel, SendOptions, SendResult } from './channel.ts';
import type { AlertHold } from './hold.ts';
import type { AlertLedger } from './ledger.ts';

export interface ChannelSummary {
  channel: string;
  /** Keys this channel accepted in this run (now recorded). */
  sent: string[];
  /** Due alerts this channel had already sent in an earlier run: not sent again. */
  alreadySent: number;
  /** Nothing to deliver through this channel (email alerts with no recipient): not recorded. */
  skipped: string[];
  /** Not delivered: sent again on the next run. */
  failed: Array<{ key: string; reason: string }>;
  /** Sent, but the ledger could not record it: it will be sent again on the next run. */
  recordError?: string;
  /** Kept for the daily digest instead of sent (hold.ts): recorded when the digest sends them. */
  held: string[];
}

export interface DispatchSummary {
  /** Alerts given. */
  due: number;
  /** Keys that at least one channel accepted in this run. */
  delivered: string[];
  /** Keys that at least one channel failed to deliver: retried on the next run. */
  retry: string[];
  channels: ChannelSummary[];
}

export interface DispatchInput {
  alerts: readonly Alert[];
  channels: readonly AlertChannel[];
  ledger: AlertLedger;
  /** Channels whose alerts wait for the daily digest (email, when the digest is on), and where they wait. */
  hold?: { into: AlertHold; channels: ReadonlySet<string> };
}

function reasonOf(error: unknown, channel: string): string {
  // A LanyardError's message is written to be shown; anything else might quote a URL or a password.
  if (error instanceof LanyardError) return error.message;
  const name = error instanceof Error ? error.name : typeof error;
  return `the ${channel} channel failed unexpectedly (${name})`;
}

/** Keeps a channel's answer honest: every pending key in exactly one list, no foreign keys. */
function normalize(result: SendResult, pending: readonly Alert[], channel: string): SendResult {
  const keys = new Set(pending.map((alert) => alert.key));
  const accepted = new Set(result.accepted.filter((key) => keys.has(key)));
  const failed = new Map<string, string>();
  for (const { key, reason } of result.failed) {
    if (keys.has(key) && !accepted.has(key) && !failed.has(key)) failed.set(key, reason);
  }
  const skipped = new Set(
    result.skipped.filter((key) => keys.has(key) && !accepted.has(key) && !failed.has(key)),
  );
  for (const key of keys) {
    if (!accepted.has(key) && !failed.has(key) && !skipped.has(key)) {
      failed.set(key, `the ${channel} channel did not report on it`);
    }
  }
  return {
    accepted: [...accepted],
    failed: [...failed].map(([key, reason]) => ({ key, reason })),
    skipped: [...skipped],
  };
}

/**
 * Sends through one channel what it has not sent before and records what it accepted; `hold` keeps them for
 * the digest instead (those with someone to mail: the others have nowhere to go by email).
 */
export async function dispatchToChannel(
  channel: AlertChannel,
  alerts: readonly Alert[],
  ledger: AlertLedger,
  options: SendOptions & { hold?: AlertHold } = {},
): Promise<ChannelSummary> {
  const summary: ChannelSummary = {
    channel: channel.name,
    sent: [],
    alreadySent: 0,
    skipped: [],
    failed: [],
    held: [],
  };
  let done: Set<string>;
  try {
    done = await ledger.sent(
      alerts.map((alert) => alert.key),
      channel.name,
    );
  } catch (error) {
    // Without knowing what went out before, sending could repeat it: nothing goes out, all is retried.
    const reason = `the alert ledger could not be read: ${reasonOf(error, 'ledger')}`;
    summary.failed = alerts.map((alert) => ({ key: alert.key, reason }));
    return summary;
  }
  const pending = alerts.filter((alert) => !done.has(alert.key));
  summary.alreadySent = alerts.length - pending.length;
  if (!pending.length) return summary;
  const { hold, ...sendOptions } = options;
  if (hold) {
    const addressed = pending.filter((alert) => alert.recipients.length);
    summary.skipped = pending.filter((alert) => !alert.recipients.length).map((alert) => alert.key);
    try {
      await hold.hold(addressed, channel.name);
      summary.held = addressed.map((alert) => alert.key);
    } catch (error) {
      const reason = `the alerts could not be held for the digest: ${reasonOf(error, 'hold')}`;
      summary.failed = addressed.map((alert) => ({ key: alert.key, reason }));
    }
    return summary;
  }
  let result: SendResult;
  try {
    result = normalize(await channel.send(pending, sendOptions), pending, channel.name);
  } catch (error) {
    const reason = reasonOf(error, channel.name);
    result = { accepted: [], failed: pending.map((alert) => ({ key: alert.key, reason })), skipped: [] };
  }
  summary.skipped = result.skipped;
  summary.failed = result.failed;
  if (result.accepted.length) {
    const accepted = new Set(result.accepted);
    // With each accepted alert, the wider thresholds it stands for, so they are never sent later.
    const keys = [
      ...new Set(pending.filter((alert) => accepted.has(alert.key)).flatMap((a) => [a.key, ...a.alsoMark])),
    ];
    summary.sent = pending.filter((alert) => accepted.has(alert.key)).map((alert) => alert.key);
    try {
      await ledger.record(keys, channel.name);
    } catch (error) {
      summary.recordError = reasonOf(error, 'ledger');
    }
  }
  return summary;
}

/** Sends the alerts through every channel (in parallel), each only what it has not sent before. */
export async function dispatchAlerts(input: DispatchInput): Promise<DispatchSummary> {
  const names = input.channels.map((channel) => channel.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) {
    throw new InvalidInput(`two alert channels are named "${repeated}"`, {
      fix: 'give each channel its own "name": the ledger records what was sent per channel name',
    });
  }
  const channels = await Promise.all(
    input.channels.map((channel) =>
      dispatchToChannel(
        channel,
        input.alerts,
        input.ledger,
        input.hold?.channels.has(channel.name) ? { hold: input.hold.into } : {},
      ),
    ),
  );
  const delivered = new Set(channels.flatMap((summary) => summary.sent));
  const retry = new Set(
    channels.flatMap((summary) => [
      ...summary.failed.map((failure) => failure.key),
      ...(summary.recordError ? summary.sent : []),
    ]),
  );
  const order = input.alerts.map((alert) => alert.key);
  return {
    due: input.alerts.length,
    delivered: order.filter((key) => delivered.has(key)),
    retry: order.filter((key) => retry.has(key)),
    channels,
  };
}
