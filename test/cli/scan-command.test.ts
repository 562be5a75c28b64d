// `lanyard scan / inventory / identity` as a user runs them, against the emulated Microsoft cloud.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningEmulator, SCANNER_GRAPH_ROLES, startEmulator } from '../../emulator/index.ts';
import { signRs256 } from '../../emulator/login/jwt.ts';
import { accessGroundTruth } from '../../emulator/tenant/access-truth.ts';
import type { GroundTruth } from '../../emulator/tenant/ground-truth.ts';
import { EXIT_CODES } from '../../src/core/errors.ts';
import { openStore } from '../../src/store/index.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let emulator: RunningEmulator;
/** Not served: the emulator finds no credential for a wrong subject before it would fetch the issuer's keys. */
const FEDERATED_ISSUER = 'https://oidc.lanyard.test/cluster-1/';

/** A projected-service-account-like token from FEDERATED_ISSUER, signed with a throwaway key. */
function federatedToken(subject: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signRs256(
    { typ: 'JWT', kid: 'cluster-key' },
    { iss: FEDERATED_ISSUER, sub: subject, aud: ['api://AzureADTokenExchange'], nbf: now, exp: now + 3600 },
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  );
}
let home: string;
let truth: GroundTruth;
const env = (extra: Record<string, string> = {}) => ({ LANYARD_HOME: home, ...extra });

function createArgs(name: string, overrides: Record<string, string> = {}): string[] {
  const options: Record<string, string> = {
    '--name': name,
    '--tenant': emulator.scanner.tenantId,
    '--client-id': emulator.scanner.clientId,
    '--auth': 'certificate',
    '--certificate': emulator.scanner.certificatePath,
    '--cloud': 'custom',
    '--login-url': emulator.loginUrl,
    '--graph-url': emulator.graphUrl,
    '--arm-url': emulator.armUrl,
    '--ca-file': emulator.caBundlePath,
    ...overrides,
  };
  const args = ['integration', 'create', 'azure'];
  for (const [flag, value] of Object.entries(options)) if (value !== '') args.push(flag, value);
  return args;
}

async function createIntegration(name: string, overrides: Record<string, string> = {}): Promise<void> {
  const result = await runCli(createArgs(name, overrides), env());
  assert.equal(result.code, 0, result.stderr);
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-scan-'));
  // A migrated database from the test template: the CLI would otherwise spend seconds creating one.
  await seedPgliteDir(join(home, 'data'));
  emulator = await startEmulator({ tenants: [{ seed: 11, apps: 60 }], outDir: join(home, 'emulator') });
  truth = emulator.control.groundTruth(emulator.scanner.tenantId);
  await createIntegration('prod');
});

after(async () => {
  await emulator?.close();
  await rm(home, { recursive: true, force: true });
});

test('scan --json prints one summary whose counts match the tenant', async () => {
  // Access and last use are read by the tests that follow, which show them unknown until a scan reads them.
  const result = await runCli(
    ['scan', '--integration', 'prod', '--json', '--no-access', '--no-last-use'],
    env(),
  );
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '', (_key, value) => value);
  assert.equal(
    result.stdout.trim().split('\n').length,
    1,
    `one JSON line expected, got: ${result.stdout.slice(0, 300)}`,
  );
  assert.equal(summary.status, 'succeeded');
  assert.equal(summary.counts.applications, truth.applications.length);
  assert.equal(summary.counts.servicePrincipals, truth.servicePrincipals.length);
  assert.ok(summary.requests > 0 && summary.resourceUnits > 0);
  assert.equal(typeof summary.scanId, 'number');
});

