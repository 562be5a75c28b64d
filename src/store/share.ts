// Shares an embedded (PGlite) store held by one process with the other Lanyard processes of this machine: while
// `lanyard serve` holds the data directory's lock, a CLI command run beside it reaches the same database through
// a loopback socket speaking PostgreSQL's wire protocol instead of failing with StoreLocked. One writer still:
// every statement runs in the holder's PGlite.
//
// Not @electric-sql/pglite-socket's server: it runs each client message under PGlite's query mutex only, so a
// client's statement can land inside a transaction the holder has open (and vanish with its rollback, the
// client told it succeeded), and with several clients the messages of two extended-protocol exchanges interleave.
// Here a client's exchange, from its first message to the ReadyForQuery that finds no transaction open (a whole
// BEGIN … COMMIT included), runs under PGlite's transaction mutex: the one the holder's own queries and
// transactions take. Clients and the holder take turns by transaction, in order of arrival.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { LanyardError, StoreLocked, Unreachable } from '../core/errors.ts';
import { type Connection, type Db, rows } from './connect.ts';
import { describeCommand, isAlive } from './data-dir-lock.ts';
import { createRawSql } from './raw-sql.ts';
import type { Store } from './types.ts';

/** The descriptor a holder writes into its data directory while it shares the store (mode 0600). */
export const SHARE_FILE = 'lanyard-share.json';

export interface ShareDescriptor {
  version: 1;
  host: string;
  port: number;
  pid: number;
  hostname: string;
  command: string;
  since: string;
  /** Random per share: a client proves it could read the descriptor, so only this user's processes get in. */
  password: string;
}

export interface SharedStore {
  /** Where it listens: `127.0.0.1:<port>`. */
  endpoint: string;
  /** Stops sharing: removes the descriptor, lets a client's transaction finish (briefly) and disconnects it. */
  close(): Promise<void>;
}

export interface ShareOptions {
  pglite: PGlite;
  dataDir: string;
  /** Throws when the holder may no longer write (its store closed, its lock lost); checked per client exchange. */
  guard?: () => void;
  /** A client that keeps a transaction open without sending anything for this long is disconnected (10 s). */
  idleInTransactionMs?: number;
  /** On close, how long a client's transaction under way may take to finish before it is rolled back (5 s). */
  closeGraceMs?: number;
}

const HOST = '127.0.0.1';
const IDLE_IN_TRANSACTION_MS = 10_000;
const CLOSE_GRACE_MS = 5_000;
const MAX_SESSIONS = 64;
/**
 * How long a client waits for the holder to answer its connection (not its queries, which may queue): PGlite runs
 * on the holder's thread, so a long statement there (a large scan's commit) delays the answer. Nothing listening
 * is refused at once.
 */
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * Starts sharing: a wire-protocol server on 127.0.0.1 (an ephemeral port) in front of the holder's PGlite, and
 * the descriptor clients find it by. The caller holds the data directory's lock.
 */
