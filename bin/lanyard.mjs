#!/usr/bin/env node
// The `lanyard` command: checks the Node.js it runs on, then runs the built CLI (dist/, made by `npm run
// build`, which `npm ci` and `npm pack` run). Plain JavaScript that any Node parses, so an old Node gets
// one clear line instead of a stack trace from a dependency.
const REQUIRED_MAJOR = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_MAJOR) {
  process.stderr.write(
    `lanyard needs Node.js ${REQUIRED_MAJOR} or newer, and this is Node.js ${process.versions.node}: install Node.js ${REQUIRED_MAJOR} (https://nodejs.org) and run it again\n`,
  );
  process.exit(2);
}
let cli;
try {
  cli = await import('../dist/cli.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.mjs')) throw error;
  process.stderr.write('lanyard is not built: run `npm run build` in its folder (`npm ci` does it too)\n');
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