test('inventory json holds every identity and no secret value; table and csv show hostile names inert', async () => {
  const json = await runCli(['inventory', '--format', 'json'], env());
  assert.equal(json.code, 0, json.stderr);
  const identities = JSON.parse(json.stdout);
  assert.equal(identities.length, truth.applications.length + truth.servicePrincipals.length);
  assert.doesNotMatch(json.stdout, /secretText"\s*:\s*"/);

  const hostile = identities.find((i: { displayName: string }) => i.displayName.includes('\u001b'));
  assert.ok(hostile, 'the generated tenant holds an ANSI-escape name');
  for (const format of ['table', 'csv', 'ndjson', 'json']) {
    const out = await runCli(['inventory', '--format', format], env());
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(
      out.stdout,
      /[\u001b\u202e\u009b]/,
      `${format} output carries a raw control character`,
    );
  }
  const csv = await runCli(['inventory', '--format', 'csv'], env());
  for (const line of csv.stdout.split('\n').slice(1)) {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [];
    for (const cell of cells)
      assert.doesNotMatch(cell.replace(/^"/, ''), /^[=+@]/, `formula cell in: ${line}`);
  }
});

test('inventory filters narrow the list', async () => {
  const all = JSON.parse((await runCli(['inventory', '--format', 'json'], env())).stdout);
  const apps = JSON.parse(
    (await runCli(['inventory', '--format', 'json', '--type', 'application'], env())).stdout,
  );
  assert.equal(apps.length, truth.applications.length);
  const ownerless = JSON.parse(
    (await runCli(['inventory', '--format', 'json', '--type', 'application', '--owner', 'none'], env()))
      .stdout,
  );
  assert.equal(ownerless.length, truth.applications.filter((a) => a.owners.length === 0).length);
  const microsoft = JSON.parse(
    (await runCli(['inventory', '--format', 'json', '--publisher', 'microsoft'], env())).stdout,
  );
  assert.ok(microsoft.length > 0 && microsoft.length < all.length);
});

test('identity shows credentials with where they live, owners and history across scans', async () => {
  const second = await runCli(['scan', '--integration', 'prod', '--quiet', '--no-access'], env());
  assert.equal(second.code, 0, second.stderr);
  const app = truth.applications.find((a) => a.passwordCredentials.length > 0 && a.owners.length > 0)!;
  const shown = await runCli(['identity', app.appId], env());
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(app.passwordCredentials[0]!.keyId));
  assert.match(shown.stdout, /Owners \(\d+\)/);
  assert.match(shown.stdout, /History\n {2}scan \d+ .* added/);
  const asJson = JSON.parse((await runCli(['identity', app.appId, '--json'], env())).stdout);
  const application = asJson.find((m: { identity: { kind: string } }) => m.identity.kind === 'application');
  assert.deepEqual(
    application.identity.credentials
      .filter((c: { type: string }) => c.type === 'secret')
      .map((c: { keyId: string }) => c.keyId)
      .sort(),
    app.passwordCredentials.map((c) => c.keyId).sort(),
  );
  const asOfFirst = await runCli(['inventory', '--as-of', '1', '--format', 'ndjson'], env());
  assert.equal(asOfFirst.code, 0, asOfFirst.stderr);
});

test('a second process on the same data directory gets a clear error naming the holder', async () => {
  const store = await openStore({ dataDir: join(home, 'data') });
  try {
    const result = await runCli(['inventory'], env());
    assert.equal(result.code, EXIT_CODES.LANYARD_STORE_LOCKED, result.stderr);
    assert.match(result.stderr, new RegExp(`process ${process.pid}`));
    assert.match(result.stderr, /postgres/i);
  } finally {
    await store.close();
  }
});

const failures: Array<{
  name: string;
  overrides: () => Record<string, string>;
  extraEnv?: Record<string, string>;
  code: number;
  message: RegExp;
  fixLine?: RegExp;
}> = [
  {
    name: 'unknown tenant',
    overrides: () => ({ '--tenant': '00000000-0000-0000-0000-0000000000aa' }),
    code: EXIT_CODES.LANYARD_AUTH_FAILED,
    message: /tenant/i,
  },
  {
    name: 'wrong client id',
    overrides: () => ({ '--client-id': '00000000-0000-0000-0000-0000000000bb' }),
    code: EXIT_CODES.LANYARD_AUTH_FAILED,
    message: /client id|application/i,
  },
  {
    name: 'wrong secret',
    overrides: () => ({ '--auth': 'secret', '--certificate': '', '--secret-env': 'WRONG_SECRET' }),
    extraEnv: { WRONG_SECRET: 'not-the-secret-value-at-all' },
    code: EXIT_CODES.LANYARD_AUTH_FAILED,
    message: /secret/i,
  },
  {
    name: 'secret variable not set',
    overrides: () => ({ '--auth': 'secret', '--certificate': '', '--secret-env': 'LANYARD_UNSET_SECRET' }),
    code: EXIT_CODES.LANYARD_CREDENTIAL_UNREADABLE,
    message: /LANYARD_UNSET_SECRET/,
  },
  {
    name: 'certificate file missing',
    overrides: () => ({ '--certificate': join(home, 'missing.pem') }),
    code: EXIT_CODES.LANYARD_CREDENTIAL_UNREADABLE,
    message: /missing\.pem/,
  },
  {
    name: 'app registration without a service principal',
    overrides: () => {
      const app = emulator.control.addClientApplication(emulator.scanner.tenantId, {
        displayName: 'registered, never provisioned',
        graphRoles: SCANNER_GRAPH_ROLES,
        secretText: 'not-the-secret-value-at-all',
      });
      // What `az ad app create` without `az ad sp create` leaves behind.
      emulator.tenants[0]?.servicePrincipals.delete(app.servicePrincipalId);
      return { '--client-id': app.appId, '--auth': 'secret', '--certificate': '', '--secret-env': 'NOSP' };
    },
    extraEnv: { NOSP: 'not-the-secret-value-at-all' },
    code: EXIT_CODES.LANYARD_AUTH_FAILED,
    message: /has no service principal in tenant .*\(AADSTS7000229\)/,
    fixLine: /az ad sp create --id /,
  },
  {
    name: 'federated token with an untrusted subject',
    overrides: () => {
      const app = emulator.control.addClientApplication(emulator.scanner.tenantId, {
        displayName: 'federated reader',
        graphRoles: SCANNER_GRAPH_ROLES,
        federated: [
          {
            name: 'scanner',
            issuer: FEDERATED_ISSUER,
            subject: 'system:serviceaccount:lanyard:scanner',
            audiences: ['api://AzureADTokenExchange'],
          },
        ],
      });
      const tokenFile = join(home, `token-${app.appId}`);
      writeFileSync(tokenFile, federatedToken('system:serviceaccount:lanyard:default'), { mode: 0o600 });
      return {
        '--client-id': app.appId,
        '--auth': 'federated',
        '--certificate': '',
        '--token-file': tokenFile,
      };
    },
    code: EXIT_CODES.LANYARD_AUTH_FAILED,
    message: /token's subject 'system:serviceaccount:lanyard:default' .*\(AADSTS700213\)/,
    fixLine: /to 'system:serviceaccount:lanyard:default' exactly/,
  },
  {
    name: 'unreachable endpoint',
    overrides: () => ({ '--login-url': 'https://127.0.0.1:9', '--graph-url': 'https://127.0.0.1:9' }),
    code: EXIT_CODES.LANYARD_UNREACHABLE,
    message: /127\.0\.0\.1:9/,
  },
  {
    name: 'CA not trusted',
    overrides: () => ({ '--ca-file': '' }),
    code: EXIT_CODES.LANYARD_TLS_UNTRUSTED,
    message: /certificate|CA/i,
  },
];

// Each case has its own LANYARD_HOME, so they run side by side (PGlite serves one process per directory).
test('scan fails cleanly on bad credentials, permissions and endpoints', { concurrency: true }, async (t) => {
  await Promise.all(
    failures.map((failure) =>
      t.test(failure.name, async () => {
        const caseHome = await mkdtemp(join(home, 'case-'));
        await seedPgliteDir(join(caseHome, 'data'));
        const caseEnv = (extra: Record<string, string> = {}) => ({ LANYARD_HOME: caseHome, ...extra });
        const created = await runCli(createArgs('bad', failure.overrides()), caseEnv());
        assert.equal(created.code, 0, created.stderr);
        const result = await runCli(['scan', '--integration', 'bad', '--json'], caseEnv(failure.extraEnv));
        assert.equal(result.code, failure.code, `${result.stderr}\n${result.stdout}`);
        const errorLines = result.stderr.split('\n').filter((l) => l.startsWith('error:'));
        assert.equal(errorLines.length, 1, result.stderr);
        assert.match(errorLines[0]!, failure.message);
        assert.match(result.stderr, /\n {2}fix: /);
        if (failure.fixLine) assert.match(result.stderr.split('\n  fix: ')[1] ?? '', failure.fixLine);
        assert.doesNotMatch(result.stderr + result.stdout, /not-the-secret-value-at-all|eyJ[\w-]+\.eyJ/);
        // Nothing half-written: the failed scan is recorded as such and no identity appears.
        const inventory = await runCli(['inventory', '--integration', 'bad', '--format', 'json'], caseEnv());
        assert.deepEqual(JSON.parse(inventory.stdout), []);
        const shown = JSON.parse((await runCli(['integration', 'show', 'bad', '--json'], caseEnv())).stdout);
        assert.equal(shown.scans.at(-1).status, 'failed');
      }),
    ),
  );
});

test('missing Graph permission names the permission to grant', async () => {
  const app = emulator.control.addClientApplication(emulator.scanner.tenantId, {
    displayName: 'reader without permissions',
    graphRoles: [],
    secretText: 'Nz8Q~a-secret-for-the-unprivileged-app',
  });
  await createIntegration('noperm', {
    '--client-id': app.appId,
    '--auth': 'secret',
    '--certificate': '',
    '--secret-env': 'NOPERM_SECRET',
  });
  const result = await runCli(
    ['scan', '--integration', 'noperm'],
    env({ NOPERM_SECRET: 'Nz8Q~a-secret-for-the-unprivileged-app' }),
  );
  assert.equal(result.code, EXIT_CODES.LANYARD_PERMISSION_MISSING, result.stderr);
  assert.match(result.stderr, /Application\.Read\.All|Directory\.Read\.All/);
});

test('identity shows what a service principal holds by tier, tier 0 first; unknown where it was not read', async () => {
  const access = accessGroundTruth(emulator.tenants[0]!);
  const tier0 = ['Global Administrator', 'Privileged Role Administrator'];
  const holder = access.servicePrincipals.find((s) =>
    s.directoryRoles.some((r) => tier0.includes(r.displayName ?? '') && r.directoryScopeId === '/'),
  )!;
  assert.ok(holder, 'the tenant has a service principal holding a tier-0 directory role');
  const role = holder.directoryRoles.find((r) => tier0.includes(r.displayName ?? ''))!;
  // Scanned with --no-access so far: no access was read.
  const plain = await runCli(['identity', holder.id], env());
  assert.doesNotMatch(plain.stdout, /Access \(/);
  assert.match(plain.stdout, /Access: not read yet/);
  // Every scan reads it unless told not to.
  const rescan = await runCli(['scan', '--integration', 'prod', '--quiet'], env());
  assert.equal(rescan.code, 0, rescan.stderr);
  const shown = await runCli(['identity', holder.id], env());
  assert.equal(shown.code, 0, shown.stderr);
  const section = shown.stdout.slice(shown.stdout.indexOf('Access ('));
  assert.match(
    section,
    /^Access \(\d+\)\n {2}tier 0 \(\d+\)\n {4}KIND\s+PERMISSION\s+RESOURCE\s+SCOPE\s+SINCE\n/,
  );
  // Held since the scan that first read access: grants keep their own history.
  assert.match(
    section,
    new RegExp(
      `\\n {4}directory role\\s+${role.displayName}\\s+-\\s+/\\s+scan \\d+ \\(\\d{4}-\\d\\d-\\d\\d\\)\\n`,
    ),
  );
  const json = JSON.parse((await runCli(['identity', holder.id, '--json'], env())).stdout);
  assert.ok(
    json[0].identity.access.some(
      (g: { permissionId: string; tier: unknown; tierReason: string }) =>
        g.permissionId === role.roleDefinitionId && g.tier === 0 && g.tierReason.length > 0,
    ),
    'JSON carries each grant with its tier',
  );
  assert.ok(
    json[0].grantHistory.some(
      (r: { grant: { permissionId: string }; revokedScanId: number | null }) =>
        r.grant.permissionId === role.roleDefinitionId && r.revokedScanId === null,
    ),
  );
  assert.ok(
    json[0].identity.access.some(
      (g: { kind: string; permissionId: string }) =>
        g.kind === 'directory-role' && g.permissionId === role.roleDefinitionId,
    ),
  );

  // A reader with Application.Read.All only: the scan succeeds for what it may read; its access part is
  // unknown, never "none", and the summary names the permission that would fill it.
  const reader = emulator.control.addClientApplication(emulator.scanner.tenantId, {
    displayName: 'reader without directory permissions',
    graphRoles: ['Application.Read.All'],
    secretText: 'Rd8Q~a-secret-for-the-application-reader',
  });
  await createIntegration('reader', {
    '--client-id': reader.appId,
    '--auth': 'secret',
    '--certificate': '',
    '--secret-env': 'READER_SECRET',
  });
  const scanned = await runCli(
    ['scan', '--integration', 'reader', '--json'],
    env({ READER_SECRET: 'Rd8Q~a-secret-for-the-application-reader' }),
  );
  assert.equal(scanned.code, 0, scanned.stderr);
  const summary = JSON.parse(scanned.stdout.trim().split('\n').at(-1)!);
  assert.equal(summary.status, 'succeeded');
  const accessPart = summary.incompleteParts.find(
    (p: { name: string }) => p.name === 'service-principal-access',
  );
  assert.equal(accessPart?.standing, true);
  assert.match(accessPart?.permission ?? '', /Directory\.Read\.All|RoleManagement\.Read\.Directory/);
  assert.equal(
    summary.warnings.filter((w: string) => /service-principal-access is unknown/.test(w)).length,
    1,
    'said once',
  );
  const both = await runCli(['identity', holder.id], env());
  assert.equal(both.code, 0, both.stderr);
  const readerPart = both.stdout.slice(both.stdout.indexOf('[reader]'));
  assert.match(readerPart, /Access: unknown/);
  assert.doesNotMatch(readerPart, /Access \(0\)/);
});

test('every scan but one with --no-last-use watches sign-ins; integration show says since when', async () => {
  await createIntegration('watcher');
  const skipped = await runCli(['scan', '--integration', 'watcher', '--no-last-use', '--quiet'], env());
  assert.equal(skipped.code, 0, skipped.stderr);
  const before = await runCli(['integration', 'show', 'watcher'], env());
  assert.match(before.stdout, /last use: +not read yet \(the next scan reads it\)/);
  const scanned = await runCli(['scan', '--integration', 'watcher', '--json'], env());
  assert.equal(scanned.code, 0, scanned.stderr);
  const shown = await runCli(['integration', 'show', 'watcher'], env());
  assert.match(shown.stdout, /last use: +watched since \d{4}-\d\d-\d\dT[\d:]+Z, read through /);
  const json = JSON.parse((await runCli(['integration', 'show', 'watcher', '--json'], env())).stdout);
  assert.equal(json.signInWatch.unknownReason, null);
});
