// One process at a time on a PGlite data directory: PGlite does not lock it, and two writers lose data silently.
// proper-lockfile holds `<dir>.lock`; `<dir>.lock-holder.json` names the holder for the error a second opener gets.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';
import { StoreLocked } from '../core/errors.ts';

export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  since: string;
}

export interface DataDirLock {
  release(): Promise<void>;
  /** Set when the lock was lost while held (its directory removed, or not refreshed in time). */
  readonly compromised: Error | undefined;
}

/** proper-lockfile refreshes the lock's mtime; a lock not refreshed for this long belongs to a dead process. */
const STALE_MS = 10_000;

export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lockPath = `${dataDir}.lock`;
  const holderPath = `${dataDir}.lock-holder.json`;
  let compromised: Error | undefined;
  const options = {
    lockfilePath: lockPath,
    realpath: false,
    stale: STALE_MS,
    retries: 0,
    onCompromised: (error: Error) => {
      compromised = error;
    },
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const holder = await readHolder(holderPath);
    // A process of this machine that no longer runs cannot refresh its lock: take it over at once
    // rather than waiting for the lock to go stale.
    if (!holder || holder.hostname !== hostname() || isAlive(holder.pid)) {
      throw lockedError(dataDir, holder);
    }
    await rm(lockPath, { recursive: true, force: true });
    try {
      release = await lockfile.lock(dataDir, options);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'ELOCKED') throw again;
      throw lockedError(dataDir, await readHolder(holderPath));
    }
  }
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: describeCommand(process.argv),
    since: new Date().toISOString(),
  };
  await writeFile(holderPath, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  return {
    get compromised() {
      return compromised;
    },
    async release() {
      await rm(holderPath, { force: true });
      if (!compromised) await release();
    },
  };
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Whether a process of this machine with that id lives (EPERM: it does, another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line, shortened, with any URL's password masked: it is written to a file others read. */
export function describeCommand(argv: readonly string[]): string {
  const text = argv
    .slice(1)
    .map((arg) => arg.replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, '$1***@'))
    .join(' ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

export function lockedError(dataDir: string, holder: LockHolder | undefined): StoreLocked {
  const who = holder
    ? `process ${holder.pid} on ${holder.hostname} (${holder.command || 'unknown command'}) since ${holder.since}`
    : 'another process';
  return new StoreLocked(
    `the store at ${dataDir} is in use by ${who}; PGlite serves one process at a time, so for concurrent ` +
      'use share a PostgreSQL database (--database postgres://... or LANYARD_DATABASE_URL)',
    { fix: 'wait for that process to finish, or use --database postgres://... (or LANYARD_DATABASE_URL)' },
  );
}
