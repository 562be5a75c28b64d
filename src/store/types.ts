// The store's public contract: what the services, the CLI and the server may call.

import type { AlertHold } from '../alerts/hold.ts';
import type { AlertLedger } from '../alerts/ledger.ts';
import type { Grant } from '../core/access.ts';
import type { AsOf } from '../core/as-of.ts';
import type { IdentityFact } from '../core/facts.ts';
import type { IntegrationInput } from '../core/integration-config.ts';
import type { Identity } from '../core/inventory.ts';
import type { InventoryFilter } from '../core/inventory-query.ts';
import type { LastUseSource, SignInObservation } from '../core/last-use.ts';
import type { ScanPart } from '../core/scan-parts.ts';
import type { SignInTally } from '../core/sign-in-ranges.ts';
import type { ChangesReader } from './changes.ts';
import type { FindingsStore } from './findings.ts';
import type { OutboxStore } from './outbox.ts';
import type { AzureSubscriptions, IntegrationRow, ScanRow } from './schema.ts';
import type { SignInRangesOptions } from './sign-in-ranges.ts';
import type { TenantReadingInput, TenantReadingsStore } from './tenant-readings.ts';

export type { ScanChanges, ScanStatus } from './schema.ts';
export type { StoredTenantReading, TenantReadingInput, TenantReadingsStore } from './tenant-readings.ts';
export type { AsOf, AzureSubscriptions, IdentityFact };

export interface StoreOptions {
  /** postgres:// or postgresql:// URL: use that PostgreSQL server (many processes may share it). */
  url?: string;
  /** PGlite data directory (default `.lanyard/data` under the working directory); `memory://` keeps it in memory. */
  dataDir?: string;
  /** PostgreSQL only: the schema that holds Lanyard's tables and its migrations journal (default public). */
  schema?: string;
  /**
   * PGlite directory only: fail with StoreLocked while another process holds it, rather than use that process's
   * share of it (`Store.share`).
   */
  exclusive?: boolean;
}

/** An Entra tenant Lanyard scans and how it signs in to it: references to secrets, never their values. */
export type Integration = IntegrationRow;
export type NewIntegration = IntegrationInput & { provider?: 'azure' };

/** A scan as recorded; `changes` counts what a committed (succeeded or partial) scan changed. */
export type ScanRecord = Omit<ScanRow, 'seq'>;

export interface ScanResult {
  status: 'succeeded' | 'partial' | 'failed';
  reason?: string;
  /** Free-form JSON: counts, requests, resource units, warnings. */
  summary: unknown;
  finishedAt: Date;
  /** Per list and aspect: whether it completed. Aspects of incomplete parts carry the previous data forward. */
  parts?: ScanPart[];
  /**
   * A succeeded scan removes what it did not see, unless that is more than `maxShare` (default 0.2) of the
   * integration's identities: then it commits as partial and removes nothing, unless `allowMass`.
   */
  removal?: { maxShare?: number; allowMass?: boolean };
  /**
   * Set when the scan read sign-in activity completely: the watch moves on to this time (last-use.ts), and the
   * log's tally (`activity`) updates the ranges applications sign in from (sign-in-ranges.ts).
   */
  signIns?: { since: string; readThrough: string; activity?: SignInTally };
  /** How suspicious sign-ins are told, and the events recorded for them with the ranges (sign-in-ranges.ts). */
  signInEvents?: SignInRangesOptions;
  /** The Azure subscriptions a complete access reading saw: remembered, so one that vanishes is unknown. */
  azureSubscriptions?: string[];
  /**
   * Tenant-wide readings of optional parts that completed (Conditional Access, Entra ID Protection): each replaces
   * the part's last reading in the commit's transaction, unless the scan failed (tenant-readings.ts).
   */
  tenantReadings?: TenantReadingInput[];
  /**
   * How the scan read Graph (scans.mode). `incremental`: it staged only what changed, so every identity it did not
   * stage is carried forward, and a succeeded one removes only `removedObjectIds` (Graph reported them deleted).
   */
  mode?: 'full' | 'incremental';
  removedObjectIds?: string[];
  /**
   * Where the next incremental scan resumes (integrations.sync_state, opaque here): written in the commit's
   * transaction when the scan succeeds. A full scan that does not succeed clears it (the next scan is full); an
   * incremental one that does not leaves it as it was.
   */
  syncState?: Record<string, unknown>;
}

export interface BeginScanOptions {
  /** Who runs the scan (host and process id by default), shown when another caller finds it running. */
  holder?: string;
  /** How long the scan stays owned without a renewal (default 60 s). */
  leaseMs?: number;
  /** How often the lease is renewed (default a third of it); 0 never renews, as a process that stopped would. */
  renewEveryMs?: number;
}

/** Streams one scan's facts into the store; nothing is visible to readers until `finish` commits. */
export interface ScanWriter {
  readonly id: number;
  stage(facts: IdentityFact[]): Promise<void>;
  finish(result: ScanResult): Promise<ScanRecord>;
}

export interface InventoryQuery {
  integrationId?: string;
  /** Only these integrations (e.g. every integration of one tenant); with `integrationId`, both apply. */
  integrationIds?: readonly string[];
  /** Absent: the latest committed scan of each integration. */
  asOf?: AsOf;
}

export interface InventoryMatch {
  integrationId: string;
  identity: Identity;
}