export async function shareEmbeddedStore(options: ShareOptions): Promise<SharedStore> {
  const { pglite, dataDir } = options;
  const password = randomBytes(32).toString('base64url');
  // What PostgreSQL answers a startup (authentication ok, parameters, key, ready), produced once and replayed to
  // each client: a client's own startup parameters never reach the holder's session.
  const connectionData = Buffer.from(
    await pglite._runExclusiveTransaction(() =>
      pglite.runExclusive(() =>
        pglite.execProtocolRaw(startupMessage({ user: 'postgres', database: 'postgres' }), {
          syncToFs: false,
        }),
      ),
    ),
  );
  const context: SessionContext = {
    pglite,
    passwordDigest: digest(password),
    connectionData,
    guard: options.guard ?? (() => {}),
    idleInTransactionMs: options.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS,
  };
  const sessions = new Set<Session>();
  let closing: Promise<void> | undefined;
  const server = createServer((socket) => {
    if (closing || sessions.size >= MAX_SESSIONS) {
      socket.end(
        closing
          ? errorResponse('57P01', 'its holder stopped sharing it (it is closing the store)')
          : errorResponse('53300', `the shared Lanyard store serves at most ${MAX_SESSIONS} connections`),
      );
      return;
    }
    const session = new Session(socket, context);
    sessions.add(session);
    void session.ended.then(() => sessions.delete(session));
  });
  await listen(server);
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the share server has no TCP address');
  const descriptor: ShareDescriptor = {
    version: 1,
    host: HOST,
    port: address.port,
    pid: process.pid,
    hostname: hostname(),
    command: describeCommand(process.argv),
    since: new Date().toISOString(),
    password,
  };
  const path = join(dataDir, SHARE_FILE);
  try {
    await writeDescriptor(path, descriptor);
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  const graceMs = options.closeGraceMs ?? CLOSE_GRACE_MS;
  return {
    endpoint: `${HOST}:${address.port}`,
    close() {
      closing ??= (async () => {
        const stopped = new Promise((resolve) => server.close(resolve));
        await rm(path, { force: true });
        const goodbye = errorResponse('57P01', 'its holder stopped sharing it (it is closing the store)');
        await Promise.all([...sessions].map((session) => session.terminate(goodbye, graceMs)));
        await stopped;
      })();
      return closing;
    },
  };
}

/**
 * A store's `share` (one share at a time, started on the first call) and the `close` its own close runs first,
 * so that clients are disconnected before PGlite closes under them.
 */
export function shareOnDemand(options: ShareOptions): {
  share(): Promise<SharedStore>;
  close(): Promise<void>;
} {
  let current: Promise<SharedStore> | undefined;
  return {
    share() {
      options.guard?.();
      if (current) return current;
      const starting = shareEmbeddedStore(options).then((shared) => ({
        endpoint: shared.endpoint,
        async close() {
          await shared.close();
          if (current === starting) current = undefined;
        },
      }));
      current = starting;
      starting.catch(() => {
        if (current === starting) current = undefined;
      });
      return starting;
    },
    async close() {
      const shared = await current?.catch(() => undefined);
      await shared?.close();
    },
  };
}

/** Removes a descriptor left by a holder that ended without closing its share: call it holding the lock. */
export async function removeStaleShare(dataDir: string): Promise<void> {
  await rm(join(dataDir, SHARE_FILE), { force: true });
}

export interface SharedConnection {
  connection: Connection;
  /**
   * Fits the store assembled on `connection` to the share: raw SQL through the driver it uses, and every method
   * behind a translation of a lost share into a clear Unreachable.
   */
  wrap(store: Store): Store;
}

/**
 * Connects to the share of the process holding `dataDir`, or returns undefined when it has none that answers
 * (no descriptor, its process gone, nothing listening, a wrong password): the caller keeps its lock error.
 * Migrations are the holder's: a holder older than this code is refused rather than migrated through the share.
 */
export async function connectShared(dataDir: string): Promise<SharedConnection | undefined> {
  const descriptor = await readDescriptor(join(dataDir, SHARE_FILE));
  if (!descriptor || descriptor.hostname !== hostname() || !isAlive(descriptor.pid)) return undefined;
  const pool = new pg.Pool({
    host: descriptor.host,
    port: descriptor.port,
    user: 'lanyard',
    database: 'lanyard',
    password: descriptor.password,
    // Each connection is a session of the same PGlite backend, serialised by transaction: a few let a scan's lease
    // renewal wait beside its commit rather than behind it in the pool.
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A connection the holder drops while idle must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    (await pool.connect()).release();
  } catch {
    await pool.end().catch(() => {});
    return undefined;
  }
  const db = drizzle(pool) as unknown as Db;
  const lost = (error: unknown) => lostShare(error, descriptor, dataDir);
  try {
    await assertSchemaCurrent(db, descriptor);
  } catch (error) {
    await pool.end().catch(() => {});
    throw lost(error);
  }
  const connection: Connection = { kind: 'pglite', db, close: () => pool.end() };
  return {
    // The database is PGlite's: the store's PGlite choices (work memory, truncating staging, pg-boss's backend)
    // apply, but the driver is node-postgres: raw SQL (pg-boss) goes through a pool as on PostgreSQL.
    connection,
    wrap(store) {
      store.executeRaw = createRawSql({ ...connection, kind: 'postgres' }, () => {});
      return withErrors(store, lost);
    },
  };
}

// ---- the server side: one session per client connection ----

interface SessionContext {
  pglite: PGlite;
  passwordDigest: Buffer;
  connectionData: Buffer;
  guard: () => void;
  idleInTransactionMs: number;
}

const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
const PROTOCOL_3 = 196_608;
const MAX_STARTUP_BYTES = 10_000;
/** A connection that has not given the password by then is closed: it holds one of the share's few places. */
const AUTHENTICATE_WITHIN_MS = 5_000;
/** PostgreSQL's own limit on a message. */
const MAX_MESSAGE_BYTES = 0x3fff_ffff;
const ASK_PASSWORD = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]); // AuthenticationCleartextPassword
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);
/** Messages PostgreSQL answers with ReadyForQuery: where a client's exchange may end. */
const ENDS_EXCHANGE = new Set(['S', 'Q', 'F'].map((c) => c.charCodeAt(0)));
const TERMINATE = 'X'.charCodeAt(0);
const PASSWORD_MESSAGE = 'p'.charCodeAt(0);

