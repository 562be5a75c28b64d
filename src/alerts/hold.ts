// The alerts an email channel keeps for the daily digest instead of sending them at once (alerts config
// `digest`), held whole per channel until a digest round sends them. The database keeps them in alerts_held
// (src/store/alert-hold.ts); this module holds the interface and an in-memory one for tests.
import type { Alert } from '../core/alerts.ts';

export interface AlertHold {
  /** Keeps the alerts for `channel` until released; holding a key again changes nothing (first time wins). */
  hold(alerts: readonly Alert[], channel: string): Promise<void>;
  /** What `channel` holds since before `before`, in the order they were held. */
  held(channel: string, before: Date): Promise<Alert[]>;
  /** Lets go of keys once they are sent and recorded, or were already sent. */
  release(keys: readonly string[], channel: string): Promise<void>;
}

export class MemoryAlertHold implements AlertHold {
  readonly #held = new Map<string, Map<string, { alert: Alert; at: number }>>();
  readonly #now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  async hold(alerts: readonly Alert[], channel: string): Promise<void> {
    let mine = this.#held.get(channel);
    if (!mine) {
      mine = new Map();
      this.#held.set(channel, mine);
    }
    const at = this.#now().getTime();
    for (const alert of alerts) if (!mine.has(alert.key)) mine.set(alert.key, { alert, at });
  }

  async held(channel: string, before: Date): Promise<Alert[]> {
    return [...(this.#held.get(channel)?.values() ?? [])]
      .filter((entry) => entry.at < before.getTime())
      .map((entry) => entry.alert);
  }

  async release(keys: readonly string[], channel: string): Promise<void> {
    for (const key of keys) this.#held.get(channel)?.delete(key);
  }
}
