import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createSignInTally,
  detectSuspiciousSignIns,
  invalidDetectionSettings,
  networkRange,
  type SignInLogEntry,
  type SuspiciousSignIn,
} from './sign-in-ranges.ts';

const APP = 'a1a1a1a1-0000-4000-8000-000000000001';
const OTHER = 'b2b2b2b2-0000-4000-8000-000000000002';
const SINCE = '2026-11-30T00:00:00Z';

test('network ranges: IPv4 /24, IPv6 /48, IPv4-mapped IPv6 as IPv4; anything malformed is null', () => {
  const cases: [unknown, string | null][] = [
    ['203.0.113.77', '203.0.113.0/24'],
    [' 198.51.100.1 ', '198.51.100.0/24'],
    ['0.0.0.0', '0.0.0.0/24'],
    ['2001:db8:abcd:12::1', '2001:db8:abcd::/48'],
    ['2001:0DB8:0001:ffff:0:0:0:1', '2001:db8:1::/48'],
    ['2001:db8::1', '2001:db8::/48'],
    ['::1', '::/48'],
    ['::ffff:192.0.2.9', '192.0.2.0/24'],
    ['64:ff9b::192.0.2.9', '64:ff9b::/48'],
    ['1:2:3:4:5:6:7::', '1:2:3::/48'],
    ['256.1.1.1', null],
    ['1.2.3', null],
    ['1.2.3.4.5', null],
    ['1.2.3.4/24', null],
    ['2001:db8::1::2', null],
    ['1::2:3:4:5:6:7:8', null],
    ['1:2:3:4:5:6:7', null],
    ['12345::1', null],
    ['fe80::1%eth0', null],
    ['::ffff:999.0.0.1', null],
    ['', null],
    ['   ', null],
    ['not an address', null],
    [null, null],
    [undefined, null],
    [3232235777, null],
    [{ ip: '1.2.3.4' }, null],
  ];
  for (const [ip, range] of cases) assert.equal(networkRange(ip), range, String(ip));
});

const ok = (appId: string, ipAddress: unknown, at: string): SignInLogEntry => ({
  appId,
  ipAddress,
  at,
  success: true,
});
const failed = (appId: string, at: string, errorCode = 7000215): SignInLogEntry => ({
  appId,
  ipAddress: '198.51.100.9',
  at,
  success: false,
  errorCode,
});

test('the tally keeps ranges with first and last time and a count, skipping sign-ins without a usable address', () => {
  const tally = createSignInTally('2026-12-01T10:00:00Z');
  tally.add(ok(APP.toUpperCase(), '203.0.113.5', '2026-12-01T11:00:00Z'));
  tally.add(ok(APP, '203.0.113.200', '2026-12-01T09:00:00Z')); // before countFrom: times only
  tally.add(ok(APP, '203.0.113.9', '2026-12-01T12:00:00Z'));
  tally.add(ok(APP, 'garbage', '2026-12-01T12:00:00Z'));
  tally.add(ok(APP, undefined, '2026-12-01T12:00:00Z'));
  tally.add(ok(APP, '203.0.113.9', 'not a date'));
  tally.add(ok('', '203.0.113.9', '2026-12-01T12:00:00Z'));
  const { ranges, failures } = tally.result();
  assert.deepEqual(ranges, [
    {
      appId: APP,
      range: '203.0.113.0/24',
      firstAt: '2026-12-01T09:00:00.000Z',
      lastAt: '2026-12-01T12:00:00.000Z',
      signIns: 2,
    },
  ]);
  assert.deepEqual(failures, []);
});

test('failures are counted per minute with their codes, with or without an address', () => {
  const tally = createSignInTally();
  tally.add(failed(APP, '2026-12-01T10:00:05Z'));
  tally.add({ ...failed(APP, '2026-12-01T10:00:55Z', 7000222), ipAddress: null });
  tally.add({ ...failed(APP, '2026-12-01T10:01:00Z'), errorCode: null });
  assert.deepEqual(tally.result().failures, [
    {
      appId: APP,
      minute: Date.parse('2026-12-01T10:00:00Z') / 60_000,
      failures: 2,
      errorCodes: { '7000215': 1, '7000222': 1 },
    },
    {
      appId: APP,
      minute: Date.parse('2026-12-01T10:01:00Z') / 60_000,
      failures: 1,
      errorCodes: { unknown: 1 },
    },
  ]);
});

