// Hands pages of facts to the store one at a time (onFacts is never called concurrently), identity pages
// first: the identity lists are chains of 999-object pages that wait for their page to be stored before the
// next one is asked for, and they bound a scan's wall time, while the far end's many small answers do not.
import type { IdentityFact } from '../../core/facts.ts';

interface Waiting {
  facts: IdentityFact[];
  urgent: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

export interface DeliveryQueue {
  /** Resolves once these facts are stored; rejects with the store's error. */
  deliver(facts: IdentityFact[], urgent: boolean): Promise<void>;
  /** Waits until everything queued is stored; resolves to the store's first error, if any. */
  drained(): Promise<{ error: unknown } | null>;
}

export function createDeliveryQueue(onFacts: (facts: IdentityFact[]) => Promise<void>): DeliveryQueue {
  const queue: Waiting[] = [];
  let running: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;

  async function pump(): Promise<void> {
    while (queue.length > 0) {
      const urgent = queue.findIndex((w) => w.urgent);
      const next = queue.splice(urgent >= 0 ? urgent : 0, 1)[0]!;
      try {
        await onFacts(next.facts);
        next.resolve();
      } catch (error) {
        failure ??= { error };
        next.reject(error);
        for (const rest of queue.splice(0)) rest.reject(error);
      }
    }
    running = null;
  }

  return {
    deliver(facts, urgent) {
      if (failure) return Promise.reject(failure.error);
      const stored = new Promise<void>((resolve, reject) => queue.push({ facts, urgent, resolve, reject }));
      running ??= pump();
      return stored;
    },
    async drained() {
      while (running) await running;
      return failure;
    },
  };
}
