// Reads named objects the way a full scan reads every object, for the objects an incremental scan knows changed:
// their listing (`$filter=id in (15 ids)` with the list's own `$select`, 1 RU per 15) and each relationship the
// full scan expands (owners, federated credentials: the same filtered expansion the far end reads, 1–2 RU per
// 15, or one full list per object where the integration's Graph refused that plan), 20 reads a `$batch`.
import type { IdentityFact } from '../../core/facts.ts';
import { type BatchedList, readBatchedLists } from './collector-reads.ts';
import { filteredExpansionUrl, ID_IN_LIMIT } from './far-end.ts';
import { QueryRefused } from './graph-errors.ts';
import type { MapContext } from './map.ts';
import { type FallbackPlan, type ResourceDeclaration, resourceUrl, splitAtCap } from './resource.ts';
import type { GraphTransport } from './transport.ts';

type Reader = Pick<GraphTransport, 'pages' | 'batch'>;

/** `$batch` items per call (facts §4) and calls in flight per read. */
const BATCH_ITEMS = 20;
const BATCHES_IN_FLIGHT = 4;

export interface ByIdOptions {
  signal: AbortSignal;
  deliver(facts: IdentityFact[]): Promise<void>;
  progress(objects: number): void;
}

function groupsOf(ids: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** Runs `work` over `items` with at most `limit` at once; the first failure rejects (the rest are not started). */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== null) throw failed;
}

/**
 * Lists read through `$batch` (a versioned path such as `/beta/...` cannot ride in a v1.0 batch: one request
 * each there). A filtered read has no 404 to give: one is a failure like any other.
 */
async function readLists(
  reader: Reader,
  urls: readonly string[],
  options: { signal: AbortSignal; permission: string },
): Promise<BatchedList[]> {
  if (urls.length === 0) return [];
  if (/^\/(v1\.0|beta)\//.test(urls[0]!)) {
    const lists: BatchedList[] = [];
    for (const [i, url] of urls.entries()) {
      const items: unknown[] = [];
      for await (const page of reader.pages(url, options)) items.push(...page);
      lists.push({ id: String(i), items });
    }
    return lists;
  }
  return readBatchedLists(
    reader,
    urls.map((url, i) => ({ id: String(i), url })),
    options,
  );
}

/** Listings of named objects: identity facts for those that still exist (gone ones are simply not returned). */
export async function readListingsById(
  reader: Reader,
  resource: ResourceDeclaration,
  ids: readonly string[],
  options: ByIdOptions & { query?: Record<string, string>; context(): Promise<MapContext> },
): Promise<number> {
  const query = options.query ?? resource.query;
  let found = 0;
  const urls = groupsOf(ids, ID_IN_LIMIT).map((group) =>
    resourceUrl({
      path: resource.path,
      query: {
        $filter: `id in (${group.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')})`,
        ...(query.$select ? { $select: query.$select } : {}),
        // Below 20: 1 RU less (facts §1.2); never fewer than the ids named, so no page follows.
        $top: String(ID_IN_LIMIT),
      },
    }),
  );
  await eachLimited(groupsOf(urls, BATCH_ITEMS), BATCHES_IN_FLIGHT, async (batch) => {
    const lists = await readLists(reader, batch, { signal: options.signal, permission: resource.permission });
    const context = await options.context();
    const facts: IdentityFact[] = [];
    for (const { items } of lists) {
      for (const raw of items ?? []) facts.push(...resource.map(raw, context));
      found += items?.length ?? 0;
    }
    await options.deliver(facts);
    options.progress(lists.reduce((n, l) => n + (l.items?.length ?? 0), 0));
  });
  return found;
}

/**
 * One relationship of named objects, read with the plan the integration's Graph accepted (the declaration's
 * own, a fallback, or each object's full list), degrading while Graph refuses a query option as a full scan's
 * list does. Returns the plan that worked, to remember.
 */
export async function readRelationById(
  reader: Reader,
  resource: ResourceDeclaration,
  ids: readonly string[],
  options: ByIdOptions & {
    remembered: string | undefined;
    contextFor(plan: FallbackPlan | null): Promise<MapContext>;
    warn(message: string): void;
  },
): Promise<FallbackPlan | null> {
  const expansion = resource.expansion!;
  const plans: Array<FallbackPlan | null> = [null, ...(resource.fallbacks ?? [])];
  let index = Math.max(
    0,
    plans.findIndex((p) => p?.id === options.remembered),
  );
  const request = { signal: options.signal, permission: resource.permission };
  for (;;) {
    const plan = plans[index] ?? null;
    try {
      const fullLists = async (targets: readonly string[]) => {
        const lists = await readLists(
          reader,
          targets.map((id) => expansion.fullList(id)),
          request,
        );
        const context = await options.contextFor(plan);
        const facts: IdentityFact[] = [];
        for (const [i, { items }] of lists.entries())
          if (items !== null) facts.push(...expansion.mapItems(targets[i]!, items, context));
        await options.deliver(facts);
      };
      if (plan?.perObject) {
        await eachLimited(groupsOf(ids, BATCH_ITEMS), BATCHES_IN_FLIGHT, async (group) => {
          await fullLists(group);
          options.progress(group.length);
        });
      } else {
        const urls = groupsOf(ids, ID_IN_LIMIT).map((group) => filteredExpansionUrl(resource, plan, group));
        await eachLimited(groupsOf(urls, BATCH_ITEMS), BATCHES_IN_FLIGHT, async (batch) => {
          const lists = await readLists(reader, batch, request);
          const raws = lists.flatMap((l) => (l.items ?? []) as Record<string, unknown>[]);
          const { facts, atCap } = splitAtCap(resource, raws, await options.contextFor(plan));
          await options.deliver(facts);
          // Objects at Graph's cap of 20 expanded items: their full list.
          for (const group of groupsOf(atCap, BATCH_ITEMS)) await fullLists(group);
          options.progress(raws.length);
        });
      }
      return plan;
    } catch (error) {
      const next = plans[index + 1];
      if (!(error instanceof QueryRefused) || next === undefined) throw error;
      options.warn(
        `${resource.name}: ${error.message}; falling back to the ${next!.id} plan (${next!.cost})`,
      );
      index += 1;
    }
  }
}