function detect(entries: SignInLogEntry[], known: Record<string, string[]>, firstReading = false) {
  const tally = createSignInTally();
  for (const entry of entries) tally.add(entry);
  return detectSuspiciousSignIns({
    tally: tally.result(),
    known: new Map(Object.entries(known).map(([app, ranges]) => [app, new Set(ranges)])),
    firstReading,
    since: SINCE,
  });
}

test('a success from a range the application never used is new-range; known ranges are not', () => {
  const found = detect(
    [
      ok(APP, '203.0.113.5', '2026-12-01T10:00:00Z'),
      ok(APP, '2001:db8:77::5', '2026-12-01T10:05:00Z'),
      ok(APP, '2001:db8:77:1::9', '2026-12-01T10:06:00Z'),
      ok(APP, 'bogus', '2026-12-01T10:07:00Z'),
    ],
    { [APP]: ['203.0.113.0/24'] },
  );
  assert.deepEqual(found, [
    {
      reason: 'new-range',
      appId: APP,
      range: '2001:db8:77::/48',
      firstAt: '2026-12-01T10:05:00.000Z',
      lastAt: '2026-12-01T10:06:00.000Z',
      signIns: 2,
      knownRanges: 1,
    },
  ] satisfies SuspiciousSignIn[]);
});

test('an application with no known range is learning its baseline: nothing is new', () => {
  const found = detect(
    [ok(APP, '203.0.113.5', '2026-12-01T10:00:00Z'), ok(APP, '198.51.100.5', '2026-12-01T10:01:00Z')],
    { [OTHER]: ['192.0.2.0/24'] },
  );
  assert.deepEqual(found, []);
});

test('a failed sign-in from a new range is not new-range (only a burst of them alerts)', () => {
  assert.deepEqual(detect([failed(APP, '2026-12-01T10:00:00Z')], { [APP]: ['203.0.113.0/24'] }), []);
});

function failures(appId: string, from: string, count: number, everySeconds: number): SignInLogEntry[] {
  const start = Date.parse(from);
  return Array.from({ length: count }, (_, i) =>
    failed(appId, new Date(start + i * everySeconds * 1000).toISOString()),
  );
}

const bursts = (found: SuspiciousSignIn[]) =>
  found.flatMap((f) =>
    f.reason === 'failure-burst' ? [[f.appId, f.windowStart, f.windowEnd, f.failures]] : [],
  );

