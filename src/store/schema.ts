// The store's one drizzle pg-core schema: integrations, scans, staged facts and identity versions.
// drizzle-kit generates the SQL migrations in ./migrations from this file (see drizzle.config.ts).
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AuthSettings, CloudEndpoints } from '../core/integration-config.ts';
import type { ScanPart } from '../core/scan-parts.ts';

/**
 * Which Azure subscriptions an integration reads: the ones the user pinned (null: every one it can see), and the
 * ones the last complete reading saw, so one that vanishes from view is unknown rather than silently dropped.
 */
export interface AzureSubscriptions {
  pinned: string[] | null;
  seen: string[];
}

/** What the store keeps of an integration's sign-in watch (src/core/last-use.ts LastUseWatch). */
export interface SignInWatchState {
  monitoredSince: string | null;
  readThrough: string | null;
  unknownReason: string | null;
}

export const integrations = pgTable('integrations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique('integrations_name_unique'),
  provider: text('provider').$type<'azure'>().notNull(),
  tenantId: text('tenant_id').notNull(),
  clientId: text('client_id').notNull(),
  auth: jsonb('auth').$type<AuthSettings>().notNull(),
  cloud: jsonb('cloud').$type<CloudEndpoints>().notNull(),
  /**
   * The query plan that worked for this tenant's Graph (which options it refused), remembered so a rescan does not
   * pay for the refusals again. Opaque to the store; the collector owns its shape.
   */
  queryPlan: jsonb('query_plan').$type<Record<string, string>>(),
  /** Since when its sign-ins are watched and how far they are read (last-use.ts); null until a scan reads them. */
  signInWatch: jsonb('sign_in_watch').$type<SignInWatchState>(),
  /** The Azure subscriptions to read (pinned) and those a complete reading saw; null until either is known. */
  azureSubscriptions: jsonb('azure_subscriptions').$type<AzureSubscriptions>(),
  /** When the service scans it: a cron expression (UTC), daily by default. */
  schedule: text('schedule').notNull().default('0 3 * * *'),
  /**
   * Where incremental scans resume: Graph's delta links per list and when the last full scan ran. Opaque to the
   * store; the collector owns its shape. Null until a scan read with delta queries.
   */
  syncState: jsonb('sync_state').$type<Record<string, unknown>>(),
  /** Where alerts go when an identity has no owner with a usable address (a team mailbox). */
  alertEmail: text('alert_email'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type ScanStatus = 'running' | 'succeeded' | 'partial' | 'failed';
export interface ScanChanges {
  added: number;
  changed: number;
  removed: number;
}

export const scans = pgTable(
  'scans',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    status: text('status').$type<ScanStatus>().notNull().default('running'),
    reason: text('reason'),
    summary: jsonb('summary').$type<unknown>(),
    /** What this scan changed in the versions; null until it commits (and for failed scans). */
    changes: jsonb('changes').$type<ScanChanges>(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /**
     * Commit order within the integration (1, 2, ...), set when a succeeded or partial scan commits.
     * Versions are ordered by it rather than by id, because scans may finish in another order than they began.
     */
    seq: integer('seq'),
    /** Per list and aspect: whether it completed, and why not (set when the scan finishes). */
    parts: jsonb('parts').$type<ScanPart[]>(),
    /** Who runs it (host and process), so a user can tell whose scan is running or was abandoned. */
    holder: text('holder'),
    /**
     * A running scan renews this while its process lives; once past, another process may record the scan as
     * abandoned and start a new one (PostgreSQL has no lock file to tell a crashed process from a live one).
     */
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    /** How it read Graph: every object ('full'), or only what changed since the last scan ('incremental'). */
    mode: text('mode').$type<'full' | 'incremental'>(),
  },
  (t) => [
    index('scans_integration_idx').on(t.integrationId, t.seq),
    uniqueIndex('scans_integration_seq_unique').on(t.integrationId, t.seq),
    // Single flight: the database refuses a second running scan of one integration, on PGlite and PostgreSQL.
    uniqueIndex('scans_one_running_unique').on(t.integrationId).where(sql`${t.status} = 'running'`),
    check('scans_status_check', sql`${t.status} in ('running', 'succeeded', 'partial', 'failed')`),
  ],
);

/**
 * What a running scan has learned about each object so far, one row per object: facts are merged into it as
 * pages arrive (latest identity, latest owner list, federated credentials by key), so finishing the scan reads
 * one row per identity instead of regrouping every fact. Deleted when the scan finishes.
 */
export const scanObjects = pgTable(
  'scan_objects',
  {
    scanId: integer('scan_id')
      .notNull()
      .references(() => scans.id, { onDelete: 'cascade' }),
    objectId: text('object_id').notNull(),
    /** The latest identity fact (an Identity), null until the object's list page arrived. */
    identity: jsonb('identity'),
    /** The latest owners fact (Owner[]), null when none arrived: the identity's own owners stand. */
    owners: jsonb('owners'),
    /** Federated credentials from every federated fact, the latest per (type, location, keyId); null when none. */
    federated: jsonb('federated'),
  },
  (t) => [primaryKey({ name: 'scan_objects_pkey', columns: [t.scanId, t.objectId] })],
);

/**
 * Each service principal's latest access fact (Grant[]) of a running scan. Apart from scan_objects: access
 * arrives for most service principals at once at the end of the reading, and as a column it would rewrite
 * every one of their rows.
 */
export const scanAccess = pgTable(
  'scan_access',
  {
    scanId: integer('scan_id')
      .notNull()
      .references(() => scans.id, { onDelete: 'cascade' }),
    objectId: text('object_id').notNull(),
    grants: jsonb('grants').notNull(),
  },
  (t) => [primaryKey({ name: 'scan_access_pkey', columns: [t.scanId, t.objectId] })],
);

/**
 * One row per version of an identity: valid from the commit of `addedSeq` until the commit of `endedSeq`.
 * An unchanged identity (same content hash) keeps its open row, so a rescan writes nothing for it.
 */
export const identityVersions = pgTable(
  'identity_versions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    objectId: text('object_id').notNull(),
    kind: text('kind').notNull(),
    appId: text('app_id').notNull(),
    displayName: text('display_name').notNull(),
    /** md5 of the canonical jsonb text of `data`: equal content, equal hash, on PGlite and PostgreSQL alike. */
    hash: text('hash').notNull(),
    data: jsonb('data').notNull(),
    addedScanId: integer('added_scan_id').notNull(),
    addedSeq: integer('added_seq').notNull(),
    endedScanId: integer('ended_scan_id'),
    endedSeq: integer('ended_seq'),
    /** Why the version ended: a newer version replaced it, or the identity was gone from a succeeded scan. */
    endReason: text('end_reason').$type<'changed' | 'removed'>(),
  },
  (t) => [
    uniqueIndex('identity_versions_open_unique')
      .on(t.integrationId, t.objectId)
      .where(sql`${t.endedSeq} is null`),
    // find(): by object id, app id or display name, across integrations; history() uses the object id too.
    index('identity_versions_app_idx').on(t.appId),
    index('identity_versions_name_idx').on(sql`lower(${t.displayName})`),
    index('identity_versions_object_id_idx').on(t.objectId),
    // `lanyard changes`: the versions a scan added and those it ended, without reading the whole history.
    index('identity_versions_added_idx').on(t.integrationId, t.addedSeq),
    index('identity_versions_ended_idx')
      .on(t.integrationId, t.endedSeq)
      .where(sql`${t.endedSeq} is not null`),
    // Listings page through the latest versions in name order (keyset, src/store/inventory.ts): each page is
    // an index range instead of a sort of the whole inventory.
    index('identity_versions_open_by_name_idx')
      .on(sql`lower(${t.displayName}) collate "C"`, sql`${t.objectId} collate "C"`, t.integrationId)
      .where(sql`${t.endedSeq} is null`),
  ],
);

/**
 * The latest sign-in Lanyard ever observed per application (appId) and per credential (keyId; '' for the
 * application as a whole). Beside the identity versions, not in them: a new sign-in is not a new version of the
 * identity, and these outlive Entra's 30-day log retention for as long as the integration exists. Only ever
 * moves forward (the greatest time wins), so readings may overlap and a failed scan's observations stay true.
 */
export const lastUse = pgTable(
  'last_use',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    /** Lower-cased. */
    appId: text('app_id').notNull(),
    /** Lower-cased keyId of a secret or certificate or id of a federated credential; '' for the application. */
    keyId: text('key_id').notNull().default(''),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: 'last_use_pkey', columns: [t.integrationId, t.appId, t.keyId] })],
);

