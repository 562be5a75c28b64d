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
//   pages of 999 (~150,000 objects a minute) and never on the 100-object expansion pages; where the two would
//   need more pages than the limit lets through at once, the service principals are read as whole objects,
//   which return keyCredentials outside it.
// - Each expanded list is also read from its far end (far-end.ts), the two meeting where their paces say
//   (coverage.ts); far-end reads take the budget only after the chains.
// - An object at Graph's cap of 20 expanded items is completed through $batch (20 full lists per call), so
//   even very large owner lists cost one round trip per 20 objects, not one per object.
// - The transport keeps these chains and batches in flight together over keep-alive connections and paces
//   them with a local mirror of Graph's RU bucket, so none of them trips a 429.
// - Each list is a part of the scan. Where Graph refuses a query option with 400 on a list's first page (the
//   documents disagree on several), the list degrades to its declaration's next plan, and the plan that
//   worked is returned for the caller to remember. Owners and federated credentials are optional parts: one
//   that fails alone leaves its aspect unknown (the store keeps the previous data) while the rest read on.
// - What each service principal holds (app roles, delegated grants, directory roles) is read beside the lists
//   from the resource side (access.ts), as one more optional part.

import { PermissionMissing } from '../../core/errors.ts';
import { changesIdentity, type IdentityFact } from '../../core/facts.ts';
import { createPartTracker, holdsScanBack, type PartTracker } from '../../core/scan-parts.ts';
import { type AzureAccess, assertAzureReadable, readAzureAccess } from '../arm/azure-access.ts';
import { ACCESS_PART, MANAGED_IDENTITY_FEDERATED_PART, readAccess, readDirectoryRoles } from './access.ts';
import { failsAlone, readBatchedLists, readDisabledUsers, resolveTenant } from './collector-reads.ts';
import type { Coverage } from './coverage.ts';
import { createDeliveryQueue } from './delivery-queue.ts';
import { readFarEnd } from './far-end.ts';
import { QueryRefused } from './graph-errors.ts';
import { createCounter, type InventoryCounts } from './inventory-counts.ts';
import {
  isRemembered,
  KEY_CREDENTIAL_PAGES_AT_ONCE,
  planLists,
  SwitchToWholeObjects,
  wholeObjectsPlan,
} from './list-plan.ts';
import type { MapContext } from './map.ts';
import { needsOwnerRoles, type PrincipalRoles, principalRolesOf, withOwnerRoles } from './owner-roles.ts';
import { startProtectionReads, type TenantReading } from './protection.ts';
import { type FallbackPlan, type ResourceDeclaration, resourceUrl, splitAtCap } from './resource.ts';
import { INVENTORY_RESOURCES } from './resources/index.ts';
import {
  type ReadSignInActivityOptions,
  readSignInActivity,
  SIGN_IN_PART,
  type SignInReading,
} from './sign-in-activity.ts';
import type { GraphTransport } from './transport.ts';

/** Owners Graph gave by id only: said once per scan, with the permission that would name them. */
export function unreadableOwnersWarning(count: number): string {
  return (
    `${count} owners came back with their id only: the reader may not read them; grant it ` +
    'User.Read.All or Directory.Read.All to see their names and whether they are enabled'
  );
}

export type { InventoryCounts };

export interface CollectProgress {
  pages: number;
  objects: number;
  requests: number;
  resourceUnits: number;
  /** The resource whose page was just handled. */
  resource: string;
}

/** Which fallback each list uses, by resource name; lists on their first plan are not named. */
export type QueryPlan = Record<string, string>;

