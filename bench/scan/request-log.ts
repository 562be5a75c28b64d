// Reads a contender's run from the emulator's request log: requests on the wire and as Graph counts them
// ($batch items one by one), resource units, 429s, keyCredentials lists, and each list's chain of pages.
import type { RequestRecord } from '../../emulator/context.ts';

export interface ChainStats {
  /** The chain's first request (path and query): its pages differ only by $skiptoken. */
  first: string;
  pages: number;
  throttled: number;
  /** Emulator clock (epoch ms) when the first and the last page were answered. */
  firstAt: number;
  lastAt: number;
}

export interface LogStats {
  /** HTTP requests received: a $batch counts once. */
  httpRequests: number;
  /** As Graph's limits count them: every $batch item once, the $batch envelope not at all. */
  graphRequests: number;
  batches: number;
  batchItems: number;
  resourceUnits: number;
  /** RU of the requests that were answered (not 429): what the work needed. */
  resourceUnitsAnswered: number;
  throttled: number;
  /** Answered list requests of applications / service principals whose $select names keyCredentials. */
  keyCredentialLists: number;
  /** Lists of applications / service principals, grouped into chains of nextLinks. */
  chains: ChainStats[];
  firstAt: number | null;
  lastAt: number | null;
}

const LIST = /^\/(v1\.0|beta)\/(applications|servicePrincipals)(\?|$)/i;
const PER_OBJECT = /^\/(v1\.0|beta)\/(applications|servicePrincipals)\/[^/?]+\//i;
const BATCH = /^\/(v1\.0|beta)\/\$batch/i;

function withoutSkipToken(path: string): string {
  const [base, query = ''] = path.split('?', 2) as [string, string?];
  const kept = query.split('&').filter((p) => p && !/^(\$|%24)skiptoken=/i.test(p));
  return kept.length > 0 ? `${base}?${kept.join('&')}` : base;
}

function selectsKeyCredentials(path: string): boolean {
  const query = path.split('?', 2)[1] ?? '';
  return query.split('&').some((part) => {
    const [name = '', value = ''] = part.split('=', 2);
    const decoded = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    return decoded(name).toLowerCase() === '$select' && /(^|,)keycredentials(,|$)/i.test(decoded(value));
  });
}

/**
 * The emulator logs a $batch's items right before the $batch itself, in one synchronous step and with its
 * time: the items are the per-object reads just before each $batch record with that same time.
 */
/** The collector's far-end reads: a list filtered to named ids (src/collect/graph/far-end.ts). */
const FILTERED_BY_ID = /[?&]\$filter=id(%20| )in(%20| )\(/i;

function batchItemIndexes(records: RequestRecord[]): Set<number> {
  const items = new Set<number>();
  records.forEach((r, i) => {
    if (r.method !== 'POST' || !BATCH.test(r.path)) return;
    for (let j = i - 1; j >= 0; j--) {
      const item = records[j]!;
      const batchable = PER_OBJECT.test(item.path) || FILTERED_BY_ID.test(item.path);
      if (item.time !== r.time || BATCH.test(item.path) || !batchable) break;
      items.add(j);
    }
  });
  return items;
}

export function analyseLog(records: RequestRecord[]): LogStats {
  const items = batchItemIndexes(records);
  const chains = new Map<string, ChainStats>();
  const stats: LogStats = {
    httpRequests: 0,
    graphRequests: 0,
    batches: 0,
    batchItems: items.size,
    resourceUnits: 0,
    resourceUnitsAnswered: 0,
    throttled: 0,
    keyCredentialLists: 0,
    chains: [],
    firstAt: null,
    lastAt: null,
  };
  records.forEach((r, i) => {
    const isBatch = r.method === 'POST' && BATCH.test(r.path);
    if (!items.has(i)) stats.httpRequests += 1;
    if (isBatch) stats.batches += 1;
    else stats.graphRequests += 1;
    stats.resourceUnits += r.resourceUnits;
    if (!r.throttled) stats.resourceUnitsAnswered += r.resourceUnits;
    if (r.throttled) stats.throttled += 1;
    stats.firstAt = Math.min(stats.firstAt ?? r.time, r.time);
    stats.lastAt = Math.max(stats.lastAt ?? r.time, r.time);
    if (r.method !== 'GET' || items.has(i) || !LIST.test(r.path)) return;
    if (r.status === 200 && selectsKeyCredentials(r.path)) stats.keyCredentialLists += 1;
    // A far-end read names its objects (`$filter=id in (…)`): one page, not the head of a chain.
    if (FILTERED_BY_ID.test(r.path)) return;
    const key = withoutSkipToken(r.path);
    let chain = chains.get(key);
    if (!chain) {
      chain = { first: key, pages: 0, throttled: 0, firstAt: r.time, lastAt: r.time };
      chains.set(key, chain);
    }
    if (r.throttled) chain.throttled += 1;
    else if (r.status === 200) chain.pages += 1;
    chain.lastAt = Math.max(chain.lastAt, r.time);
  });
  stats.chains = [...chains.values()];
  return stats;
}
