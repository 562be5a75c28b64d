// The `lanyard` command built from the sources as they are now, so CLI tests run it without a TypeScript
// loader (tsx costs each command about a second of transpiling before it starts). Built by scripts/build.mjs
// into a cache keyed by a hash of everything the build reads: an unchanged tree reuses the build, any change
// makes a new one, and a build of other sources is never run.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Folders the bundle's modules come from; tests beside the code are no part of it. */
const SOURCE_DIRS = ['src', 'emulator'];
/** Files that decide how the sources are built; the lock file pins esbuild and the bundled packages. */
const BUILD_FILES = [
  'scripts/build.mjs',
  'bin/lanyard.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];
// Inside node_modules: the bundle's external packages resolve from the node_modules above it, `npm ci` starts
// it afresh, and nothing in it is seen by git.
const CACHE = join(ROOT, 'node_modules', '.cache', 'lanyard-test-cli');
/** Builds of other sources older than this are removed; no test run lasts that long. */
const KEEP_MS = 3_600_000;
/** A build races edits to the sources; after this many builds whose sources changed under them, give up. */
const ATTEMPTS = 3;

export interface BuiltCli {
  /** The `lanyard` command (bin/lanyard.mjs), beside the build as in the package. */
  bin: string;
  /** The bundle itself, runnable as `node cli.mjs`. */
  main: string;
}

let built: Promise<BuiltCli> | undefined;

/** The CLI built from the current sources: built once per process at most, and only if the cache lacks it. */
export function builtCli(): Promise<BuiltCli> {
  built ??= buildOnce();
  return built;
}

async function buildOnce(): Promise<BuiltCli> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const { key, files } = await sourcesKey();
    const dir = join(CACHE, key);
    const cli = { bin: join(dir, 'bin', 'lanyard.mjs'), main: join(dir, 'dist', 'cli.mjs') };
    if (await exists(cli.main)) return cli;
    // Built aside and renamed into place, so processes starting together never run a half-written build.
    const building = join(CACHE, `building-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await build(building, files);
      // Sources edited while esbuild read them: the build matches neither version, so it is not kept.
      if ((await sourcesKey()).key !== key) continue;
      await rename(building, dir).catch(async (error) => {
        if (!(await exists(cli.main))) throw error;
      });
      await pruneOthers(key);
      return cli;
    } finally {
      await rm(building, { recursive: true, force: true });
    }
  }
  throw new Error(`the sources kept changing while the CLI was built for the tests (${ATTEMPTS} attempts)`);
}

async function build(dir: string, hashed: ReadonlySet<string>): Promise<void> {
  const metafile = join(dir, 'meta.json');
  await mkdir(join(dir, 'bin'), { recursive: true });
  await promisify(execFile)(
    process.execPath,
    ['scripts/build.mjs', '--outdir', join(dir, 'dist'), '--metafile', metafile],
    { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`building the CLI for the tests failed: ${error.stderr || error.message}`, {
      cause: error,
    });
  });
  await copyFile(join(ROOT, 'bin', 'lanyard.mjs'), join(dir, 'bin', 'lanyard.mjs'));
  // The key is only as good as what it covers: every module esbuild read must be in it (npm packages are
  // pinned by the lock file), or a change to that module would run an old build.
  const { inputs } = JSON.parse(await readFile(metafile, 'utf8')) as { inputs: Record<string, unknown> };
  const uncovered = Object.keys(inputs).filter(
    (input) => !input.startsWith('node_modules/') && !hashed.has(input),
  );
  if (uncovered.length > 0)
    throw new Error(
      `the CLI's build read files its cache key leaves out (test/support/built-cli.ts): ${uncovered}`,
    );
  await rm(metafile);
}

/** A hash of every file the build reads, and the source files it covers (paths as esbuild names them). */
async function sourcesKey(): Promise<{ key: string; files: Set<string> }> {
  const sources: string[] = [];
  for (const top of SOURCE_DIRS) {
    for (const entry of await readdir(join(ROOT, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.test.ts')) continue;
      const path = join(entry.parentPath, entry.name).slice(ROOT.length).split('\\').join('/');
      sources.push(path);
    }
  }
  sources.sort();
  const hash = createHash('sha256');
  for (const path of [...BUILD_FILES, ...sources]) {
    hash.update(`${path}\0`);
    // A file removed since it was listed: the sources are changing, which the check after the build sees.
    hash.update(await readFile(join(ROOT, path)).catch(() => 'removed'));
    hash.update('\0');
  }
  return { key: hash.digest('hex').slice(0, 16), files: new Set(sources) };
}

async function pruneOthers(current: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(CACHE)) {
    if (name === current) continue;
    const path = join(CACHE, name);
    const modified = await stat(path).then(
      (s) => s.mtimeMs,
      () => now,
    );
    if (now - modified > KEEP_MS) await rm(path, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