/**
 * Each grant a service principal held (an app role, a delegated grant, a directory or Azure role) as a
 * relationship with its own history: granted by the commit of `grantedSeq`, revoked by that of `revokedSeq`.
 * Written only by scans whose access part completed, so a grant is never revoked for having gone unread.
 */
export const grantHistory = pgTable(
  'grant_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    /** The service principal holding it. */
    objectId: text('object_id').notNull(),
    /** md5 of what identifies the grant (kind, resource, permission, scope): equal grants, equal keys. */
    grantKey: text('grant_key').notNull(),
    grant: jsonb('grant').notNull(),
    grantedScanId: integer('granted_scan_id').notNull(),
    grantedSeq: integer('granted_seq').notNull(),
    revokedScanId: integer('revoked_scan_id'),
    revokedSeq: integer('revoked_seq'),
  },
  (t) => [
    uniqueIndex('grant_history_open_unique')
      .on(t.integrationId, t.objectId, t.grantKey)
      .where(sql`${t.revokedSeq} is null`),
    index('grant_history_object_idx').on(t.integrationId, t.objectId),
  ],
);

export type IntegrationRow = typeof integrations.$inferSelect;
export type NewIntegrationRow = typeof integrations.$inferInsert;
export type ScanRow = typeof scans.$inferSelect;

