// Lanyard's store: a versioned inventory on PGlite (one process, a local directory) or PostgreSQL (shared).
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { stagingTables } from '../core/aspects.ts';
import { InvalidInput, StoreLocked } from '../core/errors.ts';
import { createAlertHold } from './alert-hold.ts';
import { createAlertLedger } from './alert-ledger.ts';
import { identifier } from './assemble-sql.ts';
import { createChanges } from './changes.ts';
import { type Connection, connectPglite, connectPostgres } from './connect.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { createFindings } from './findings.ts';
import { createGrantHistory } from './grant-history.ts';
import { createIntegrations } from './integrations.ts';
import { createInventory } from './inventory.ts';
import { createLastUse } from './last-use.ts';
import { createOutbox } from './outbox.ts';
import { createRawSql } from './raw-sql.ts';
import { createScans, recoverAbandonedScans } from './scans.ts';
import { connectShared, removeStaleShare, shareOnDemand } from './share.ts';
import { createTenantReadings } from './tenant-readings.ts';
import type { Store, StoreOptions } from './types.ts';

export type * from './types.ts';

/** Where PGlite keeps its files when no directory is given. */
export const DEFAULT_DATA_DIR = join('.lanyard', 'data');
const IN_MEMORY = 'memory://';

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  if (options.url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(options.url)) {
      throw new InvalidInput('the database URL must start with postgres:// or postgresql://');
    }
    if (options.dataDir !== undefined)
      throw new InvalidInput('give a database URL or a data directory, not both');
    const connection = await connectPostgres(options.url, options.schema);
    return assemble(connection, undefined);
  }
  if (options.schema !== undefined) throw new InvalidInput('a schema applies to PostgreSQL only');
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  if (dataDir === IN_MEMORY) return assemble(await connectPglite(IN_MEMORY), undefined);
  const directory = resolve(dataDir);
  let lock: DataDirLock;
  try {
    lock = await acquireDataDirLock(directory);
  } catch (error) {
    // Held by another process: use its share if it offers one (share.ts); its PGlite stays the one writer.
    if (!(error instanceof StoreLocked) || options.exclusive) throw error;
    const shared = await connectShared(directory);
    if (!shared) throw error;
    return shared.wrap(await assemble(shared.connection, undefined));
  }
  try {
    await removeStaleShare(directory);
    return assemble(await connectPglite(directory), lock, directory);
  } catch (error) {
    await lock.release();
    throw error;
  }
}

async function assemble(
  connection: Connection,
  lock: DataDirLock | undefined,
  directory?: string,
): Promise<Store> {
  let closed = false;
  // Writes stop once the store is closed or its lock was lost: another process may own the directory now.
  const guard = () => {
    if (closed) throw new InvalidInput('the store is closed');
    if (lock?.compromised) {
      throw new StoreLocked(`the store lost its lock: ${lock.compromised.message}`, {
        cause: lock.compromised,
        fix: 'run the command again',
      });
    }
  };
  const sharing =
    connection.pglite && directory
      ? shareOnDemand({ pglite: connection.pglite, dataDir: directory, guard })
      : undefined;
  // PGlite's lock proves no other process runs a scan; on PostgreSQL only an expired lease does.
  if (lock) await recoverFromDeadProcesses(connection);
  else if (connection.kind === 'postgres') await recoverAbandonedScans(connection.db);
  return {
    kind: connection.kind,
    ...(sharing ? { share: sharing.share } : {}),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await sharing?.close();
        await connection.close();
      } finally {
        await lock?.release();
      }
    },
    integrations: createIntegrations(connection.db, guard),
    scans: createScans(connection.db, connection.kind, guard),
    inventory: createInventory(connection.db),
    lastUse: createLastUse(connection.db, guard),
    grants: createGrantHistory(connection.db),
    changes: createChanges(connection.db),
    findings: createFindings(connection.db, guard),
    outbox: createOutbox(connection.db, guard),
    tenantReadings: createTenantReadings(connection.db),
    alertLedger: (integrationId) => createAlertLedger(connection.db, guard, integrationId),
    alertHold: createAlertHold(connection.db, guard),
    executeRaw: createRawSql(connection, guard),
  };
}

/**
 * With the directory locked, no other process can be writing: a scan still running was left by a process
 * that ended without finishing it; record it as failed so it does not look alive forever. Events it had
 * claimed for delivery (leased, never tried: attempts 0) go back at once instead of waiting out the lease.
 */
async function recoverFromDeadProcesses(connection: Connection): Promise<void> {
  await connection.db.transaction(async (tx) => {
    await tx.execute(sql`
      update outbox_pending set next_attempt_at = to_timestamp(0)
      where attempts = 0 and next_attempt_at > now()`);
    for (const table of stagingTables()) {
      await tx.execute(
        sql`delete from ${identifier(table)} where scan_id in (select id from scans where status = 'running')`,
      );
    }
    await tx.execute(sql`
      update scans set status = 'failed', finished_at = now(),
        reason = 'abandoned: the process running it ended before it finished'
      where status = 'running'`);
  });
}
