// The lower bound of a scan's wall time and the naive script's request count, from Graph's limits.
import type { ChainResult } from './bare-crawl.ts';

/** Graph's medium-tenant budget (facts §1): 5,000 RU per 10 s per app+tenant. */
export const RU_PER_SECOND = 5000 / 10;
export const RU_BURST = 5000;
/** Lists whose $select names keyCredentials: 150 per minute per tenant. */
export const KEY_LISTS_PER_SECOND = 150 / 60;
export const KEY_LISTS_BURST = 150;
/** Graph's default page size for applications and service principals (no $top). */
export const DEFAULT_PAGE = 100;

export interface Bound {
  /** Resource units the answered requests cost, over the budget's rate. */
  ruSeconds: number;
  /** keyCredentials lists over 150 / min. */
  keyListSeconds: number;
  /** The bare crawl of the same list pages. */
  downloadSeconds: number;
  seconds: number;
  binding: 'resource units' | 'keyCredentials lists' | 'download';
  /**
   * The same with the buckets full at the start (the emulator's, like Graph's, start full): what a perfect
   * client could reach, never above `seconds`.
   */
  burstAwareSeconds: number;
}

export function computeBound(input: { resourceUnits: number; keyLists: number; downloadMs: number }): Bound {
  const ruSeconds = input.resourceUnits / RU_PER_SECOND;
  const keyListSeconds = input.keyLists / KEY_LISTS_PER_SECOND;
  const downloadSeconds = input.downloadMs / 1000;
  const seconds = Math.max(ruSeconds, keyListSeconds, downloadSeconds);
  const binding =
    seconds === downloadSeconds
      ? 'download'
      : seconds === ruSeconds
        ? 'resource units'
        : 'keyCredentials lists';
  const burstAwareSeconds = Math.max(
    Math.max(0, input.resourceUnits - RU_BURST) / RU_PER_SECOND,
    Math.max(0, input.keyLists - KEY_LISTS_BURST) / KEY_LISTS_PER_SECOND,
    downloadSeconds,
  );
  return { ruSeconds, keyListSeconds, downloadSeconds, seconds, binding, burstAwareSeconds };
}

/**
 * What the naive script sends for a tenant: default-size list pages of both collections, then one owners
 * read per application and per service principal and one federated-credentials read per application
 * (each fits one page: the generator gives at most 30 owners and 20 federated credentials).
 */
export function naiveRequestsFor(applications: number, servicePrincipals: number): number {
  return (
    Math.ceil(applications / DEFAULT_PAGE) +
    Math.ceil(servicePrincipals / DEFAULT_PAGE) +
    2 * applications +
    servicePrincipals
  );
}

export function longestChain(chains: ChainResult[]): ChainResult | undefined {
  return chains.reduce<ChainResult | undefined>((a, c) => (!a || c.ms > a.ms ? c : a), undefined);
}