export interface CollectInventoryOptions {
  transport: Pick<GraphTransport, 'get' | 'pages' | 'batch' | 'stats' | 'tokenTenantId'> &
    Partial<Pick<GraphTransport, 'resourceUnitsPerSecond'>>;
  /** Receives each page's facts; the next page of that list waits for it (backpressure). Never called concurrently. */
  onFacts: (facts: IdentityFact[]) => Promise<void>;
  onProgress?: (progress: CollectProgress) => void;
  signal?: AbortSignal;
  /** The lists to read (default: the inventory resources). */
  resources?: readonly ResourceDeclaration[];
  /** The plan that worked last time for this tenant: lists start at the fallback it names. */
  plan?: QueryPlan;
  /** Told which parts the scan has and how each ends; the caller still knows them if the scan is cut. */
  parts?: PartTracker;
  /** Told each identity collection's size (Graph's `$count`) once counted, if Graph counts. */
  onCounted?: (counts: ReadonlyMap<string, number>) => void;
  /** Pages that select keyCredentials the identity lists may take before one reads whole objects (tests). */
  keyCredentialPagesAtOnce?: number;
  /** Also read what each service principal holds (access.ts), as an optional part (default false). */
  access?: boolean;
  /**
   * Azure Resource Manager, read with `access`: role assignments join the access part, and user-assigned
   * identities' federated credentials are a part of their own (azure-access.ts).
   */
  arm?: Pick<GraphTransport, 'pages'>;
  /** Which subscriptions to read (pinned) and which a previous complete reading saw (azure-access.ts). */
  subscriptions?: { pinned: readonly string[] | null; expected: readonly string[] };
  /** Also read when identities and credentials last signed in (sign-in-activity.ts), as an optional part. */
  signIns?: Pick<ReadSignInActivityOptions, 'readThrough' | 'onObservations' | 'now'>;
  /** Also read the Conditional Access policies and Entra ID Protection's risk (protection.ts), optional parts. */
  protection?: boolean;
}

export interface CollectInventoryResult {
  tenantId: string;
  tenantDisplayName: string | null;
  counts: InventoryCounts;
  warnings: string[];
  /** False when some data could not be read, except optional parts a missing permission or licence holds back. */
  complete: boolean;
  requests: number;
  resourceUnits: number;
  /** The plan this scan ended with, to remember for the next one. */
  plan: QueryPlan;
  /** What the sign-in part read, when it completed. */
  signIns?: SignInReading;
  /** The Azure subscriptions the access part read, when it completed. */
  azureSubscriptions?: string[];
  /** Tenant-wide readings of the parts that completed (protection.ts), stored whole on commit. */
  tenantReadings?: TenantReading[];
}

/** Overflowing objects collected before one $batch is sent. */
const BATCH_SIZE = 20;
/** Ids listed per page when a part is read object by object. */
const ID_PAGE = 999;

/** A query option refused on a list's first page: the next plan may read it. */
class FirstPageRefused extends Error {
  constructor(readonly refusal: QueryRefused) {
    super(refusal.message, { cause: refusal });
  }
}

