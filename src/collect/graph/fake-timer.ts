// A manual clock for tests of pacing code: time moves only when the test advances it.
import type { Timer } from './token-bucket.ts';

export interface FakeTimer extends Timer {
  /** Moves time forward, firing due timers in order and letting promise callbacks run between them. */
  advance(ms: number): Promise<void>;
}

export function createFakeTimer(start = 0): FakeTimer {
  let now = start;
  let nextId = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      pending.set(id, { at: now + ms, fn });
      return () => pending.delete(id);
    },
    async advance(ms) {
      const end = now + ms;
      await settle();
      for (;;) {
        const due = [...pending.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (!due) break;
        pending.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}
