// The far end of an expanded list: while the list's chain of pages reads objects from the front, 100 a page
// and one page per round trip, this reader takes the ids the identity list has named from the back and
// reads their expansion in many requests at once, paced only by the RU budget. The two skip what the other
// has claimed; the part is whole once every listed id is claimed and read (docs/architecture.md, "How a scan
// stays fast").
//
// The documented limits it rests on (reference/microsoft-cloud-facts.md §1.2, §2, §4):
// - `id in (…)` is a default filter on applications and servicePrincipals, limited to 15 expressions "by
//   default OR a URL length of 2,048 characters when using advanced query capabilities" (Graph known issues,
//   developer.microsoft.com/graph/known-issues, search 13635); `$expand` is not supported with advanced
//   queries, so a filtered expansion names at most 15 ids.
// - `$top` below 20 takes 1 RU off: `$filter=id in (15 ids)&$select=id&$expand=owners&$top=15` costs 1 RU
//   for applications (2 − 1 + 1 − 1) and for service principals (the minimum), ~0.07 RU per object against
//   ~0.02 on the chain but with no chain to wait on.
// - `$batch` carries 20 such reads (each charged as its own request), so one round trip reads 300 objects.
import { UpstreamFailed } from '../../core/errors.ts';
import type { IdentityFact } from '../../core/facts.ts';
import { readBatchedLists } from './collector-reads.ts';
import type { Coverage } from './coverage.ts';
import { QueryRefused } from './graph-errors.ts';
import type { MapContext } from './map.ts';
import { type FallbackPlan, type ResourceDeclaration, resourceUrl, splitAtCap } from './resource.ts';
import type { GraphTransport } from './transport.ts';

/** Graph's default limit of expressions in one `in` filter (known issue 13635). */
export const ID_IN_LIMIT = 15;
/** Graph's limit of requests in one `$batch` (facts §4). */
const BATCH_ITEMS = 20;
/**
 * Far-end `$batch` calls in flight per part: three parts with four each and the five chains about fill the
 * transport's 16 connections; more would queue chain pages behind batches.
 */
const BATCHES_IN_FLIGHT = 4;

export interface FarEndReader {
  transport: Pick<GraphTransport, 'get' | 'pages' | 'batch'>;
  resource: ResourceDeclaration;
  /** The plan the chain confirmed on its first page: the far end asks for the same `$select`/`$expand`. */
  fallback: FallbackPlan | null;
  coverage: Coverage;
  signal: AbortSignal;
  contextFor(): Promise<MapContext>;
  /** Hands facts to the store (in order with the chain's). */
  deliver(facts: IdentityFact[]): Promise<void>;
  /** Objects at the expansion cap, read in full like the chain's. */
  overflow(ids: string[]): void;
  progress(objects: number): void;
  warn(message: string): void;
}

/** `${path}?$filter=id in ('…',…)&$select=id&$expand=…&$top=n` with the chain's own `$select`/`$expand`. */
export function filteredExpansionUrl(
  resource: ResourceDeclaration,
  fallback: FallbackPlan | null,
  ids: readonly string[],
): string {
  const query = fallback?.query ?? resource.query;
  const quoted = ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
  return resourceUrl({
    path: fallback?.path ?? resource.path,
    query: {
      $filter: `id in (${quoted})`,
      ...(query.$select ? { $select: query.$select } : {}),
      ...(query.$expand ? { $expand: query.$expand } : {}),
      // Below 20: 1 RU less (facts §1.2); never fewer than the ids named, so no page follows.
      $top: String(ID_IN_LIMIT),
    },
  });
}

/**
 * Reads claimed ids from the back until the coverage stops or every listed id is claimed. Graph refusing
 * the filtered read (400) gives the ids back and leaves the part to its chain, with a warning.
 */
export async function readFarEnd(reader: FarEndReader): Promise<void> {
  const { coverage, resource } = reader;
  const inFlight = new Set<Promise<void>>();
  const aborted = abortion(reader.signal);
  aborted.catch(() => {});
  let refused: QueryRefused | null = null;
  // A versioned path (`/beta/...`) cannot ride in a v1.0 `$batch`: its groups are read one request each.
  const batched = !/^\/(v1\.0|beta)\//.test(reader.fallback?.path ?? resource.path);
  const perCall = batched ? BATCH_ITEMS * ID_IN_LIMIT : ID_IN_LIMIT;
  const maxInFlight = batched ? BATCHES_IN_FLIGHT : BATCHES_IN_FLIGHT * 2;

  const readGroups = async (ids: string[]): Promise<void> => {
    const groups: string[][] = [];
    for (let i = 0; i < ids.length; i += ID_IN_LIMIT) groups.push(ids.slice(i, i + ID_IN_LIMIT));
    const urls = groups.map((group) => filteredExpansionUrl(resource, reader.fallback, group));
    // Background: a chain page reads 100 objects for 1–2 RU, a far-end read 15 for 1 RU; the chains are paid first.
    const request = { signal: reader.signal, permission: resource.permission, background: true };
    const raws: Record<string, unknown>[] = [];
    try {
      if (batched) {
        const lists = await readBatchedLists(
          reader.transport,
          urls.map((url, i) => ({ id: String(i), url })),
          request,
        );
        for (const { id, items } of lists) {
          // A filtered read names no object: it has no 404 to give, so one is a failure like any other.
          if (items === null)
            throw new UpstreamFailed(`Graph answered ${urls[Number(id)]!.split('?')[0]} with 404`);
          raws.push(...(items as Record<string, unknown>[]));
        }
      } else {
        // As list pages, so a page without its `value` is retried like the chain's.
        for await (const page of reader.transport.pages<Record<string, unknown>>(urls[0]!, request))
          raws.push(...page);
      }
    } catch (error) {
      if (!(error instanceof QueryRefused)) throw error;
      refused ??= error;
      coverage.release(ids);
      return;
    }
    const { facts, atCap } = splitAtCap(resource, raws, await reader.contextFor());
    // Ids Graph did not return were deleted after they were listed: nothing of them to read.
    if (atCap.length > 0) reader.overflow(atCap);
    await reader.deliver(facts);
    reader.progress(ids.length);
  };

  for (;;) {
    reader.signal.throwIfAborted();
    while (refused === null && inFlight.size < maxInFlight) {
      const ids = coverage.takeFromBack(perCall);
      if (ids.length === 0) break;
      const read = readGroups(ids).finally(() => inFlight.delete(read));
      inFlight.add(read);
    }
    if (inFlight.size > 0) {
      await Promise.race(inFlight);
      continue;
    }
    if (refused !== null) {
      reader.warn(
        `${resource.name}: Graph refused reading objects by id in parallel (${(refused as QueryRefused).message}); ` +
          'read from the list alone',
      );
      return;
    }
    if (coverage.isStopped || coverage.allClaimed) return;
    await Promise.race([coverage.next(), aborted]);
  }
}

function abortion(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
