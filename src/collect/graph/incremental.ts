// An incremental scan: what changed since the last scan, read the way a full scan reads every object.
// 1. Follows the stored delta links of applications and service principals (delta.ts) and reads the directory
//    audit log since the last reading (audit-changes.ts), before anything is staged: if Graph no longer knows a
//    link, or the log cannot be read, the caller reads everything instead, in the same run.
// 2. Reads each object created or changed (by either) again by id, with its owners and federated credentials
//    (by-id.ts), as the same parts a full scan has; objects delta reported removed are handed back to be removed
//    on commit, and only then (store/commit-scan.ts), and every other identity is carried forward as it is.
// 3. Access (grants, roles) is read on full scans only: its parts are carried (scan-parts.ts), so a changed
//    principal keeps the access the last full scan read, a new one has it unknown until the next. Sign-in
//    activity is read as on every scan, from where the last reading ended.
// 4. Owners read again get their directory roles from the tenant-wide role lists (owner-roles.ts), a few requests
//    read only when some owners are read and full scans read access: the store replaces an object's owners
//    whole, so a re-read owner would otherwise lose the roles the last full scan gave it (unknown, never none).
import { PermissionMissing, UpstreamFailed } from '../../core/errors.ts';
import { changesIdentity, type IdentityFact } from '../../core/facts.ts';
import { createPartTracker, type PartTracker } from '../../core/scan-parts.ts';
import { ACCESS_PART, MANAGED_IDENTITY_FEDERATED_PART, readDirectoryRoles } from './access.ts';
import { AUDIT_LAG_MS, AUDIT_PERMISSION, AUDIT_RETENTION_MS, readAuditedChanges } from './audit-changes.ts';
import { readListingsById, readRelationById } from './by-id.ts';
import {
  type CollectInventoryOptions,
  type CollectInventoryResult,
  endOfCollection,
  progressReporter,
  type QueryPlan,
} from './collector.ts';
import { failsAlone, readDisabledUsers, resolveTenant } from './collector-reads.ts';
import { readDeltaRound } from './delta.ts';
import { ID_IN_LIMIT } from './far-end.ts';
import { SyncStateLost } from './graph-errors.ts';
import { createCounter } from './inventory-counts.ts';
import { KEY_CREDENTIAL_PAGES_AT_ONCE } from './list-plan.ts';
import type { MapContext } from './map.ts';
import { needsOwnerRoles, type PrincipalRoles, principalRolesOf, withOwnerRoles } from './owner-roles.ts';
import { startProtectionReads, type TenantReading } from './protection.ts';
import type { ResourceDeclaration } from './resource.ts';
import {
  applicationFederatedCredentials,
  applicationOwners,
  applications,
  INVENTORY_RESOURCES,
  servicePrincipalOwners,
  servicePrincipals,
} from './resources/index.ts';
import { readSignInActivity, SIGN_IN_PART, type SignInReading } from './sign-in-activity.ts';
import { DELTA_LISTS, type DeltaList, type SyncState } from './sync-state.ts';

/** Thrown before anything is staged: the scan reads everything instead, and says why. */
export class IncrementalUnavailable extends Error {}

export interface CollectIncrementalOptions
  extends Pick<CollectInventoryOptions, 'transport' | 'onFacts' | 'onProgress' | 'signal' | 'plan'> {
  state: SyncState;
  /** Lanyard's clock: the audit log is read from the last reading's start, and this reading's start is kept. */
  now: Date;
  parts?: PartTracker;
  /** Whether full scans read access (and, with ARM, managed identities' federated credentials): carried here. */
  access?: boolean;
  arm?: boolean;
  signIns?: CollectInventoryOptions['signIns'];
  /** Conditional Access and Entra ID Protection: a few requests, so read on every scan, as a full scan reads them. */
  protection?: boolean;
}

export interface CollectIncrementalResult extends CollectInventoryResult {
  /** Where the next incremental scan resumes (saved only if this one succeeds). */
  syncState: SyncState;
  /** Objects delta reported deleted: removed on commit when the scan succeeded. */
  removedObjectIds: string[];
  /** Objects read again, per list (created or changed since the last scan). */
  changed: Record<DeltaList, number>;
}

const CARRIED = 'an incremental scan reads it on full scans only';

