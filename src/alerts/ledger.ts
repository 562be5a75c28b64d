// What has been sent, per alert key and channel: the memory behind "one alert per credential per threshold,
// ever". The database ledger keeps it in alerts_sent(integration_id, alert_key, channel, sent_at), unique per
// alert key and channel; this module holds the interface and an in-memory ledger for tests and the demo.

export interface AlertLedger {
  /**
   * Of `keys`, those recorded as sent through `channel`. Per channel, so that a channel that failed sends
   * again on the next run while one that accepted never sends the same key twice.
   */
  sent(keys: readonly string[], channel: string): Promise<Set<string>>;
  /** Records keys as sent through `channel`; recording a key again changes nothing (first time wins). */
  record(keys: readonly string[], channel: string): Promise<void>;
}

export interface LedgerEntry {
  key: string;
  channel: string;
  sentAt: string;
}

export class MemoryAlertLedger implements AlertLedger {
  readonly #entries = new Map<string, Map<string, string>>();
  readonly #now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  async sent(keys: readonly string[], channel: string): Promise<Set<string>> {
    const recorded = this.#entries.get(channel);
    return new Set(recorded ? keys.filter((key) => recorded.has(key)) : []);
  }

  async record(keys: readonly string[], channel: string): Promise<void> {
    let recorded = this.#entries.get(channel);
    if (!recorded) {
      recorded = new Map();
      this.#entries.set(channel, recorded);
    }
    const at = this.#now().toISOString();
    for (const key of keys) if (!recorded.has(key)) recorded.set(key, at);
  }

  /** Everything recorded, by channel then key. */
  entries(): LedgerEntry[] {
    return [...this.#entries.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([channel, keys]) =>
        [...keys.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([key, sentAt]) => ({ key, channel, sentAt })),
      );
  }
}

/**
 * Of `keys`, those sent through every one of `channels`: nothing left to do for them. What dueAlerts takes as
 * `alreadySent` (dispatchAlerts checks each channel again, so passing an empty set is correct too).
 */
export async function settledKeys(
  ledger: AlertLedger,
  keys: readonly string[],
  channels: readonly string[],
): Promise<Set<string>> {
  if (!channels.length) return new Set();
  let settled = new Set(keys);
  for (const channel of channels) {
    const sent = await ledger.sent([...settled], channel);
    settled = new Set([...settled].filter((key) => sent.has(key)));
    if (!settled.size) break;
  }
  return settled;
}