test('failure bursts: the threshold and the window edges', () => {
  const cases: { name: string; entries: SignInLogEntry[]; expected: unknown[][] }[] = [
    {
      name: '9 failures: below the threshold',
      entries: failures(APP, '2026-12-01T10:01:00Z', 9, 20),
      expected: [],
    },
    {
      name: '10 failures in 3 minutes: one burst',
      entries: failures(APP, '2026-12-01T10:01:00Z', 10, 20),
      expected: [[APP, '2026-12-01T10:00:00.000Z', '2026-12-01T10:10:00.000Z', 10]],
    },
    {
      name: '10 failures, one a minute, first to last 9 minutes: one burst',
      entries: failures(APP, '2026-12-01T10:00:00Z', 10, 60),
      expected: [[APP, '2026-12-01T10:00:00.000Z', '2026-12-01T10:10:00.000Z', 10]],
    },
    {
      name: '10 failures, first to last 10 minutes: never 10 within 10 minutes',
      entries: failures(APP, '2026-12-01T10:00:00Z', 10, 600 / 9),
      expected: [],
    },
    {
      name: 'a burst astride two windows (5 + 7) counts once, in the later window',
      entries: failures(APP, '2026-12-01T10:07:00Z', 12, 30),
      expected: [[APP, '2026-12-01T10:10:00.000Z', '2026-12-01T10:20:00.000Z', 12]],
    },
    {
      name: 'failures of two applications do not add up',
      entries: [
        ...failures(APP, '2026-12-01T10:01:00Z', 5, 10),
        ...failures(OTHER, '2026-12-01T10:01:00Z', 5, 10),
      ],
      expected: [],
    },
    {
      name: 'a burst that goes on for 25 minutes: one event per window',
      entries: failures(APP, '2026-12-01T10:00:00Z', 50, 30),
      expected: [
        [APP, '2026-12-01T10:00:00.000Z', '2026-12-01T10:10:00.000Z', 20],
        [APP, '2026-12-01T10:10:00.000Z', '2026-12-01T10:20:00.000Z', 20],
        [APP, '2026-12-01T10:20:00.000Z', '2026-12-01T10:30:00.000Z', 20],
      ],
    },
    {
      name: 'successes in between do not break a burst',
      entries: [
        ...failures(APP, '2026-12-01T10:01:00Z', 10, 20),
        ok(APP, '203.0.113.1', '2026-12-01T10:02:00Z'),
      ],
      expected: [[APP, '2026-12-01T10:00:00.000Z', '2026-12-01T10:10:00.000Z', 10]],
    },
  ];
  for (const { name, entries, expected } of cases)
    assert.deepEqual(bursts(detect(entries, { [APP]: ['203.0.113.0/24'] })), expected, name);
});

test('a burst keeps its error codes', () => {
  const [burst] = detect(
    [...failures(APP, '2026-12-01T10:01:00Z', 9, 10), failed(APP, '2026-12-01T10:03:00Z', 7000222)],
    {},
  );
  assert.equal(burst?.reason, 'failure-burst');
  assert.deepEqual(burst.reason === 'failure-burst' && burst.errorCodes, { '7000215': 9, '7000222': 1 });
});

test("the integration's first reading reports no burst; new ranges still need a known baseline", () => {
  const entries = [
    ...failures(APP, '2026-12-01T10:01:00Z', 12, 10),
    ok(APP, '198.51.100.1', '2026-12-01T10:05:00Z'),
  ];
  assert.deepEqual(detect(entries, {}, true), []);
});

test('windows that reach back before the reading began are left to the previous reading', () => {
  // The reading began at 10:03: the window 10:00–10:10 is partly before it, 10:10–10:20 reaches back to 10:01.
  const tally = createSignInTally();
  for (const entry of failures(APP, '2026-12-01T10:04:00Z', 50, 30)) tally.add(entry);
  const found = detectSuspiciousSignIns({
    tally: tally.result(),
    known: new Map(),
    firstReading: false,
    since: '2026-12-01T10:03:00Z',
  });
  assert.deepEqual(bursts(found), [[APP, '2026-12-01T10:20:00.000Z', '2026-12-01T10:30:00.000Z', 20]]);
});

test('detection settings: the threshold and the window are configurable and checked', () => {
  const tally = createSignInTally();
  for (const entry of failures(APP, '2026-12-01T10:01:00Z', 3, 30)) tally.add(entry);
  const found = detectSuspiciousSignIns({
    tally: tally.result(),
    known: new Map(),
    firstReading: false,
    since: SINCE,
    settings: { burstFailures: 3, burstWindowMinutes: 5 },
  });
  assert.deepEqual(bursts(found), [[APP, '2026-12-01T10:00:00.000Z', '2026-12-01T10:05:00.000Z', 3]]);
  assert.equal(invalidDetectionSettings({ burstFailures: 10, burstWindowMinutes: 10 }), null);
  assert.match(invalidDetectionSettings({ burstFailures: 1, burstWindowMinutes: 10 }) ?? '', /burstFailures/);
  assert.match(
    invalidDetectionSettings({ burstFailures: 10, burstWindowMinutes: 61 }) ?? '',
    /burstWindowMinutes/,
  );
  assert.match(
    invalidDetectionSettings({ burstFailures: 10, burstWindowMinutes: 2.5 }) ?? '',
    /burstWindowMinutes/,
  );
});