export async function collectInventory(options: CollectInventoryOptions): Promise<CollectInventoryResult> {
  const { transport } = options;
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  const counter = createCounter();
  const parts = options.parts ?? createPartTracker();
  const warnings: string[] = [];
  const plan: QueryPlan = {};
  const keyCredentialPagesAtOnce = options.keyCredentialPagesAtOnce ?? KEY_CREDENTIAL_PAGES_AT_ONCE;
  let unreadableOwners = 0;

  // onFacts is called one page at a time, identity pages first, the rest in the order they complete.
  const deliveries = createDeliveryQueue(options.onFacts);
  // Set below when the scan reads access: user owners then carry their directory roles (owner-roles.ts).
  let ownerRoles: Promise<PrincipalRoles> | null = null;
  const deliver = async (page: IdentityFact[]): Promise<void> => {
    let facts = page.filter(changesIdentity);
    // An owners page waits for the tenant-wide role lists, read from the scan's start (a few requests, done
    // long before the owner chains are): their roles are stored with the owners, unknown when unread.
    if (ownerRoles && needsOwnerRoles(facts)) facts = withOwnerRoles(facts, await ownerRoles);
    if (facts.length === 0) return;
    counter.add(facts);
    for (const fact of facts)
      if (fact.aspect === 'owners')
        for (const o of fact.owners) if (o.readable === false) unreadableOwners += 1;
    await deliveries.deliver(
      facts,
      facts.some((f) => f.aspect === 'identity'),
    );
  };

  // The lists start while the tenant id is read; their facts need it only once their first page is in.
  const tenantRead = resolveTenant(transport, signal);
  tenantRead.catch((error: unknown) => failed.abort(error));
  let context: MapContext | null = null;
  const mapContext = async (): Promise<MapContext> => {
    context ??= { tenantId: (await tenantRead).id };
    return context;
  };
  // Only a plain owners expansion leaves accountEnabled out; read the disabled users once, when one needs it.
  let disabledUsers: Promise<ReadonlySet<string> | null> | null = null;
  const ownerContext = async (): Promise<MapContext> => {
    disabledUsers ??= readDisabledUsers(transport, signal);
    return { ...(await mapContext()), disabledUsers: await disabledUsers };
  };

  const progress = progressReporter(transport, options.onProgress);

  /** Reads objects' full lists through $batch and delivers their facts. */
  async function readFullLists(
    resource: ResourceDeclaration,
    ids: string[],
    partSignal: AbortSignal,
    contextFor: () => Promise<MapContext>,
  ): Promise<void> {
    const expansion = resource.expansion!;
    const lists = await readBatchedLists(
      transport,
      ids.map((id) => ({ id, url: expansion.fullList(id) })),
      { signal: partSignal, permission: resource.permission },
    );
    const facts: IdentityFact[] = [];
    const context = await contextFor();
    for (const { id, items } of lists) {
      if (items === null) warnings.push(`${resource.name}: object ${id} was deleted during the scan`);
      else facts.push(...expansion.mapItems(id, items, context));
    }
    await deliver(facts);
  }

  /** One list, read page by page with its expansion; objects at the expansion cap are read in full. */
  async function walkList(
    resource: ResourceDeclaration,
    fallback: FallbackPlan | null,
    partSignal: AbortSignal,
  ) {
    const overflowBatches: Promise<void>[] = [];
    const overflowFailed = new AbortController();
    const listSignal = AbortSignal.any([partSignal, overflowFailed.signal]);
    // An expansion whose identity list runs beside it is read from both ends (far-end.ts); the chain stops
    // once every listed object is claimed.
    const coverage = resource.expansion ? coverages.get(resource) : undefined;
    const listings = resource.part?.aspect === 'identity' ? listingsOf(resource.path) : [];
    const chainStop = new AbortController();
    const chainSignal = AbortSignal.any([listSignal, chainStop.signal]);
    // A chain that fails stops its far end too: nothing more of a failed part is read.
    const farEndStop = new AbortController();
    const farEndSignal = AbortSignal.any([listSignal, farEndStop.signal]);
    void coverage?.whenAllClaimed().then(() => chainStop.abort());
    let farEnd: Promise<void> | null = null;
    const contextFor = fallback?.id === 'plain-expand' ? ownerContext : mapContext;
    let overflow: string[] = [];
    const flush = () => {
      if (overflow.length === 0) return;
      const batch = readFullLists(resource, overflow, listSignal, contextFor);
      // Handled here so a failure stops the list at once; awaited again at its end.
      batch.catch((error: unknown) => overflowFailed.abort(error));
      overflowBatches.push(batch);
      overflow = [];
    };
    const url = resourceUrl({
      path: fallback?.path ?? resource.path,
      query: fallback?.query ?? resource.query,
    });
    let read = 0;
    try {
      for await (const page of transport.pages<Record<string, unknown>>(url, {
        signal: chainSignal,
        permission: resource.permission,
      })) {
        listSignal.throwIfAborted();
        read += 1;
        // Decided once, on the first page and before any of it is used: the count was asked at the same moment.
        if (read === 1 && !fallback && resource.wholeObjectsQuery && (await wholeObjectsWanted))
          throw new SwitchToWholeObjects();
        const context = await contextFor();
        for (const listing of listings) listing.list(page.map((raw) => String(raw.id)));
        const claimed = coverage ? page.filter((raw) => coverage.claim(String(raw.id))) : page;
        coverage?.chainRead(page.length);
        const { facts, atCap } = splitAtCap(resource, claimed, context);
        overflow.push(...atCap);
        if (overflow.length >= BATCH_SIZE) flush();
        await deliver(facts);
        progress(resource.name, page.length);
        // The first page confirmed the plan's query options: the far end may ask with the same ones.
        if (coverage && !farEnd)
          farEnd = startFarEnd(resource, fallback, coverage, farEndSignal, contextFor, {
            overflow: (ids) => {
              overflow.push(...ids);
              if (overflow.length >= BATCH_SIZE) flush();
            },
            failed: (error) => overflowFailed.abort(error),
          });
        if (chainStop.signal.aborted) break;
      }
    } catch (error) {
      if (error instanceof SwitchToWholeObjects) throw error;
      if (overflowFailed.signal.aborted) throw overflowFailed.signal.reason;
      const stoppedEarly = chainStop.signal.aborted && !listSignal.aborted;
      if (!stoppedEarly) {
        if (error instanceof QueryRefused && read === 0) throw new FirstPageRefused(error);
        coverage?.stop();
        farEndStop.abort(error);
        throw error;
      }
    }
    for (const listing of listings) listing.completeListing();
    coverage?.stop();
    await farEnd;
    if (overflowFailed.signal.aborted) throw overflowFailed.signal.reason;
    flush();
    await Promise.all(overflowBatches);
  }

  /** The far-end reader of one part, its failures stopping the part's list. */
  function startFarEnd(
    resource: ResourceDeclaration,
    fallback: FallbackPlan | null,
    coverage: Coverage,
    listSignal: AbortSignal,
    contextFor: () => Promise<MapContext>,
    hooks: { overflow(ids: string[]): void; failed(error: unknown): void },
  ): Promise<void> {
    const reading = readFarEnd({
      transport,
      resource,
      fallback,
      coverage,
      signal: listSignal,
      contextFor,
      deliver,
      overflow: hooks.overflow,
      progress: (count) => progress(resource.name, count),
      warn: (message) => warnings.push(message),
    });
    // Handled here so a failure stops the list at once; awaited again at its end.
    reading.catch(hooks.failed);
    return reading.catch(() => {});
  }

  /** The last resort: list the ids, then read every object's full list through $batch. */
  async function readPerObject(resource: ResourceDeclaration, partSignal: AbortSignal): Promise<number> {
    const url = resourceUrl({ path: resource.path, query: { $select: 'id', $top: String(ID_PAGE) } });
    let count = 0;
    for await (const page of transport.pages<{ id?: string }>(url, {
      signal: partSignal,
      permission: resource.permission,
    })) {
      const ids = page.map((raw) => String(raw.id));
      count += ids.length;
      await readFullLists(resource, ids, partSignal, mapContext);
      progress(resource.name, ids.length);
    }
    return count;
  }

  /** Reads one part, degrading its plan while Graph refuses a query option; records how the part ended. */
  async function readPart(resource: ResourceDeclaration): Promise<void> {
    const plans: Array<FallbackPlan | null> = [null, ...(resource.fallbacks ?? [])];
    const remembered = options.plan?.[resource.name];
    let index = Math.max(
      0,
      plans.findIndex((p) => p?.id === remembered),
    );
    const partFailed = new AbortController();
    const partSignal = AbortSignal.any([signal, partFailed.signal]);
    for (;;) {
      const current = plans[index] ?? null;
      try {
        if (current?.perObject) {
          const count = await readPerObject(resource, partSignal);
          warnings.push(`${resource.name}: read object by object (${current.cost}): ${count} objects`);
        } else {
          await walkList(resource, current, partSignal);
        }
        // A plan chosen for the tenant's size is chosen again each scan; only refusals are remembered.
        if (current && isRemembered(current)) {
          plan[resource.name] = current.id;
          if (index > 0 && current.id === remembered && !current.perObject) {
            warnings.push(`${resource.name}: read with the ${current.id} plan this Graph needed before`);
          }
        }
        if (resource.part) parts.complete(resource.name);
        return;
      } catch (error) {
        if (error instanceof SwitchToWholeObjects) {
          warnings.push(
            `${resource.name}: read as whole objects: the identity lists need more than ` +
              `${keyCredentialPagesAtOnce} pages that select keyCredentials, Graph's limit at once`,
          );
          plans.splice(index + 1, 0, wholeObjectsPlan(resource));
          index += 1;
          continue;
        }
        if (!(error instanceof FirstPageRefused)) throw error;
        const next = plans[index + 1];
        if (!next) throw error.refusal;
        warnings.push(
          `${resource.name}: ${error.refusal.message}; falling back to the ${next.id} plan (${next.cost})`,
        );
        index += 1;
      }
    }
  }

  const resources = options.resources ?? INVENTORY_RESOURCES;
  // Each expanded part whose collection has an identity list in this scan gets a far end (far-end.ts).
  const { coverages, wholeObjectsWanted } = planLists({
    transport,
    resources,
    signal,
    keyCredentialPagesAtOnce,
    ...(options.onCounted ? { onCounted: options.onCounted } : {}),
  });
  const listingsOf = (path: string): Coverage[] =>
    resources.filter((r) => r.expansion && r.path === path).flatMap((r) => coverages.get(r) ?? []);
  for (const r of resources)
    if (r.part) parts.declare({ name: r.name, ...r.part, optional: r.optional ?? false });
  const withAccess = options.access ?? false;
  if (withAccess) parts.declare(ACCESS_PART);
  // The role lists serve the access part and the owners' roles alike: read once, with no request of their own.
  const rolesRead = withAccess
    ? readDirectoryRoles(transport, signal, (count) => progress(ACCESS_PART.name, count))
    : undefined;
  rolesRead?.catch(() => {});
  if (rolesRead) ownerRoles = principalRolesOf(rolesRead);
  const azure =
    withAccess && options.arm
      ? readAzureAccess(options.arm, {
          signal,
          pinned: options.subscriptions?.pinned ?? null,
          expected: options.subscriptions?.expected ?? [],
        })
      : undefined;
  // Awaited by both parts below; a failure is theirs to report, not an unhandled rejection.
  azure?.catch(() => {});
  if (azure) parts.declare(MANAGED_IDENTITY_FEDERATED_PART);
  let azureSubscriptions: string[] | undefined;
  /** User-assigned identities' federated credentials, which ARM holds: merged into their credentials. */
  async function readManagedIdentityFederatedPart(reading: Promise<AzureAccess>): Promise<void> {
    const found = await reading;
    assertAzureReadable(found);
    await deliver(
      [...found.userAssignedIdentities.values()].map((identity) => ({
        aspect: 'federated' as const,
        objectId: identity.principalId,
        credentials: identity.federatedCredentials,
      })),
    );
    parts.complete(MANAGED_IDENTITY_FEDERATED_PART.name);
  }
  /** The access part: read beside the lists, its facts delivered at once when every read is done. */
  async function readAccessPart(): Promise<void> {
    const facts = await readAccess({
      transport,
      ...(rolesRead ? { roles: rolesRead } : {}),
      ...(azure ? { azure } : {}),
      signal,
      onRead: (count) => progress(ACCESS_PART.name, count),
    });
    await deliver(facts);
    if (azure) azureSubscriptions = (await azure).subscriptions.map((s) => s.subscriptionId);
    parts.complete(ACCESS_PART.name);
  }
  const signInOptions = options.signIns;
  if (signInOptions) parts.declare(SIGN_IN_PART);
  let signIns: SignInReading | undefined;
  /** The sign-in part: its observations go straight to the caller, apart from the identities' facts. */
  async function readSignInPart(settings: NonNullable<typeof signInOptions>): Promise<void> {
    signIns = await readSignInActivity({
      transport,
      signal,
      ...settings,
      onRead: (count) => progress(SIGN_IN_PART.name, count),
    });
    parts.complete(SIGN_IN_PART.name);
  }
  const optionalFailure = (name: string) => (error: unknown) => {
    if (!signal.aborted && failsAlone(error)) {
      // The part carries the reason; the scan's summary says it once (describeIncompleteParts). A missing
      // permission or licence stands until someone changes the tenant: the scan succeeds without the part.
      const missing = error instanceof PermissionMissing;
      const permission = missing ? error.permission : undefined;
      parts.fail(name, (error as Error).message, {
        ...(permission ? { permission } : {}),
        standing: missing,
      });
      return;
    }
    failed.abort(error);
    throw error;
  };
  const tenantReadings: TenantReading[] = [];
  const protectionReads = options.protection
    ? startProtectionReads({ transport, signal, parts, onRead: (part, count) => progress(part, count) })
    : [];
  // Every list runs to its end or to the first failure of a required part, which stops the others. An
  // optional part that fails alone is recorded as unknown and the rest read on.
  await Promise.allSettled([
    ...protectionReads.map(({ name, reading }) =>
      reading.then((read) => void tenantReadings.push(read)).catch(optionalFailure(name)),
    ),
    ...resources.map((r) =>
      readPart(r).catch((error: unknown) => {
        if (r.optional) return optionalFailure(r.name)(error);
        failed.abort(error);
        throw error;
      }),
    ),
    ...(withAccess ? [readAccessPart().catch(optionalFailure(ACCESS_PART.name))] : []),
    ...(signInOptions ? [readSignInPart(signInOptions).catch(optionalFailure(SIGN_IN_PART.name))] : []),
    ...(azure
      ? [readManagedIdentityFederatedPart(azure).catch(optionalFailure(MANAGED_IDENTITY_FEDERATED_PART.name))]
      : []),
  ]);
  const storeFailure = await deliveries.drained();
  if (storeFailure) failed.abort(storeFailure.error);
  if (options.signal?.aborted) throw options.signal.reason;
  // The first failure, as named by the transport (or the store's own error from onFacts).
  if (failed.signal.aborted) throw failed.signal.reason;
  const result = await endOfCollection({
    tenantRead,
    transport,
    counter,
    parts,
    warnings,
    unreadableOwners,
    plan,
    signIns,
    tenantReadings,
  });
  return { ...result, ...(azureSubscriptions ? { azureSubscriptions } : {}) };
}

