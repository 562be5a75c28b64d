// The emulated clock: real time plus an offset, so tests and demos move time forward instead of sleeping.
import type { Clock } from './context.ts';

export interface EmulatedClock extends Clock {
  /** Milliseconds the emulated time runs ahead of the wall clock (negative when started in the past). */
  offset(): number;
}

/** Starts at `start` (epoch ms, default: now) and then runs at wall-clock speed. */
export function createClock(start?: number): EmulatedClock {
  let offsetMs = start === undefined ? 0 : start - Date.now();
  return {
    now: () => Date.now() + offsetMs,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
      offsetMs += ms;
    },
    offset: () => offsetMs,
  };
}
