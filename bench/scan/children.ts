// Child processes of the scan benchmark: each runs a TypeScript file on this Node through tsx, reports one
// JSON line on stdout, and is stopped when the benchmark ends for any reason (a child also exits on its own
// when its stdin closes, i.e. when the benchmark process is gone). Temp dirs the benchmark made go too.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let hooked = false;

/** SIGTERM lets a child clean up (the emulator removes its CA and credential files); SIGKILL after 5 s. */
async function stopAll(): Promise<void> {
  const exits = [...live].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5000).unref();
      }),
  );
  await Promise.all(exits);
}

function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGTERM');
    removeTempDirs();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the benchmark's processes…\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

/** A temp dir removed when the benchmark exits, even on Ctrl+C; call the returned function to untrack it. */
export function trackTempDir(dir: string): () => void {
  hookExit();
  tempDirs.add(dir);
  return () => tempDirs.delete(dir);
}

export interface Child<T> {
  process: ChildProcess;
  /** The first line of stdout that parses as a JSON object. */
  report: Promise<T>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs `node [nodeFlags] --import tsx <file> <json input>`; extra env is merged into this process's
 * environment.
 */
export function spawnChild<T>(
  file: URL,
  input: unknown,
  options: { env?: Record<string, string>; nodeFlags?: string[] } = {},
): Child<T> {
  hookExit();
  const args = [...(options.nodeFlags ?? []), '--import', 'tsx', fileURLToPath(file), JSON.stringify(input)];
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  live.add(child);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  const report = new Promise<T>((resolve, reject) => {
    let found = false;
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (found || !line.startsWith('{')) {
        if (!found && line.trim() !== '') process.stderr.write(`  [child ${child.pid}] ${line}\n`);
        return;
      }
      try {
        const value = JSON.parse(line) as T;
        found = true;
        resolve(value);
      } catch {
        process.stderr.write(`  [child ${child.pid}] ${line}\n`);
      }
    });
    void exited.then((code) => {
      if (!found) reject(new Error(`${fileURLToPath(file)} exited with ${code} before reporting`));
    });
  });
  report.catch(() => {});
  return {
    process: child,
    report,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** In a child: exit when the parent closes our stdin (it ended or was killed). */
export function exitWithParent(onExit: () => Promise<void> | void = () => {}): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 5000).unref();
    void Promise.resolve(onExit()).finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** In a child: the one JSON line the parent waits for. */
export function report(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
