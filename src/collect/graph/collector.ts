// Streams a tenant's workload identities from Graph as facts: each list page becomes facts handed to the
// store before the next page is fetched, so memory holds pages, never the tenant.
//
// The plan (why a scan is bounded by Graph's budget rather than by Lanyard; docs/architecture.md, "How a
// scan stays fast"):
// - Five lists run at once, each a chain of pages: applications and service principals at 999 a page with
//   `$select` (1 RU a page), and three expansions at 100 a page: application owners (2 RU), application
//   federated credentials (2 RU) and service principal owners (1 RU). Expanding costs ~0.02 RU per object
//   instead of 1 RU per object for per-identity reads: 50 times less budget than the N+1 approach.
// - Only the two 999-object lists select keyCredentials, so the 150/min keyCredentials limit is spent on
//   pages of 999 (~150,000 objects a minute) and never on the 100-object expansion pages.
// - An object at Graph's cap of 20 expanded items is completed through $batch (20 full lists per call), so
//   even very large owner lists cost one round trip per 20 objects, not one per object.
// - The transport keeps these chains and batches in flight together over keep-alive connections and paces
//   them with a local mirror of Graph's RU bucket, so none of them trips a 429.

import { PermissionMissing, UpstreamFailed } from '../../core/errors.ts';
import { changesIdentity, type IdentityFact } from '../../core/facts.ts';
import { createCounter, type InventoryCounts } from './inventory-counts.ts';
import type { MapContext } from './map.ts';
import { mayBeTruncated, type ResourceDeclaration, resourceUrl } from './resource.ts';
import { INVENTORY_RESOURCES, organization } from './resources/index.ts';
import type { GraphTransport } from './transport.ts';

export type { InventoryCounts };

export interface CollectProgress {
  pages: number;
  objects: number;
  requests: number;
  resourceUnits: number;
  /** The resource whose page was just handled. */
  resource: string;
}

export interface CollectInventoryOptions {
  transport: Pick<GraphTransport, 'get' | 'pages' | 'batch' | 'stats' | 'tokenTenantId'>;
  /** Receives each page's facts; the next page of that list waits for it (backpressure). Never called concurrently. */
  onFacts: (facts: IdentityFact[]) => Promise<void>;
  onProgress?: (progress: CollectProgress) => void;
  signal?: AbortSignal;
  /** The lists to read (default: the inventory resources). */
  resources?: readonly ResourceDeclaration[];
}

export interface CollectInventoryResult {
  tenantId: string;
  tenantDisplayName: string | null;
  counts: InventoryCounts;
  warnings: string[];
  /** False when some data could not be read. */
  complete: boolean;
  requests: number;
  resourceUnits: number;
}

/** Overflowing objects collected before one $batch is sent. */
const BATCH_SIZE = 20;