export type FindingState = 'open' | 'resolved';

/**
 * What the checks (src/core/checks) found, one row per check, identity and credential ('' for the identity):
 * opened when a check first fails, resolved when a later evaluation passes (an unknown answer leaves it as it
 * was), reopened if it fails again. Suppression is not a state of the row but a rule in `suppressions`, so it
 * survives the finding resolving and reopening and keeps its own audit trail.
 */
export const findings = pgTable(
  'findings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    checkId: text('check_id').notNull(),
    objectId: text('object_id').notNull(),
    keyId: text('key_id').notNull().default(''),
    /** application or servicePrincipal: what the identity is, for events and reports after it is gone. */
    kind: text('kind').notNull().default('application'),
    appId: text('app_id').notNull(),
    displayName: text('display_name').notNull(),
    severity: text('severity').notNull(),
    message: text('message').notNull(),
    state: text('state').$type<FindingState>().notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** The scan whose inventory the last evaluation read. */
    lastScanId: integer('last_scan_id'),
  },
  (t) => [
    uniqueIndex('findings_subject_unique').on(t.integrationId, t.checkId, t.objectId, t.keyId),
    index('findings_state_idx').on(t.state, t.severity),
    check('findings_state_check', sql`${t.state} in ('open', 'resolved')`),
  ],
);

/**
 * A user's decision that matching findings are accepted for now: with a reason, an expiry and who decided.
 * Rows are never updated but to lift them (liftedAt/liftedBy), so the table is its own audit trail.
 * `objectId` null: every identity of the integration for this check; `keyId` null: every credential.
 */
export const suppressions = pgTable(
  'suppressions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    checkId: text('check_id').notNull(),
    objectId: text('object_id'),
    keyId: text('key_id'),
    reason: text('reason').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    liftedAt: timestamp('lifted_at', { withTimezone: true }),
    liftedBy: text('lifted_by'),
  },
  (t) => [index('suppressions_check_idx').on(t.integrationId, t.checkId)],
);

