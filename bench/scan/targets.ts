// The targets, judged on the latest figures of every size measured so far.
import type { SizeResult } from './measure.ts';

export interface TargetVerdict {
  target: string;
  met: boolean | null;
  figures: string;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Graph-counted requests: $batch items count one by one, as Graph's limits count them. */
const lanyardRequests = (r: SizeResult) => r.lanyard.log.graphRequests;

export function judgeTargets(results: SizeResult[]): TargetVerdict[] {
  const at = (apps: number) => results.find((r) => r.apps === apps);
  const verdicts: TargetVerdict[] = [];
  const big = at(100_000);
  const small = at(2_000);
  const tenK = at(10_000);

  if (big) {
    const ratio = big.lanyard.wallMs / 1000 / big.bound.seconds;
    verdicts.push({
      target: '100,000 apps: wall within 1.3x of the bound',
      met: ratio <= 1.3,
      figures: `${fmt(big.lanyard.wallMs / 1000)} s / ${fmt(big.bound.seconds)} s = ${fmt(ratio, 2)}x (bound: ${big.bound.binding})`,
    });
    const fewer = big.naive.requests / lanyardRequests(big);
    const fewerHttp = big.naive.requests / big.lanyard.log.httpRequests;
    verdicts.push({
      target: '100,000 apps: at least 100x fewer requests than naive',
      met: fewer >= 100,
      figures:
        `${big.naive.requests.toLocaleString('en')} ${big.naive.measured ? 'measured' : 'computed'} / ` +
        `${lanyardRequests(big).toLocaleString('en')} Graph-counted = ${fmt(fewer, 0)}x ` +
        `(/ ${big.lanyard.log.httpRequests.toLocaleString('en')} HTTP requests = ${fmt(fewerHttp, 0)}x)`,
    });
  } else {
    verdicts.push({
      target: '100,000 apps: wall within 1.3x of the bound',
      met: null,
      figures: 'not measured',
    });
  }

  if (small?.naive.measured && small.naive.wallMs !== null) {
    const faster = small.naive.wallMs / small.lanyard.wallMs;
    verdicts.push({
      target: '2,000 apps: at least 100x faster than naive (sign-in and storing included)',
      met: faster >= 100,
      figures: `${fmt(small.naive.wallMs / 1000)} s / ${fmt(small.lanyard.wallMs / 1000, 2)} s = ${fmt(faster, 0)}x`,
    });
  } else {
    verdicts.push({
      target: '2,000 apps: at least 100x faster than naive',
      met: null,
      figures: 'naive not measured at 2,000',
    });
  }

  const peak = Math.max(...results.map((r) => r.lanyard.peakRssMB));
  verdicts.push({
    target: 'peak RSS under 512 MB',
    met: peak < 512,
    figures: results
      .map((r) => `${r.apps.toLocaleString('en')}: ${fmt(r.lanyard.peakRssMB, 0)} MB`)
      .join(', '),
  });
  if (tenK && big) {
    const growth = big.lanyard.peakRssMB / tenK.lanyard.peakRssMB;
    verdicts.push({
      target: 'peak RSS grows no more than 1.3x from 10,000 to 100,000 apps',
      met: growth <= 1.3,
      figures: `${fmt(tenK.lanyard.peakRssMB, 0)} → ${fmt(big.lanyard.peakRssMB, 0)} MB = ${fmt(growth, 2)}x`,
    });
  }
  return verdicts;
}
