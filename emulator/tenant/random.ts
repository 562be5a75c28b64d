// Seeded pseudo-random source for the tenant generator: same seed, same draws, on every machine.
// sfc32 (Chris Doty-Humphrey's Small Fast Counter) seeded through splitmix32: 32-bit state words only,
// so results do not depend on floating-point quirks, and it is several times faster than crypto.

const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1');
const UUID_SCRATCH = Buffer.alloc(36);
const DAY_MS = 86_400_000;

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed | 0;
    let v: number;
    [s, v] = splitmix32(s);
    this.a = v;
    [s, v] = splitmix32(s);
    this.b = v;
    [s, v] = splitmix32(s);
    this.c = v;
    [, v] = splitmix32(s);
    this.d = v;
    // Discard the first outputs: sfc32 mixes poorly right after seeding.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4_294_967_296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Index into `weights` drawn with probability proportional to each weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] as number;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** `count` distinct integers from [0, n), in draw order. */
  sample(n: number, count: number): number[] {
    const k = Math.min(n, count);
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(Math.floor(this.next() * n));
    return [...chosen];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i += 4) {
      const v = this.u32();
      for (let k = 0; k < 4 && i + k < length; k++) out[i + k] = (v >>> (k * 8)) & 0xff;
    }
    return out;
  }

  /** A GUID shaped like a v4 UUID (version and variant bits set), drawn from this stream. */
  uuid(): string {
    // Written into a byte buffer and decoded once: `+`-concatenation would leave each id as a rope of
    // ~20 string objects, which dominated the heap of large tenants.
    const out = UUID_SCRATCH;
    let pos = 0;
    for (let w = 0; w < 4; w++) {
      let v = this.u32();
      if (w === 1) v = (v & 0xffff0fff) | 0x00004000; // version 4 in the 7th byte's high nibble
      if (w === 2) v = (v & 0x3fffffff) | 0x80000000; // RFC 4122 variant in the 9th byte
      for (let k = 3; k >= 0; k--) {
        if (pos === 8 || pos === 13 || pos === 18 || pos === 23) out[pos++] = 0x2d;
        const byte = (v >>> (k * 8)) & 0xff;
        out[pos++] = HEX_CODES[byte >>> 4]!;
        out[pos++] = HEX_CODES[byte & 0x0f]!;
      }
    }
    return out.toString('latin1', 0, 36);
  }

  /** Epoch ms uniformly between `from` and `to` (whole seconds, so ISO strings stay short). */
  timeBetween(from: number, to: number): number {
    const seconds = Math.floor((to - from) / 1000);
    return from + Math.floor(this.next() * (seconds + 1)) * 1000;
  }
}

export function createRandom(seed: number): Random {
  return new Random(seed);
}

/**
 * The seed of a named side stream: data added after the main draw (access grants, sign-in history) comes
 * from its own stream, so adding or changing it never shifts what the main stream generates.
 */
export function deriveSeed(seed: number, stream: string): number {
  let h = 0x811c9dc5; // FNV-1a over the stream name
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193);
  return splitmix32((seed ^ h) | 0)[1] | 0;
}

const ISO_SCRATCH = Buffer.alloc(24);

function put(pos: number, value: number, digits: number): void {
  for (let i = digits - 1; i >= 0; i--) {
    ISO_SCRATCH[pos + i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
}

/**
 * toISOString without the Date object: large tenants format a few hundred thousand dates, and this is
 * several times faster. Civil-from-days after Howard Hinnant; years 0000–9999 only.
 */
function formatIso(ms: number, withMillis: boolean): string {
  const days = Math.floor(ms / DAY_MS);
  let rem = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rem / 3_600_000);
  rem -= hours * 3_600_000;
  const minutes = Math.floor(rem / 60_000);
  rem -= minutes * 60_000;
  const seconds = Math.floor(rem / 1000);
  put(0, year, 4);
  ISO_SCRATCH[4] = 0x2d;
  put(5, month, 2);
  ISO_SCRATCH[7] = 0x2d;
  put(8, doy - Math.floor((153 * mp + 2) / 5) + 1, 2);
  ISO_SCRATCH[10] = 0x54;
  put(11, hours, 2);
  ISO_SCRATCH[13] = 0x3a;
  put(14, minutes, 2);
  ISO_SCRATCH[16] = 0x3a;
  put(17, seconds, 2);
  if (!withMillis) {
    ISO_SCRATCH[19] = 0x5a;
    return ISO_SCRATCH.toString('latin1', 0, 20);
  }
  ISO_SCRATCH[19] = 0x2e;
  put(20, rem - seconds * 1000, 3);
  ISO_SCRATCH[23] = 0x5a;
  return ISO_SCRATCH.toString('latin1', 0, 24);
}

/** Graph's createdDateTime shape: seconds precision, UTC, `Z` suffix. */
export function isoSeconds(ms: number): string {
  return formatIso(Math.floor(ms), false);
}

/** Credential dates carry milliseconds in Graph responses. */
export function isoMillis(ms: number): string {
  return formatIso(Math.floor(ms), true);
}

export const DAY = DAY_MS;