class ProtocolViolation extends Error {}

class Session {
  readonly ended: Promise<void>;
  private resolveEnded!: () => void;
  private phase: 'startup' | 'password' | 'ready' | 'ended' = 'startup';
  private chunks: Buffer[] = [];
  private size = 0;
  private pumping = false;
  /** Set while this session holds PGlite's transaction mutex: its exchange is under way. */
  private release: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private authTimer: NodeJS.Timeout;
  private goodbye: Buffer | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly context: SessionContext,
  ) {
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
    socket.setNoDelay(true);
    this.authTimer = setTimeout(() => void this.end(), AUTHENTICATE_WITHIN_MS);
    this.authTimer.unref();
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.size += chunk.length;
      clearTimeout(this.idleTimer);
      void this.pump();
    });
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => void this.end());
  }

  /** Ends the session for the share's close: at once when idle, else once its exchange ends or the grace runs out. */
  terminate(goodbye: Buffer, graceMs: number): Promise<void> {
    this.goodbye = goodbye;
    if (!this.release && !this.pumping) void this.end(goodbye);
    else this.graceTimer = setTimeout(() => void this.end(goodbye), graceMs);
    return this.ended;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let message = this.next(); message; message = this.next()) {
        await this.handle(message);
        if (this.phase === 'ended') return;
      }
    } catch (error) {
      const violation = error instanceof ProtocolViolation;
      await this.end(errorResponse(violation ? '08P01' : 'XX000', (error as Error).message));
      return;
    } finally {
      this.pumping = false;
    }
    if (this.goodbye && !this.release) {
      void this.end(this.goodbye);
    } else if (this.release) {
      // Mid-transaction and silent: a client stopped (suspended, hung) must not hold the holder back for ever.
      const seconds = Math.round(this.context.idleInTransactionMs / 1000);
      this.idleTimer = setTimeout(
        () =>
          void this.end(
            errorResponse(
              '25P03',
              `the shared Lanyard store ended this connection: a transaction stayed idle for ${seconds} s`,
            ),
          ),
        this.context.idleInTransactionMs,
      );
      this.idleTimer.unref();
    }
  }

  /** The next complete message, or undefined until more bytes arrive. */
  private next(): Buffer | undefined {
    if (this.phase === 'ended') return undefined;
    const startup = this.phase === 'startup';
    const headerBytes = startup ? 8 : 5;
    if (this.size < headerBytes) return undefined;
    if (this.chunks[0]!.length < headerBytes) this.chunks = [Buffer.concat(this.chunks)];
    const head = this.chunks[0]!;
    const length = startup ? head.readInt32BE(0) : head.readInt32BE(1);
    const limit = this.phase === 'ready' ? MAX_MESSAGE_BYTES : MAX_STARTUP_BYTES;
    if (length < headerBytes - (startup ? 0 : 1) || length > limit) {
      throw new ProtocolViolation(`invalid message length ${length}`);
    }
    const total = startup ? length : length + 1;
    if (this.size < total) return undefined;
    const all = this.chunks.length === 1 ? head : Buffer.concat(this.chunks);
    const rest = all.subarray(total);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size = rest.length;
    return all.subarray(0, total);
  }

  private async handle(message: Buffer): Promise<void> {
    if (this.phase === 'startup') return this.startup(message);
    if (this.phase === 'password') return this.authenticate(message);
    if (message[0] === TERMINATE) return this.end();
    if (!this.release) {
      // A new exchange: wait for the holder's transactions, and other clients' exchanges, to end.
      await this.acquire();
      if (this.phase === 'ended') return this.unlock();
      if (this.goodbye) return this.end(this.goodbye);
      try {
        this.context.guard();
      } catch (error) {
        return this.end(
          errorResponse('57P01', `its holder can no longer serve it: ${(error as Error).message}`),
        );
      }
    }
    const { pglite } = this.context;
    await pglite.runExclusive(() =>
      pglite.execProtocolRawStream(message, { onRawData: (data) => this.write(Buffer.from(data)) }),
    );
    if (ENDS_EXCHANGE.has(message[0]!) && !pglite.isInTransaction()) this.unlock();
  }

  private startup(message: Buffer): void {
    const code = message.readInt32BE(4);
    if ((code === SSL_REQUEST || code === GSSENC_REQUEST) && message.length === 8) {
      this.write(Buffer.from('N')); // no encryption: it is a loopback socket; the client goes on in clear
      return;
    }
    if (code === CANCEL_REQUEST) {
      void this.end(); // nothing to cancel in: one backend, statements run to their end
      return;
    }
    if (code !== PROTOCOL_3)
      throw new ProtocolViolation(`unsupported protocol ${code >> 16}.${code & 0xffff}`);
    this.phase = 'password';
    this.write(ASK_PASSWORD);
  }

  private authenticate(message: Buffer): void {
    if (message[0] !== PASSWORD_MESSAGE) throw new ProtocolViolation('expected a password message');
    const given = message.subarray(5, message.at(-1) === 0 ? -1 : undefined);
    if (!timingSafeEqual(digest(given), this.context.passwordDigest)) {
      void this.end(errorResponse('28P01', 'password authentication failed for the shared Lanyard store'));
      return;
    }
    clearTimeout(this.authTimer);
    this.phase = 'ready';
    this.write(this.context.connectionData);
  }

  private acquire(): Promise<void> {
    return new Promise((acquired, failed) => {
      this.context.pglite
        ._runExclusiveTransaction(
          () =>
            new Promise<void>((release) => {
              this.release = release;
              acquired();
            }),
        )
        .catch(failed);
    });
  }

  private unlock(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  private write(data: Buffer): void {
    if (this.socket.writable) this.socket.write(data);
  }

  private ending: Promise<void> | undefined;

  /** Closes the connection (after `error`, if given) and rolls back whatever the client left open. */
  private end(error?: Buffer): Promise<void> {
    this.ending ??= (async () => {
      this.phase = 'ended';
      clearTimeout(this.idleTimer);
      clearTimeout(this.graceTimer);
      clearTimeout(this.authTimer);
      if (error && this.socket.writable) this.socket.end(error);
      else this.socket.end();
      // A client that does not close its side in time is cut off: the share's close waits for every socket.
      setTimeout(() => this.socket.destroy(), 1_000).unref();
      try {
        await this.abandonExchange();
      } finally {
        this.unlock();
        this.resolveEnded();
      }
    })();
    return this.ending;
  }

  /**
   * Leaves the holder's session as the client found it: a ROLLBACK ends an explicit transaction or the implicit one
   * of an unfinished extended-protocol exchange; a Sync ends an exchange that failed (which ignores all until
   * Sync), and a second ROLLBACK the transaction block that Sync leaves failed.
   */
  private async abandonExchange(): Promise<void> {
    const { pglite } = this.context;
    await pglite.runExclusive(async () => {
      // Checked under the query mutex: an exchange that just ended released the transaction mutex to others.
      if (!this.release) return;
      const discard = { onRawData: () => {} };
      await pglite.execProtocolRawStream(queryMessage('ROLLBACK'), discard);
      await pglite.execProtocolRawStream(SYNC, discard);
      if (pglite.isInTransaction()) await pglite.execProtocolRawStream(queryMessage('ROLLBACK'), discard);
    });
  }
}

