// Suspicious workload sign-ins, from the sign-in log as Lanyard reads it: a success from a network range the
// application never signed in from before, and a burst of failures. Pure: the collector feeds sign-ins into a
// tally (ranges and per-minute failure counts only: no address and no sign-in row is kept), the store gives the
// ranges it already holds, and `detectSuspiciousSignIns` says what is new.

/** One sign-in of the log, as the tally takes it. */
export interface SignInLogEntry {
  appId: string;
  /** As Graph gives it: may be missing, empty or malformed. */
  ipAddress: unknown;
  /** ISO 8601. */
  at: string;
  success: boolean;
  /** status.errorCode of a failure (AADSTS number); null when Graph gave none. */
  errorCode?: number | null;
}

/** The successful sign-ins of one application from one range in a reading. */
export interface RangeSighting {
  appId: string;
  range: string;
  firstAt: string;
  lastAt: string;
  /** Sign-ins counted: those at or after the reading's `countFrom` (earlier ones the previous reading counted). */
  signIns: number;
}

/** Failed sign-ins of one application in one minute. */
export interface FailureMinute {
  appId: string;
  /** Minutes since the epoch (UTC). */
  minute: number;
  failures: number;
  /** AADSTS code → failures with it. */
  errorCodes: Record<string, number>;
}

/** What a reading of the sign-in log leaves of it: plain JSON, small (ranges × apps, minutes with failures). */
export interface SignInTally {
  ranges: RangeSighting[];
  failures: FailureMinute[];
}

export interface SignInDetectionSettings {
  /** Failed sign-ins of one application within `burstWindowMinutes` that make a burst. */
  burstFailures: number;
  burstWindowMinutes: number;
}

export const DEFAULT_SIGN_IN_DETECTION: SignInDetectionSettings = {
  burstFailures: 10,
  burstWindowMinutes: 10,
};
/**
 * A window longer than this could not be evaluated from one reading: readings overlap by two hours (the sign-in
 * log's lag), and a window is judged from the one before it too (2 × 60 min ≤ 2 h).
 */
export const MAX_BURST_WINDOW_MINUTES = 60;

export type SuspiciousSignIn =
  | {
      reason: 'new-range';
      appId: string;
      range: string;
      firstAt: string;
      lastAt: string;
      signIns: number;
      /** How many ranges the application had signed in from before. */
      knownRanges: number;
    }
  | {
      reason: 'failure-burst';
      appId: string;
      /** The window the burst is reported for (ISO; [start, end)). */
      windowStart: string;
      windowEnd: string;
      /** The most failures within `burstWindowMinutes` ending in this window. */
      failures: number;
      errorCodes: Record<string, number>;
    };

const MINUTE_MS = 60_000;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4Range(text: string): string | null {
  const parts = IPV4.exec(text);
  if (!parts) return null;
  const octets = parts.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return `${octets[0]}.${octets[1]}.${octets[2]}.0/24`;
}

/** The eight 16-bit groups of an IPv6 address, or null; an embedded IPv4 tail is two groups. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = IPV4.exec(piece);
        const octets = v4?.slice(1).map(Number);
        if (!octets || octets.some((o) => o > 255)) return null;
        out.push(octets[0]! * 256 + octets[1]!, octets[2]! * 256 + octets[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) out.push(Number.parseInt(piece, 16));
      else return null;
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
}

/**
 * The network range of an address: IPv4 /24 (`192.0.2.0/24`), IPv6 /48 (`2001:db8:1::/48`, lower-case hex,
 * trailing zero groups folded); an IPv4-mapped IPv6 address is its IPv4 range. Null for anything else (missing,
 * empty, malformed, a zone id): such a sign-in tells nothing about where it came from.
 */