export async function collectIncremental(
  options: CollectIncrementalOptions,
): Promise<CollectIncrementalResult> {
  const { transport, state } = options;
  const failed = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, failed.signal]) : failed.signal;
  const parts = options.parts ?? createPartTracker();
  const warnings: string[] = [];
  const plan: QueryPlan = { ...(options.plan ?? {}) };
  const counter = createCounter();
  const progress = progressReporter(transport, options.onProgress);

  // 1. What changed, before anything is staged.
  const auditsSince = new Date(Date.parse(state.auditsFrom) - AUDIT_LAG_MS);
  if (options.now.getTime() - auditsSince.getTime() > AUDIT_RETENTION_MS) {
    throw new IncrementalUnavailable(
      `the directory audit log may no longer hold every change since ${auditsSince.toISOString()} (Entra ID Free keeps 7 days)`,
    );
  }
  const tenantRead = resolveTenant(transport, signal);
  tenantRead.catch(() => {});
  let rounds: Awaited<ReturnType<typeof readDeltaRound>>[];
  let audited: Awaited<ReturnType<typeof readAuditedChanges>>;
  try {
    [rounds, audited] = await Promise.all([
      Promise.all(
        DELTA_LISTS.map((list) =>
          readDeltaRound(transport, state.deltaLinks[list], {
            signal,
            onPage: (n) => progress(`${list}-delta`, n),
          }),
        ),
      ),
      readAuditedChanges(transport, {
        since: auditsSince,
        signal,
        onPage: (n) => progress('directory-audits', n),
      }),
    ]);
  } catch (error) {
    failed.abort(error);
    if (error instanceof SyncStateLost) {
      throw new IncrementalUnavailable(`the delta links are no longer valid: ${error.message}`, {
        cause: error,
      });
    }
    if (error instanceof PermissionMissing) {
      throw new IncrementalUnavailable(
        `the directory audit log, which tells the owner and federated credential changes delta does not, ` +
          `could not be read (grant ${AUDIT_PERMISSION})`,
        { cause: error },
      );
    }
    throw error;
  }
  const [appRound, spRound] = rounds as [(typeof rounds)[number], (typeof rounds)[number]];
  const changedApps = [...new Set([...appRound.changed, ...audited.applications])].filter(
    (id) => !appRound.removed.has(id),
  );
  const changedSps = [...new Set([...spRound.changed, ...audited.servicePrincipals])].filter(
    (id) => !spRound.removed.has(id),
  );
  const removedObjectIds = [...appRound.removed.keys(), ...spRound.removed.keys()];

  // 2. The parts a full scan has, each complete once the changed objects' share of it is read.
  const byName = new Map<string, ResourceDeclaration>(INVENTORY_RESOURCES.map((r) => [r.name, r]));
  for (const r of byName.values()) {
    if (r.part) parts.declare({ name: r.name, ...r.part, optional: r.optional ?? false });
  }
  if (options.access) {
    parts.carry(ACCESS_PART, CARRIED);
    if (options.arm) parts.carry(MANAGED_IDENTITY_FEDERATED_PART, CARRIED);
  }
  if (options.signIns) parts.declare(SIGN_IN_PART);

  // The role lists only when owners will be read, and only for integrations whose full scans read access (which
  // have the permissions): a refusal or a failure leaves the re-read owners' roles unknown, and the scan goes on.
  const ownerRoles: Promise<PrincipalRoles> | null =
    options.access && changedApps.length + changedSps.length > 0
      ? principalRolesOf(readDirectoryRoles(transport, signal, (n) => progress('directory-roles', n)))
      : null;
  let delivering = Promise.resolve();
  let unreadableOwners = 0;
  const deliver = async (facts: IdentityFact[]): Promise<void> => {
    let kept = facts.filter(changesIdentity);
    if (kept.length === 0) return;
    if (ownerRoles && needsOwnerRoles(kept)) kept = withOwnerRoles(kept, await ownerRoles);
    counter.add(kept);
    for (const fact of kept)
      if (fact.aspect === 'owners')
        for (const o of fact.owners) if (o.readable === false) unreadableOwners += 1;
    // onFacts is never called concurrently.
    delivering = delivering.then(() => options.onFacts(kept));
    return delivering;
  };
  const context = async (): Promise<MapContext> => ({ tenantId: (await tenantRead).id });
  let disabledUsers: Promise<ReadonlySet<string> | null> | null = null;
  const contextFor = async (fallback: { id: string } | null): Promise<MapContext> => {
    if (fallback?.id !== 'plain-expand') return context();
    disabledUsers ??= readDisabledUsers(transport, signal);
    return { ...(await context()), disabledUsers: await disabledUsers };
  };

  // Lists of changed service principals that select keyCredentials count against Graph's 150 a minute: past
  // what it lets through at once, they read whole objects, as a full scan's list would.
  const selectingPages =
    Math.ceil(changedApps.length / ID_IN_LIMIT) + Math.ceil(changedSps.length / ID_IN_LIMIT);
  const spQuery =
    selectingPages > KEY_CREDENTIAL_PAGES_AT_ONCE && servicePrincipals.wholeObjectsQuery
      ? servicePrincipals.wholeObjectsQuery
      : servicePrincipals.query;

  const listing = async (resource: ResourceDeclaration, ids: string[], query?: Record<string, string>) => {
    const found = await readListingsById(transport, resource, ids, {
      signal,
      deliver,
      progress: (n) => progress(resource.name, n),
      context,
      ...(query ? { query } : {}),
    });
    if (found < ids.length) {
      warnings.push(
        `${resource.name}: ${ids.length - found} changed objects were gone when read; the next scan removes them`,
      );
    }
    parts.complete(resource.name);
  };
  const relation = async (resource: ResourceDeclaration, ids: string[]) => {
    // Nothing to read: the remembered plan stands untried.
    if (ids.length === 0) return parts.complete(resource.name);
    const used = await readRelationById(transport, resource, ids, {
      signal,
      deliver,
      progress: (n) => progress(resource.name, n),
      remembered: plan[resource.name],
      contextFor,
      warn: (message) => warnings.push(message),
    });
    if (used) plan[resource.name] = used.id;
    else delete plan[resource.name];
    parts.complete(resource.name);
  };
  const optionalPart = (name: string) => (error: unknown) => {
    if (!signal.aborted && failsAlone(error)) {
      const permission = error instanceof PermissionMissing ? error.permission : undefined;
      parts.fail(name, (error as Error).message, {
        ...(permission ? { permission } : {}),
        standing: error instanceof PermissionMissing,
      });
      return;
    }
    failed.abort(error);
    throw error;
  };
  const required = (error: unknown) => {
    failed.abort(error);
    throw error;
  };
  let signIns: SignInReading | undefined;
  const signInSettings = options.signIns;
  const tenantReadings: TenantReading[] = [];
  const protectionReads = options.protection
    ? startProtectionReads({ transport, signal, parts, onRead: (part, n) => progress(part, n) })
    : [];
  await Promise.allSettled([
    ...protectionReads.map(({ name, reading }) =>
      reading.then((read) => void tenantReadings.push(read)).catch(optionalPart(name)),
    ),
    listing(applications, changedApps).catch(required),
    listing(servicePrincipals, changedSps, spQuery).catch(required),
    relation(applicationOwners, changedApps).catch(optionalPart(applicationOwners.name)),
    relation(applicationFederatedCredentials, changedApps).catch(
      optionalPart(applicationFederatedCredentials.name),
    ),
    relation(servicePrincipalOwners, changedSps).catch(optionalPart(servicePrincipalOwners.name)),
    ...(signInSettings
      ? [
          readSignInActivity({
            transport,
            signal,
            ...signInSettings,
            onRead: (n) => progress(SIGN_IN_PART.name, n),
          })
            .then((reading) => {
              signIns = reading;
              parts.complete(SIGN_IN_PART.name);
            })
            .catch(optionalPart(SIGN_IN_PART.name)),
        ]
      : []),
  ]);
  await delivering.catch((error: unknown) => failed.abort(error));
  if (options.signal?.aborted) throw options.signal.reason;
  if (failed.signal.aborted) throw failed.signal.reason;
  if (!appRound.deltaLink || !spRound.deltaLink)
    throw new UpstreamFailed('a delta round ended without a link');
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
  return {
    ...result,
    syncState: {
      version: 1,
      deltaLinks: { applications: appRound.deltaLink, servicePrincipals: spRound.deltaLink },
      auditsFrom: options.now.toISOString(),
      fullScanAt: state.fullScanAt,
      withAccess: state.withAccess,
    },
    removedObjectIds,
    changed: { applications: changedApps.length, servicePrincipals: changedSps.length },
  };
}