/** Counts the pages and objects a collection read and tells `onProgress` after each page, with the cost so far. */
export function progressReporter(
  transport: Pick<GraphTransport, 'stats'>,
  onProgress: ((progress: CollectProgress) => void) | undefined,
): (resource: string, pageObjects: number) => void {
  let pages = 0;
  let objects = 0;
  return (resource, pageObjects) => {
    pages += 1;
    objects += pageObjects;
    const stats = transport.stats();
    onProgress?.({ pages, objects, requests: stats.requests, resourceUnits: stats.resourceUnits, resource });
  };
}

/**
 * What a collection, full or incremental, ends with once its reads are over: the tenant, the counts, the
 * warnings, its cost, and whether every part that holds a scan back completed.
 */
export async function endOfCollection(end: {
  tenantRead: ReturnType<typeof resolveTenant>;
  transport: Pick<GraphTransport, 'stats'>;
  counter: ReturnType<typeof createCounter>;
  parts: PartTracker;
  warnings: string[];
  unreadableOwners: number;
  plan: QueryPlan;
  signIns: SignInReading | undefined;
  tenantReadings: TenantReading[];
}): Promise<CollectInventoryResult> {
  const { warnings, signIns, tenantReadings } = end;
  if (end.unreadableOwners > 0) warnings.push(unreadableOwnersWarning(end.unreadableOwners));
  const tenant = await end.tenantRead;
  const stats = end.transport.stats();
  return {
    tenantId: tenant.id,
    tenantDisplayName: tenant.displayName,
    counts: end.counter.counts(),
    warnings,
    complete: !end.parts.snapshot('not read').some(holdsScanBack),
    requests: stats.requests,
    resourceUnits: stats.resourceUnits,
    plan: end.plan,
    ...(signIns ? { signIns } : {}),
    ...(tenantReadings.length ? { tenantReadings } : {}),
  };
}
