// The daily digest round: what each email channel held instead of sending (dispatch.ts) before the day's cut
// goes out as one message per recipient, through the same ledger as alerts sent at once, so none goes twice;
// what a channel fails to send stays held for the next round.
import { type Alert, byUrgency, digestCutoff } from '../core/alerts.ts';
import type { AlertChannel } from './channel.ts';
import type { AlertsConfig } from './config.ts';
import { type ChannelSummary, dispatchToChannel } from './dispatch.ts';
import type { AlertHold } from './hold.ts';
import type { AlertLedger } from './ledger.ts';

/**
 * The channels that hold their alerts for the daily digest: the email ones, when the digest is on. Here, not
 * in config.ts, which loads every channel (nodemailer among them) and would load it at every start.
 */
export function digestChannelNames(config: Pick<AlertsConfig, 'channels' | 'digest'>): string[] {
  if (!config.digest.enabled) return [];
  return config.channels
    .filter((channel) => channel.type === 'email')
    .map((channel) => channel.name ?? 'email');
}

export interface DigestRound {
  /** The channels that hold alerts for the digest. */
  channels: readonly AlertChannel[];
  hold: AlertHold;
  /** The ledger of each integration (held alerts may come from several). */
  ledgerOf(integrationId: string): AlertLedger;
  now: Date;
  hourUtc: number;
  /** Everything held until now, without waiting for the day's cut (`lanyard alerts digest --now`). */
  immediately?: boolean;
}

export async function sendDigest(round: DigestRound): Promise<ChannelSummary[]> {
  const cutoff = round.immediately ? round.now : digestCutoff(round.now, round.hourUtc);
  const before = round.immediately ? new Date(round.now.getTime() + 1) : cutoff;
  return Promise.all(
    round.channels.map(async (channel) => {
      const held = (await round.hold.held(channel.name, before)).sort(byUrgency);
      const summary = await dispatchToChannel(channel, held, ledgerAcross(held, round.ledgerOf), {
        digestCutoff: cutoff,
      });
      // Released once sent and recorded (or sent before); a failure, or a send the ledger could not record,
      // stays held and goes again: at least once, as alerts sent at once.
      const kept = new Set([
        ...summary.failed.map((failure) => failure.key),
        ...(summary.recordError ? summary.sent : []),
      ]);
      await round.hold.release(
        held.map((alert) => alert.key).filter((key) => !kept.has(key)),
        channel.name,
      );
      return summary;
    }),
  );
}

/** One ledger over alerts of several integrations: each key is read from and recorded in its integration's. */
function ledgerAcross(
  alerts: readonly Alert[],
  ledgerOf: (integrationId: string) => AlertLedger,
): AlertLedger {
  const integrationOf = new Map(
    alerts.flatMap((alert) =>
      [alert.key, ...alert.alsoMark].map((key) => [key, alert.integration.id] as const),
    ),
  );
  const byIntegration = (keys: readonly string[]) => {
    const groups = new Map<string, string[]>();
    for (const key of keys) {
      const id = integrationOf.get(key);
      if (id !== undefined) groups.set(id, [...(groups.get(id) ?? []), key]);
    }
    return [...groups];
  };
  return {
    async sent(keys, channel) {
      const found = new Set<string>();
      for (const [id, mine] of byIntegration(keys))
        for (const key of await ledgerOf(id).sent(mine, channel)) found.add(key);
      return found;
    },
    async record(keys, channel) {
      for (const [id, mine] of byIntegration(keys)) await ledgerOf(id).record(mine, channel);
    },
  };
}
