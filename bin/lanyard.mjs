#!/usr/bin/env node
// The `lanyard` command: checks the Node.js it runs on, then runs the built CLI (dist/, made by `npm run
// build`, which `npm pack` runs; `npm ci` does not, so a checkout builds it itself). Plain JavaScript that any
// Node parses, so an old Node gets one clear line instead of a stack trace from a dependency.
const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  process.stderr.write(
    `lanyard needs Node.js ${REQUIRED_MAJOR} or newer, and this is Node.js ${process.versions.node}: install Node.js ${REQUIRED_MAJOR} (https://nodejs.org) and run it again\n`,
  );
  process.exit(2);
}
// Memory flags, measured in bench/README.md (CLI section). The embedded database is PostgreSQL compiled to
// WebAssembly: V8 compiles it twice by default, a quick baseline and then an optimised tier in the
// background, and the second compilation roughly doubles the process's memory; the baseline alone keeps
// Lanyard within a small container. A young generation of 4 MB semi-spaces, not V8's larger default, keeps
// the short-lived query buffers from inflating the heap. LANYARD_WASM_OPTIMIZE=1 keeps V8's defaults. V8
// fixes its flags at start-up, so the process replaces itself with one started with them (execve: same
// pid, no second process).
// Every command but the demo also trades some speed for a smaller heap (--optimize-for-size): listing 225,000
// identities peaks at 168 MB instead of 229 MB, and the first scan of 100,000 applications at 458 MB instead
// of 763 MB (V8 collects the pages' garbage sooner), its inventory ~40 % slower (bench/README.md, CLI); the
// demo keeps V8's speed.
const BASELINE_ONLY = '--liftoff-only';
const MEMORY_FLAGS = [BASELINE_ONLY, '--max-semi-space-size=4'];
const KEEP_SPEED = new Set(['demo']);
const argv = process.argv.slice(2);
const command = argv.find(
  (arg, i) => !arg.startsWith('-') && !['--database', '--home'].includes(argv[i - 1]),
);
const printsOnly =
  argv.length === 0 || argv.some((a) => ['-h', '--help', '-V', '--version', 'help'].includes(a));
if (
  !printsOnly &&
  !process.execArgv.includes(BASELINE_ONLY) &&
  process.env.LANYARD_WASM_OPTIMIZE !== '1' &&
  typeof process.execve === 'function'
) {
  process.execve(process.execPath, [
    process.execPath,
    ...MEMORY_FLAGS,
    ...(KEEP_SPEED.has(command) ? [] : ['--optimize-for-size']),
    ...process.execArgv,
    process.argv[1],
    ...argv,
  ]);
}
let cli;
try {
  cli = await import('../dist/cli.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.mjs')) throw error;
  process.stderr.write(
    'lanyard is not built: run `npm run build` in its folder (`npm ci` does not build it)\n',
  );
  process.exit(2);
}
process.exitCode = await cli.main(argv);