export function networkRange(ip: unknown): string | null {
  if (typeof ip !== 'string') return null;
  const text = ip.trim();
  if (!text || text.length > 64) return null;
  if (!text.includes(':')) return ipv4Range(text);
  const groups = ipv6Groups(text);
  if (!groups) return null;
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.0/24`;
  }
  // RFC 5952 style: the /48's trailing zero groups fold into the `::`.
  const prefix = groups.slice(0, 3);
  while (prefix.length > 0 && prefix[prefix.length - 1] === 0) prefix.pop();
  return `${prefix.map((g) => g.toString(16)).join(':')}::/48`;
}

/** Collects a reading's sign-ins page by page; `countFrom` (ISO): sign-ins before it count toward no total. */
export function createSignInTally(countFrom: string | null = null) {
  const countAfter = countFrom ? Date.parse(countFrom) : Number.NEGATIVE_INFINITY;
  const ranges = new Map<string, RangeSighting>();
  const failures = new Map<string, FailureMinute>();
  return {
    add(entry: SignInLogEntry): void {
      const time = Date.parse(entry.at);
      if (!entry.appId || !Number.isFinite(time)) return;
      const appId = entry.appId.toLowerCase();
      const at = new Date(time).toISOString();
      if (!entry.success) {
        // Where a failure came from does not matter to a burst: one without an address still counts.
        const minute = Math.floor(time / MINUTE_MS);
        const key = `${appId}|${minute}`;
        let bucket = failures.get(key);
        if (!bucket) {
          bucket = { appId, minute, failures: 0, errorCodes: {} };
          failures.set(key, bucket);
        }
        bucket.failures += 1;
        const code = String(entry.errorCode ?? 'unknown');
        bucket.errorCodes[code] = (bucket.errorCodes[code] ?? 0) + 1;
        return;
      }
      const range = networkRange(entry.ipAddress);
      if (!range) return;
      const key = `${appId}|${range}`;
      const counted = time >= countAfter ? 1 : 0;
      const seen = ranges.get(key);
      if (!seen) {
        ranges.set(key, { appId, range, firstAt: at, lastAt: at, signIns: counted });
        return;
      }
      if (at < seen.firstAt) seen.firstAt = at;
      if (at > seen.lastAt) seen.lastAt = at;
      seen.signIns += counted;
    },
    result(): SignInTally {
      return { ranges: [...ranges.values()], failures: [...failures.values()] };
    },
  };
}

export interface DetectionInput {
  tally: SignInTally;
  /** The ranges each application (lower-cased appId) had signed in from before this reading. */
  known: ReadonlyMap<string, ReadonlySet<string>>;
  /** The integration's first complete reading: up to 30 days of log, all of it before Lanyard watched. */
  firstReading: boolean;
  /** Where this reading's log window began (ISO): the minutes just after it are only partly in this reading. */
  since: string;
  settings?: SignInDetectionSettings;
}

/**
 * What is suspicious in a reading:
 * - `new-range`: a successful sign-in from a range the application had never signed in from. An application
 *   with no range known yet is learning its baseline: whatever its first reading shows is its usual place, and
 *   reports nothing (otherwise every application would alert once, on the first scan or when first used).
 * - `failure-burst`: at least `burstFailures` failed sign-ins of one application within `burstWindowMinutes`,
 *   one event per application per window: windows are fixed (epoch-aligned) so a burst read twice (readings
 *   overlap) is the same window, and a window is reported when a span of that length ending at one of its
 *   failure minutes holds enough failures, so a burst astride two windows still counts in the later one.
 *   The integration's first reading reports none: it is history from before Lanyard watched, not news.
 */
export function detectSuspiciousSignIns(input: DetectionInput): SuspiciousSignIn[] {
  const settings = input.settings ?? DEFAULT_SIGN_IN_DETECTION;
  const out: SuspiciousSignIn[] = [];
  for (const sighting of input.tally.ranges) {
    const known = input.known.get(sighting.appId);
    if (!known || known.size === 0 || known.has(sighting.range)) continue;
    out.push({
      reason: 'new-range',
      appId: sighting.appId,
      range: sighting.range,
      firstAt: sighting.firstAt,
      lastAt: sighting.lastAt,
      signIns: Math.max(1, sighting.signIns),
      knownRanges: known.size,
    });
  }
  if (!input.firstReading) out.push(...failureBursts(input.tally.failures, input.since, settings));
  return out;
}

function failureBursts(
  minutes: readonly FailureMinute[],
  since: string,
  { burstFailures, burstWindowMinutes: width }: SignInDetectionSettings,
): SuspiciousSignIn[] {
  const byApp = new Map<string, FailureMinute[]>();
  for (const m of minutes) byApp.set(m.appId, [...(byApp.get(m.appId) ?? []), m]);
  // A span ending in a window reaches back into the one before, so only windows whose previous window is wholly
  // in this reading are judged; earlier ones were judged by the previous reading, which read them whole.
  const sinceMinute = Math.ceil(Date.parse(since) / MINUTE_MS);
  const firstJudged = Number.isFinite(sinceMinute) ? sinceMinute + width : Number.NEGATIVE_INFINITY;
  const out: SuspiciousSignIn[] = [];
  for (const [appId, list] of byApp) {
    list.sort((a, b) => a.minute - b.minute);
    const windows = new Map<number, { failures: number; errorCodes: Record<string, number> }>();
    let start = 0;
    let inSpan = 0;
    for (let end = 0; end < list.length; end++) {
      const last = list[end]!;
      inSpan += last.failures;
      while (list[start]!.minute <= last.minute - width) inSpan -= list[start++]!.failures;
      const window = Math.floor(last.minute / width) * width;
      if (inSpan < burstFailures || window < firstJudged) continue;
      const best = windows.get(window);
      if (best && best.failures >= inSpan) continue;
      const errorCodes: Record<string, number> = {};
      for (const m of list.slice(start, end + 1))
        for (const [code, n] of Object.entries(m.errorCodes)) errorCodes[code] = (errorCodes[code] ?? 0) + n;
      windows.set(window, { failures: inSpan, errorCodes });
    }
    for (const [window, burst] of windows) {
      out.push({
        reason: 'failure-burst',
        appId,
        windowStart: new Date(window * MINUTE_MS).toISOString(),
        windowEnd: new Date((window + width) * MINUTE_MS).toISOString(),
        failures: burst.failures,
        errorCodes: burst.errorCodes,
      });
    }
  }
  return out;
}

/** Checks settings from a file: whole numbers, a window Lanyard's readings can judge. Returns why not, or null. */
export function invalidDetectionSettings(settings: SignInDetectionSettings): string | null {
  if (!Number.isInteger(settings.burstFailures) || settings.burstFailures < 2)
    return 'burstFailures must be a whole number of at least 2';
  const w = settings.burstWindowMinutes;
  if (!Number.isInteger(w) || w < 1 || w > MAX_BURST_WINDOW_MINUTES)
    return `burstWindowMinutes must be a whole number from 1 to ${MAX_BURST_WINDOW_MINUTES}`;
  return null;
}