export async function collectInventory(options: CollectInventoryOptions): Promise<CollectInventoryResult> {
  const { transport } = options;
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  const counter = createCounter();
  const warnings: string[] = [];
  let pages = 0;
  let objects = 0;

  // onFacts is called one page at a time, in the order pages complete.
  let delivery: Promise<void> = Promise.resolve();
  const deliver = (page: IdentityFact[]): Promise<void> => {
    const facts = page.filter(changesIdentity);
    if (facts.length === 0) return delivery;
    counter.add(facts);
    delivery = delivery.then(() => options.onFacts(facts));
    return delivery;
  };

  // The lists start while the tenant id is read; their facts need it only once their first page is in.
  const tenantRead = resolveTenant(transport, signal);
  tenantRead.catch((error: unknown) => failed.abort(error));
  let context: MapContext | null = null;
  const mapContext = async (): Promise<MapContext> => {
    context ??= { tenantId: (await tenantRead).id };
    return context;
  };

  async function completeOverflow(resource: ResourceDeclaration, ids: string[]): Promise<void> {
    const expansion = resource.expansion!;
    const responses = await transport.batch<{ value?: unknown[]; '@odata.nextLink'?: string }>(
      ids.map((id) => ({ id, url: expansion.fullList(id) })),
      { signal, permission: resource.permission },
    );
    const facts: IdentityFact[] = [];
    const context = await mapContext();
    for (const response of responses) {
      if (response.status === 404) {
        warnings.push(`${resource.name}: object ${response.id} was deleted during the scan`);
        continue;
      }
      const items = [...(response.body.value ?? [])];
      // A full list longer than one page continues outside the batch.
      const next = response.body['@odata.nextLink'];
      if (next)
        for await (const page of transport.pages(next, { signal, permission: resource.permission }))
          items.push(...page);
      facts.push(...expansion.mapItems(response.id, items, context));
    }
    await deliver(facts);
  }

  async function walk(resource: ResourceDeclaration): Promise<void> {
    const overflowBatches: Promise<void>[] = [];
    let overflow: string[] = [];
    const flush = () => {
      if (overflow.length === 0) return;
      const batch = completeOverflow(resource, overflow);
      // Handled here so a failure stops the scan at once; awaited again at the end of the list.
      batch.catch((error: unknown) => failed.abort(error));
      overflowBatches.push(batch);
      overflow = [];
    };
    for await (const page of transport.pages<Record<string, unknown>>(resourceUrl(resource), {
      signal,
      permission: resource.permission,
    })) {
      signal.throwIfAborted();
      const context = await mapContext();
      const facts: IdentityFact[] = [];
      for (const raw of page) {
        const expanded = resource.expansion ? raw[resource.expansion.property] : undefined;
        if (Array.isArray(expanded) && mayBeTruncated(resource.expansion!, expanded.length)) {
          overflow.push(String(raw.id));
          if (overflow.length >= BATCH_SIZE) flush();
        } else {
          facts.push(...resource.map(raw, context));
        }
      }
      pages += 1;
      objects += page.length;
      await deliver(facts);
      const stats = transport.stats();
      options.onProgress?.({
        pages,
        objects,
        requests: stats.requests,
        resourceUnits: stats.resourceUnits,
        resource: resource.name,
      });
    }
    flush();
    await Promise.all(overflowBatches);
  }

  const resources = options.resources ?? INVENTORY_RESOURCES;
  // Every list runs to its end or to the first failure anywhere, which stops the others.
  await Promise.allSettled(
    resources.map((r) =>
      walk(r).catch((error: unknown) => {
        failed.abort(error);
        throw error;
      }),
    ),
  );
  await delivery.catch((error: unknown) => failed.abort(error));
  if (options.signal?.aborted) throw options.signal.reason;
  // The first failure, as named by the transport (or the store's own error from onFacts).
  if (failed.signal.aborted) throw failed.signal.reason;
  const tenant = await tenantRead;
  const stats = transport.stats();
  return {
    tenantId: tenant.id,
    tenantDisplayName: tenant.displayName,
    counts: counter.counts(),
    warnings,
    complete: true,
    requests: stats.requests,
    resourceUnits: stats.resourceUnits,
  };
}

/**
 * Our tenant's id from /organization; Application.Read.All does not cover that read, so without
 * Organization.Read.All the id comes from the access token the tenant issued (its `tid` claim).
 */
async function resolveTenant(
  transport: CollectInventoryOptions['transport'],
  signal: AbortSignal,
): Promise<{ id: string; displayName: string | null }> {
  try {
    const body = await transport.get<{ value?: { id?: string; displayName?: string }[] }>(
      resourceUrl(organization),
      {
        signal,
        permission: organization.permission,
      },
    );
    const org = body.value?.[0];
    if (org?.id) return { id: org.id, displayName: org.displayName ?? null };
  } catch (error) {
    if (!(error instanceof PermissionMissing)) throw error;
  }
  const id = await transport.tokenTenantId();
  if (!id)
    throw new UpstreamFailed('cannot tell which tenant was scanned: /organization and the token name none');
  return { id, displayName: null };
}
