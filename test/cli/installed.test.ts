// Lanyard as a user installs it: `npm pack`, the tarball installed into an empty prefix without dev
// dependencies, then the `lanyard` command itself (no TypeScript loader), on the Node it needs and on an
// older one. Also what the built command does with a reader that stops early (`| head -1`).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let work: string;
let lanyard: string;
/** PATH with the Node that runs these tests (the project's pinned one) first. */
const PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'lanyard-installed-'));
  const npm = (args: string[], cwd: string) =>
    run('npm', args, { cwd, env: { ...process.env, PATH }, maxBuffer: 16 * 1024 * 1024 });
  await npm(['pack', '--pack-destination', work], ROOT);
  const [tarball] = (await readdir(work)).filter((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made a tarball');
  const prefix = join(work, 'prefix');
  await npm(
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--omit=dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(work, tarball),
    ],
    work,
  );
  lanyard = join(prefix, 'bin', 'lanyard');
});
after(() => rm(work, { recursive: true, force: true }));

const home = () => mkdtemp(join(work, 'home-'));

test('the installed command prints its version and runs the demo without dev dependencies', async () => {
  const version = await run(lanyard, ['--version'], { env: { ...process.env, PATH } });
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const demoEnv = { ...process.env, PATH, LANYARD_HOME: await home() };
  const demo = await run(lanyard, ['demo', '--apps', '120'], { env: demoEnv, maxBuffer: 16 * 1024 * 1024 });
  assert.match(demo.stdout, /Scan \d+ succeeded/);
  assert.doesNotMatch(demo.stderr, /warn|error/i);
  // The second act: the tenant changes, the rescan shows what changed and what a SIEM got.
  assert.match(demo.stdout, /Then the tenant changed:\n {2}a secret "hotfix \(demo\)"/);
  assert.match(
    demo.stdout,
    /^SIEM events of the rescan \(\d+, as OCSF in .*siem-events\.ocsf\.jsonl\): .*\d+ signin\.suspicious/m,
  );
  assert.match(
    demo.stdout,
    /^ {2}signin\.suspicious +high +.* a network range it never signed in from before/m,
  );
  assert.match(
    demo.stdout,
    /^ {2}signin\.suspicious +medium +.* failed to sign in \d+ times within 10 minutes/m,
  );
  // Its emulated cloud stopped with the demo: a later scan says so and how to bring it back.
  const later = await run(lanyard, ['scan', '--integration', 'demo', '--quiet'], { env: demoEnv }).catch(
    (e) => e,
  );
  assert.equal(later.code, 7);
  assert.match(
    later.stderr,
    /^error: "demo" is the built-in demo tenant, and its emulated cloud has stopped\n/,
  );
  assert.match(later.stderr, /fix: run `npm run demo` \(or `lanyard demo`\) again/);
});

test('on a Node older than it needs, the command says so in one line', async (t) => {
  const older = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, 'node'))
    .find((node) => node !== process.execPath && !node.includes('node_modules') && existsSync(node));
  if (!older) return t.skip('no other Node on PATH');
  const { stdout: found } = await run(older, ['--version']);
  if (Number(found.slice(1).split('.')[0]) >= 24) return t.skip(`the other Node is ${found.trim()}`);
  const result = await run(older, [lanyard, '--help']).catch((error) => error);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(
    result.stderr,
    /^lanyard needs Node\.js 24 or newer, and this is Node\.js 2\d\.\d+\.\d+: .*\n$/,
  );
  assert.equal(result.stderr.split('\n').length, 2, 'one line');
});

test('a reader that stops after the first line ends the output quietly', async () => {
  const env = { ...process.env, PATH, LANYARD_HOME: await home() };
  await run(lanyard, ['demo', '--apps', '120'], { env, maxBuffer: 16 * 1024 * 1024 });
  const child = spawn(lanyard, ['inventory', '--format', 'ndjson'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const first = await lines[Symbol.asyncIterator]().next();
  assert.match(String(first.value), /^\{"integration":\{"name":"demo"/);
  child.stdout.destroy();
  assert.equal(await exited, 0);
  assert.equal(stderr, '');
});