/** Where a listing row comes from: every row names its integration, so several tenants can share a list. */
export interface IntegrationRef {
  id: string;
  name: string;
  tenantId: string;
}

export interface InventoryRow {
  integration: IntegrationRef;
  identity: Identity;
}

/** A page of an inventory listing, in (display name, object id, integration) order, filtered in SQL. */
export interface InventoryPageQuery extends InventoryQuery {
  filter?: InventoryFilter;
  /** The clock the credential filters compare with (epoch ms). */
  now: number;
  /** From `InventoryPage.next`: the page after it. */
  after?: string;
  /** Rows per page (1–5,000). */
  limit: number;
}

export interface InventoryPage {
  rows: InventoryRow[];
  /** The cursor of the next page; absent on the last. */
  next?: string;
}

export interface HistoryEntry {
  scanId: number;
  at: Date;
  change: 'added' | 'changed' | 'removed';
  /** The identity as of that scan; null when it was removed. */
  identity: Identity | null;
}

export interface GrantRecord {
  grant: Grant;
  grantedScanId: number;
  /** When the scan that first saw it finished. */
  grantedAt: Date | null;
  /** The first scan that read the principal's access without it; null while held. */
  revokedScanId: number | null;
  revokedAt: Date | null;
}

export interface InventoryDiff {
  added: Identity[];
  removed: Identity[];
  changed: Array<{ before: Identity; after: Identity }>;
}

export interface Store {
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
  /**
   * PGlite directory stores of the process holding the directory only: serves the store to the other Lanyard
   * processes of this machine (loopback TCP, a password in a 0600 descriptor in the directory) until closed or
   * the store closes. While it runs, openStore in another process uses it instead of failing with StoreLocked;
   * every statement still runs in this process's PGlite. Calling it again returns the same share.
   */
  share?(): Promise<{ endpoint: string; close(): Promise<void> }>;
  /**
   * Runs SQL text as given on the store's connection, for libraries that bring their own SQL (pg-boss, in
   * src/jobs): one statement with `$1…` values, or a script of several without; the rows of every statement.
   */
  executeRaw(text: string, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  integrations: {
    /** Conflict when the name is taken. */
    create(input: NewIntegration): Promise<Integration>;
    list(): Promise<Integration[]>;
    get(name: string): Promise<Integration | undefined>;
    /** Which Azure subscriptions it reads (pinned) and has seen. */
    setSubscriptions(id: string, subscriptions: AzureSubscriptions): Promise<void>;
    /** Remembers the query plan that worked for the integration's Graph. */
    setQueryPlan(id: string, plan: Record<string, string>): Promise<void>;
    /** Deletes it with its scans and versions; false when there was none by that name. */
    delete(name: string): Promise<boolean>;
  };
  scans: {
    /**
     * NotFound when the integration does not exist; ScanInProgress (naming the running scan) while another scan of
     * it runs. Scans whose lease expired are recorded as abandoned first.
     */
    begin(integrationId: string, startedAt: Date, options?: BeginScanOptions): Promise<ScanWriter>;
    /** Oldest first. */
    list(integrationId?: string): Promise<ScanRecord[]>;
    get(id: number): Promise<ScanRecord | undefined>;
  };
  /** Each grant a service principal held, with the scans that granted and revoked it (grant-history.ts). */
  grants: {
    /** Oldest first; revoked grants included. */
    history(integrationId: string, objectId: string): Promise<GrantRecord[]>;
  };
  /** What each scan changed, a page at a time (changes.ts). */
  changes: ChangesReader;
  /** What the checks found, its suppressions and each check's last tally (findings.ts). */
  findings: FindingsStore;
  /** Events waiting for each sink (outbox.ts): written with what makes them true, deleted once delivered. */
  outbox: OutboxStore;
  /** The last complete tenant-wide reading of each optional part (tenant-readings.ts). */
  tenantReadings: TenantReadingsStore;
  /** What each alert channel accepted for the integration, kept for good (alert-ledger.ts). */
  alertLedger(integrationId: string): AlertLedger;
  /** Alerts email channels keep for the daily digest (alert-hold.ts). */
  alertHold: AlertHold;
  /** When identities and credentials were last used, kept beyond Entra's retention (last-use.ts). */
  lastUse: LastUseSource & {
    /** Keeps each observation unless a later one is already kept. */
    observe(integrationId: string, observations: readonly SignInObservation[]): Promise<void>;
  };
  inventory: {
    list(query?: InventoryQuery): Promise<Identity[]>;
    /** One page of a filtered listing; follow `next` for the rest. */
    page(query: InventoryPageQuery): Promise<InventoryPage>;
    /** Identities whose display name contains the text (case-insensitive), at most `limit`. */
    search(text: string, limit: number, query?: InventoryQuery): Promise<InventoryMatch[]>;
    /** By object id, app id or display name (exact, case-insensitive). */
    find(lookup: string, query?: InventoryQuery): Promise<InventoryMatch[]>;
    /** Every identity of one integration with one of these app ids (an application and its service principal). */
    byAppIds(
      integrationId: string,
      appIds: readonly string[],
      query?: Pick<InventoryQuery, 'asOf'>,
    ): Promise<Identity[]>;
    /** Every change of one identity, oldest first. */
    history(integrationId: string, objectId: string): Promise<HistoryEntry[]>;
    /** What changed from one committed scan to another of the same integration. */
    diff(fromScanId: number, toScanId: number): Promise<InventoryDiff>;
  };
}