/** Per integration and check, the last evaluation's tally, and why some identities could not be judged. */
export const checkEvaluations = pgTable(
  'check_evaluations',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    checkId: text('check_id').notNull(),
    scanId: integer('scan_id'),
    evaluatedAt: timestamp('evaluated_at', { withTimezone: true }).notNull(),
    passed: integer('passed').notNull(),
    failed: integer('failed').notNull(),
    unknown: integer('unknown').notNull(),
    notApplicable: integer('not_applicable').notNull(),
    /** Each distinct reason an identity was unknown, with how many: said once, not per identity. */
    unknownReasons: jsonb('unknown_reasons').$type<{ reason: string; count: number }[]>().notNull(),
  },
  (t) => [primaryKey({ name: 'check_evaluations_pkey', columns: [t.integrationId, t.checkId] })],
);

/**
 * Events for SIEMs and webhooks (src/core/events.ts), written in the transaction that makes them true, so none
 * is lost and none is sent for something that did not happen. `eventId` is what receivers deduplicate by.
 */
export const outboxEvents = pgTable('outbox_events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  eventId: uuid('event_id').notNull().unique('outbox_events_event_id_unique'),
  type: text('type').notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  event: jsonb('event').notNull(),
});

/**
 * What each sink still has to receive: one row per event and sink, deleted once the sink accepted it. Rows
 * rather than a cursor per sink, because events of concurrent transactions commit out of id order and a
 * cursor would skip the late one.
 */
export const outboxPending = pgTable(
  'outbox_pending',
  {
    sink: text('sink').notNull(),
    outboxId: bigint('outbox_id', { mode: 'number' })
      .notNull()
      .references(() => outboxEvents.id, { onDelete: 'cascade' }),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
  },
  (t) => [
    primaryKey({ name: 'outbox_pending_pkey', columns: [t.sink, t.outboxId] }),
    index('outbox_pending_due_idx').on(t.sink, t.nextAttemptAt, t.outboxId),
  ],
);

/** Every alert sent, per channel: an alert key is sent once per channel, ever (restarts and rescans included). */
export const alertsSent = pgTable(
  'alerts_sent',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    alertKey: text('alert_key').notNull(),
    channel: text('channel').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'alerts_sent_pkey', columns: [t.alertKey, t.channel] })],
);

/**
 * Tenant-wide readings of an optional scan part that are about the tenant rather than one identity (the
 * Conditional Access policies that can cover workload identities, the service principals Entra ID Protection
 * marks risky): the last complete reading per integration and part. Only a complete reading replaces it, so a
 * scan whose part failed or was not licensed keeps the previous one, and a part never read has no row (unknown).
 */
export const tenantReadings = pgTable(
  'tenant_readings',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    /** The scan part's name, e.g. `conditional-access-policies`. */
    part: text('part').notNull(),
    scanId: integer('scan_id').notNull(),
    readAt: timestamp('read_at', { withTimezone: true }).notNull(),
    data: jsonb('data').notNull(),
  },
  (t) => [primaryKey({ name: 'tenant_readings_pkey', columns: [t.integrationId, t.part] })],
);

/**
 * The network ranges each application signed in from (IPv4 /24, IPv6 /48), kept for as long as the integration
 * exists, so a sign-in from a range never seen before can be told apart from the usual ones long after Entra's
 * log has forgotten them.
 */
export const signInRanges = pgTable(
  'sign_in_ranges',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    /** Lower-cased. */
    appId: text('app_id').notNull(),
    ipRange: text('ip_range').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    signIns: integer('sign_ins').notNull().default(0),
  },
  (t) => [primaryKey({ name: 'sign_in_ranges_pkey', columns: [t.integrationId, t.appId, t.ipRange] })],
);

/**
 * Alerts held for the daily digest (alerts config `digest`), per channel: kept whole, since the digest is
 * written from them, and deleted in the same step that records them in alerts_sent, so a restart between the
 * two sends at most once more, never loses one.
 */
export const alertsHeld = pgTable(
  'alerts_held',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    alertKey: text('alert_key').notNull(),
    channel: text('channel').notNull(),
    alert: jsonb('alert').notNull(),
    heldAt: timestamp('held_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'alerts_held_pkey', columns: [t.alertKey, t.channel] }),
    index('alerts_held_channel_idx').on(t.channel, t.heldAt),
  ],
);
