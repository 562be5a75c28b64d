// The tenant's change history: what Graph's delta functions (graph/delta.ts) and the directory audit log
// (reports/audits.ts) answer from. Every helper that mutates a tenant (mutate.ts) appends here; a generated
// tenant starts with an empty history, which is the state an initial delta round reads.
import type { TenantState } from './model.ts';

export type ChangedCollection = 'applications' | 'servicePrincipals';

/**
 * `created` and `updated` change the object's own properties (`properties` names them); `relationship`
 * changes a navigation property (owners, federatedIdentityCredentials), which Graph's delta may not
 * report (readings.ts, deltaRelationshipChanges); `deleted` removes it.
 */
export type ChangeKind = 'created' | 'updated' | 'relationship' | 'deleted';

export interface ChangeEntry {
  /** Position in the tenant's history, from 1; delta tokens point between two of them. */
  seq: number;
  /** Emulated time of the change, epoch ms. */
  time: number;
  collection: ChangedCollection;
  id: string;
  kind: ChangeKind;
  /** Properties (or the navigation property) that changed; empty for created and deleted. */
  properties: readonly string[];
  /** deleted: `changed` is a soft delete (restorable from deletedItems), `deleted` a permanent one. */
  reason?: 'changed' | 'deleted';
}

/** One directoryAudit record (facts §6.4), as recorded; reports/audits.ts shapes it for the wire. */
export interface AuditEntry {
  id: string;
  time: number;
  activity: string;
  operationType: 'Add' | 'Update' | 'Delete' | 'Assign' | 'Unassign';
  targets: AuditTarget[];
}

export interface AuditTarget {
  id: string;
  type: 'Application' | 'ServicePrincipal' | 'User';
  displayName: string | null;
  modifiedProperties: Array<{ displayName: string; oldValue: string | null; newValue: string | null }>;
}

export interface ChangeLog {
  /** The last seq given; 0 before any change. */
  seq: number;
  entries: ChangeEntry[];
  audits: AuditEntry[];
  /** Bumped by each control call below; tokens remember the generation they were issued in. */
  generation: number;
  /** Tokens issued before this generation are expired (control: expireDeltaTokens). */
  expiredBelow: number;
  /** Tokens issued before this generation get 410 Gone, a forced resync (control: resetDeltaSync). */
  resetBelow: number;
}

/** The tenant's history, created empty on first use and kept in `tenant.changes`. */
export function changeLogOf(tenant: TenantState): ChangeLog {
  tenant.changes ??= { seq: 0, entries: [], audits: [], generation: 1, expiredBelow: 0, resetBelow: 0 };
  return tenant.changes;
}

export function recordChange(tenant: TenantState, change: Omit<ChangeEntry, 'seq'>): ChangeEntry {
  const log = changeLogOf(tenant);
  log.seq += 1;
  const entry: ChangeEntry = { ...change, seq: log.seq };
  log.entries.push(entry);
  return entry;
}

export function recordAudit(tenant: TenantState, entry: AuditEntry): void {
  changeLogOf(tenant).audits.push(entry);
}

/** Every delta token issued so far answers as expired (syncStateNotFound, or as the reading says). */
export function expireDeltaTokens(tenant: TenantState): void {
  const log = changeLogOf(tenant);
  log.generation += 1;
  log.expiredBelow = log.generation;
}

/** Every delta token issued so far answers 410 Gone with a Location to start over (forced resync). */
export function resetDeltaSync(tenant: TenantState): void {
  const log = changeLogOf(tenant);
  log.generation += 1;
  log.resetBelow = log.generation;
}

/** Entries after `since` up to `upTo` (both seq), in order: binary search, the log is append-only. */
export function entriesBetween(log: ChangeLog, since: number, upTo: number): ChangeEntry[] {
  let lo = 0;
  let hi = log.entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log.entries[mid]!.seq <= since) lo = mid + 1;
    else hi = mid;
  }
  const out: ChangeEntry[] = [];
  for (let i = lo; i < log.entries.length && log.entries[i]!.seq <= upTo; i++) out.push(log.entries[i]!);
  return out;
}
