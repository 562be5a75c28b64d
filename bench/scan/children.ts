// Child processes of the scan benchmark: each runs a TypeScript file on this Node through tsx, reports one
// JSON line on stdout, and is killed when the benchmark ends for any reason (a child also exits on its own
// when its stdin closes, i.e. when the benchmark process is gone).
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of live) child.kill('SIGKILL');
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
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

/** Runs `node --import tsx <file> <json input>`; extra env is merged into this process's environment. */
export function spawnChild<T>(file: URL, input: unknown, env: Record<string, string> = {}): Child<T> {
  hookExit();
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(file), JSON.stringify(input)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
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
  const stop = () => {
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
