// The emulator CLI as a user runs it: prints endpoints, tenants, where the scanner's credentials are (never
// the secret itself) and the CA bundle hint, then stops cleanly on SIGINT.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const CLI = path.join(import.meta.dirname, '..', 'cli.ts');

function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => stdout.includes('Press Ctrl+C') && resolve());
    child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
  });
  return { child, exited, ready, output: () => ({ stdout, stderr }) };
}

test('prints how to reach the emulator without the secret, and stops on SIGINT', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'emulator-cli-'));
  try {
    const cli = runCli([
      '--apps',
      '5',
      '--seed',
      '9',
      '--out',
      out,
      '--ground-truth',
      path.join(out, 'truth.json'),
      '--graph-reading',
      'lenient',
      '--graph-reading',
      'limited-owners=on',
      '--scanner-roles',
      'Application.Read.All',
    ]);
    await cli.ready;
    const { stdout } = cli.output();
    const secret = (await readFile(path.join(out, 'scanner-secret.txt'), 'utf8')).trim();
    assert.ok(!stdout.includes(secret), 'the secret value is never printed');
    assert.match(stdout, /listening at https:\/\/127\.0\.0\.1:\d+/);
    assert.ok(stdout.includes(`export NODE_EXTRA_CA_CERTS=${path.join(out, 'ca-bundle.pem')}`));
    assert.ok(stdout.includes(path.join(out, 'scanner-certificate.pem')));
    assert.ok(stdout.includes('Graph readings: nested-expand=allow,fic-expand=all,limited-owners=on'));
    assert.match(stdout, /permissions +Application\.Read\.All\n/);
    const truth = JSON.parse(await readFile(path.join(out, 'truth.json'), 'utf8'));
    assert.ok(stdout.includes(truth.tenantId));
    cli.child.kill('SIGINT');
    assert.equal(await cli.exited, 0, JSON.stringify(cli.output()));
    assert.ok(cli.output().stdout.includes('Emulator stopped.'));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('rejects a bad argument with a message and a non-zero exit', async () => {
  for (const [args, message] of [
    [['--apps', 'many'], /--apps/],
    [['--graph-reading', 'fic-expand=v1'], /--graph-reading.*federatedCredentialsExpand must be one of/],
    [
      ['--scanner-roles', 'Everything.All'],
      /unknown Microsoft Graph application permission: Everything\.All/,
    ],
  ] as const) {
    const cli = runCli([...args]);
    cli.ready.catch(() => {});
    assert.notEqual(await cli.exited, 0, args.join(' '));
    assert.match(cli.output().stderr, message);
  }
});