// ---- the client side ----

/** Refuses a holder whose schema lacks this code's latest migration (an older `lanyard serve` still running). */
async function assertSchemaCurrent(db: Db, descriptor: ShareDescriptor): Promise<void> {
  const journal = JSON.parse(
    await readFile(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8'),
  ) as { entries: Array<{ when: number }> };
  const latest = Math.max(...journal.entries.map((entry) => entry.when));
  const [applied] = await rows<{ applied: string }>(
    db,
    sql`select coalesce(max(created_at), 0)::text as applied from drizzle.__drizzle_migrations`,
  );
  if (Number(applied?.applied ?? 0) < latest) {
    throw new StoreLocked(
      `the store is held by process ${descriptor.pid} (${descriptor.command}), an older Lanyard whose database ` +
        'lacks this version’s migrations',
      { fix: 'restart that process with this version of Lanyard, or stop it and run the command again' },
    );
  }
}

const LOST_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown: the holder closed its share
  '57P02',
  '57P03',
  '25P03', // idle in transaction: the share ended a connection that held it back
  '08000',
  '08003',
  '08006',
  '08P01',
]);
const LOST_MESSAGE = /connection terminated|not queryable|timeout exceeded when trying to connect/i;

/** The share going away mid-command as a LanyardError naming the holder; any other error as it is. */
function lostShare(error: unknown, descriptor: ShareDescriptor, dataDir: string): unknown {
  if (error instanceof LanyardError) return error;
  for (let current = error, depth = 0; current && depth < 6; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if ((typeof code === 'string' && LOST_CODES.has(code)) || LOST_MESSAGE.test(String(message ?? ''))) {
      return new Unreachable(
        `the store at ${dataDir} is shared by process ${descriptor.pid} (${descriptor.command}), and the ` +
          `connection to it ended: ${String(message)}`,
        {
          cause: error,
          fix: 'run the command again; with that process stopped, the command opens the store itself',
        },
      );
    }
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

/**
 * The object with every method's failures (thrown or rejected) passed through `map`; objects it holds or returns
 * that have methods (the store's parts, a scan writer) get the same treatment.
 */
function withErrors<T extends object>(target: T, map: (error: unknown) => unknown): T {
  const wrapValue = (value: unknown) => (hasMethods(value) ? withErrors(value, map) : value);
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (typeof value !== 'function') return wrapValue(value);
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(object, args);
        } catch (error) {
          throw map(error);
        }
        if (!isThenable(result)) return wrapValue(result);
        return Promise.resolve(result).then(wrapValue, (error) => {
          throw map(error);
        });
      };
    },
  });
}

