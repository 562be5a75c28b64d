// What the built CLI loads before it does anything: printing help loads no database, no mail, no HTTP client or
// server and no Azure SDK (they cost start time and memory: bench/README.md "CLI start"). Twice a change pulled
// nodemailer into every start through a shared module; this says which package and through which command.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { builtCli } from '../support/built-cli.ts';

const run = promisify(execFile);
const RECORDER = fileURLToPath(new URL('../support/record-packages.mjs', import.meta.url));
/** Small enough to load at every start (the progress bar of scan and demo). */
const ALLOWED_AT_START = new Set(['cli-progress']);

test('help of every command loads no package beyond the few every start needs', async () => {
  const { bin } = await builtCli();
  for (const args of [
    ['--help'],
    ['scan', '--help'],
    ['findings', '--help'],
    ['alerts', 'digest', '--help'],
    ['outbox', '--help'],
    ['serve', '--help'],
    ['worker', '--help'],
    ['demo', '--help'],
  ]) {
    const { stdout, stderr } = await run(process.execPath, ['--import', RECORDER, bin, ...args], {
      env: { ...process.env, LANYARD_HOME: '/nonexistent/lanyard-startup-test' },
    });
    assert.match(stdout, /Usage: lanyard/, args.join(' '));
    const loaded = [...stderr.matchAll(/^package-import (\S+)$/gm)].map((m) => m[1]!);
    assert.deepEqual(
      [...new Set(loaded)].filter((name) => !ALLOWED_AT_START.has(name)),
      [],
      `lanyard ${args.join(' ')} loaded these at start`,
    );
  }
});

test('the recorder sees a package a command does load', async () => {
  // A command that opens the store loads its driver: the recorder is not blind.
  const { bin } = await builtCli();
  const home = await mkdtemp(join(tmpdir(), 'lanyard-startup-'));
  try {
    const result = await run(process.execPath, ['--import', RECORDER, bin, 'integration', 'list'], {
      env: { ...process.env, LANYARD_HOME: home },
    });
    assert.match(result.stderr, /^package-import @electric-sql\/pglite/m);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