function hasMethods(value: unknown): value is object {
  if (!value || typeof value !== 'object' || Array.isArray(value) || isThenable(value)) return false;
  return Object.values(value).some((item) => typeof item === 'function');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

// ---- the descriptor, the wire format ----

async function writeDescriptor(path: string, descriptor: ShareDescriptor): Promise<void> {
  // Written aside and renamed into place: a client never reads half a descriptor.
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(descriptor)}\n`, { mode: 0o600 });
  await rename(partial, path);
}

async function readDescriptor(path: string): Promise<ShareDescriptor | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<ShareDescriptor>;
    const usable =
      parsed.version === 1 &&
      parsed.host === HOST &&
      Number.isInteger(parsed.port) &&
      Number.isInteger(parsed.pid) &&
      typeof parsed.password === 'string' &&
      typeof parsed.hostname === 'string';
    return usable ? (parsed as ShareDescriptor) : undefined;
  } catch {
    return undefined;
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function digest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(parameters).flat().join('\0')}\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([head, body]);
}

function queryMessage(text: string): Buffer {
  const body = Buffer.from(`${text}\0`);
  const head = Buffer.alloc(5);
  head.write('Q', 0);
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

/** A FATAL ErrorResponse: the client reports it and the connection ends. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(4 + fields.length, 1);
  return Buffer.concat([head, fields]);
}
