// Each way a scan can fail to start ends in the named error that says what to fix, never a secret value.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type RunningEmulator, SCANNER_GRAPH_ROLES, startEmulator } from '../../emulator/index.ts';
import { signRs256 } from '../../emulator/login/jwt.ts';
import { collectInventory } from '../../src/collect/graph/collector.ts';
import { createCredential } from '../../src/collect/graph/credential.ts';
import { createGraphTransport } from '../../src/collect/graph/transport.ts';
import type { LanyardError } from '../../src/core/errors.ts';
import { graphScope, scannerTransport } from './helpers.ts';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ tenants: [{ seed: 2, apps: 10 }] });
});
after(() => emu.close());

type Transport = ReturnType<typeof scannerTransport>;

async function scanError(transport: Transport): Promise<LanyardError> {
  try {
    await collectInventory({ transport, onFacts: async () => {} });
  } catch (error) {
    return error as LanyardError;
  } finally {
    await transport.close();
  }
  assert.fail('the scan should have failed');
}

function assertNoSecret(error: LanyardError, ...secrets: string[]) {
  const text = `${error.message} ${error.fix} ${error.stack}`;
  for (const secret of secrets) assert.ok(!text.includes(secret), 'the error names no secret value');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('the certificate credential signs in and scans', async () => {
  const transport = scannerTransport(emu, {
    auth: { method: 'certificate', certificatePath: emu.scanner.certificatePath, secretEnv: undefined },
  });
  const result = await collectInventory({ transport, onFacts: async () => {} });
  await transport.close();
  assert.equal(result.tenantId, emu.scanner.tenantId);
});

test('an app without Application.Read.All gets PermissionMissing naming it', async () => {
  const secret = `abc1Q~${randomUUID()}`;
  const app = emu.control.addClientApplication(emu.scanner.tenantId, {
    displayName: 'Under-privileged reader',
    graphRoles: ['User.Read.All'],
    secretText: secret,
  });
  const error = await scanError(
    scannerTransport(emu, { auth: { clientId: app.appId }, env: { LANYARD_TEST_SECRET: secret } }),
  );
  assert.equal(error.code, 'LANYARD_PERMISSION_MISSING');
  assert.equal((error as LanyardError & { permission?: string }).permission, 'Application.Read.All');
  assert.match(error.message, /lacks Application\.Read\.All/);
  assert.match(error.fix ?? '', /admin consent/);
});

test('a wrong secret is AuthFailed saying which secret, without its value', async () => {
  const wrong = `xyz9Q~${randomUUID()}`;
  const error = await scanError(scannerTransport(emu, { env: { LANYARD_TEST_SECRET: wrong } }));
  assert.equal(error.code, 'LANYARD_AUTH_FAILED');
  assert.match(error.message, /client secret .* is wrong \(AADSTS7000215\)/);
  assert.match(error.fix ?? '', /LANYARD_TEST_SECRET/);
  assertNoSecret(error, wrong, emu.scanner.secretText);
});

test('an unknown tenant is AuthFailed naming the tenant', async () => {
  const tenantId = randomUUID();
  const error = await scanError(scannerTransport(emu, { auth: { tenantId } }));
  assert.equal(error.code, 'LANYARD_AUTH_FAILED');
  assert.match(error.message, new RegExp(`tenant "${tenantId}" was not found`));
  assertNoSecret(error, emu.scanner.secretText);
});

test('an unknown client id is AuthFailed naming it', async () => {
  const clientId = randomUUID();
  const error = await scanError(scannerTransport(emu, { auth: { clientId } }));
  assert.equal(error.code, 'LANYARD_AUTH_FAILED');
  assert.match(error.message, new RegExp(`no application with client id ${clientId}`));
  assertNoSecret(error, emu.scanner.secretText);
});

test('a federated token whose subject no credential trusts is AuthFailed naming the subject, not the token', async () => {
  const issuer = 'https://oidc.lanyard.test/cluster-1/';
  const app = emu.control.addClientApplication(emu.scanner.tenantId, {
    displayName: 'Federated reader',
    graphRoles: SCANNER_GRAPH_ROLES,
    federated: [
      {
        name: 'scanner',
        issuer,
        subject: 'system:serviceaccount:lanyard:scanner',
        audiences: ['api://AzureADTokenExchange'],
      },
    ],
  });
  // The issuer is not served: the emulator finds no credential for the subject before it fetches keys.
  const now = Math.floor(Date.now() / 1000);
  const token = signRs256(
    { typ: 'JWT', kid: 'cluster-key' },
    {
      iss: issuer,
      sub: 'system:serviceaccount:lanyard:default',
      aud: ['api://AzureADTokenExchange'],
      nbf: now,
      exp: now + 3600,
    },
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  );
  const tokenFile = path.join(emu.outDir, 'federated-token');
  await writeFile(tokenFile, token, { mode: 0o600 });
  const error = await scanError(
    scannerTransport(emu, { auth: { method: 'federated', clientId: app.appId, tokenFile } }),
  );
  assert.equal(error.code, 'LANYARD_AUTH_FAILED');
  assert.equal(error.exitCode, 5);
  assert.match(
    error.message,
    /federated credential does not match the token's subject 'system:serviceaccount:lanyard:default' .*\(AADSTS700213\)/,
  );
  assert.match(error.fix ?? '', /federated credential .* to 'system:serviceaccount:lanyard:default' exactly/);
  assertNoSecret(error, token, token.split('.')[2] as string);
  assert.equal(emu.control.signIns().at(-1)?.errorCode, 700213);
});

test('an app registration without a service principal is AuthFailed saying how to create it', async () => {
  const secret = `nsp1Q~${randomUUID()}`;
  const app = emu.control.addClientApplication(emu.scanner.tenantId, {
    displayName: 'Registered, never provisioned',
    graphRoles: SCANNER_GRAPH_ROLES,
    secretText: secret,
  });
  // What `az ad app create` without `az ad sp create` leaves behind.
  emu.tenants[0]?.servicePrincipals.delete(app.servicePrincipalId);
  const error = await scanError(
    scannerTransport(emu, { auth: { clientId: app.appId }, env: { LANYARD_TEST_SECRET: secret } }),
  );
  assert.equal(error.code, 'LANYARD_AUTH_FAILED');
  assert.equal(error.exitCode, 5);
  assert.match(
    error.message,
    new RegExp(
      `app ${app.appId} has no service principal in tenant ${emu.scanner.tenantId} \\(AADSTS7000229\\)`,
    ),
  );
  assert.match(error.fix ?? '', new RegExp(`az ad sp create --id ${app.appId}`));
  assertNoSecret(error, secret);
});

test('a closed port is Unreachable', async () => {
  const origin = `https://127.0.0.1:${await closedPort()}`;
  const credential = createCredential(
    { method: 'secret', tenantId: emu.scanner.tenantId, clientId: emu.scanner.clientId, secretEnv: 'S' },
    { loginUrl: origin, graphUrl: origin, caFile: emu.caCertPath },
    { env: { S: emu.scanner.secretText }, tokenRequestRetries: 0 },
  );
  const transport = createGraphTransport({
    graphUrl: origin,
    credential,
    scope: graphScope(origin),
    budget: { resourceUnitsPerWindow: 3500, windowMs: 10_000 },
  });
  const error = await scanError(transport);
  assert.equal(error.code, 'LANYARD_UNREACHABLE');
  assert.match(error.message, new RegExp(`cannot connect to ${origin}`));
});

test('a certificate from an untrusted CA is TlsUntrusted, at login and at Graph', async () => {
  const credential = createCredential(
    { method: 'secret', tenantId: emu.scanner.tenantId, clientId: emu.scanner.clientId, secretEnv: 'S' },
    { loginUrl: emu.loginUrl, graphUrl: emu.graphUrl },
    { env: { S: emu.scanner.secretText } },
  );
  const atLogin = await scanError(
    createGraphTransport({
      graphUrl: emu.graphUrl,
      credential,
      scope: graphScope(emu.graphUrl),
      caPem: emu.caCertPem,
      budget: { resourceUnitsPerWindow: 3500, windowMs: 10_000 },
    }),
  );
  assert.equal(atLogin.code, 'LANYARD_TLS_UNTRUSTED');
  assert.match(atLogin.fix ?? '', /--ca-file/);

  // Login trusts the CA file; Graph's client was not given it.
  const atGraph = await scanError(
    scannerTransport(emu, { transport: { caPem: undefined, caFile: '/etc/lanyard/ca.pem' } }),
  );
  assert.equal(atGraph.code, 'LANYARD_TLS_UNTRUSTED');
  assert.match(atGraph.message, new RegExp(`certificate of ${emu.graphUrl} is not trusted`));
  assert.match(atGraph.fix ?? '', /\/etc\/lanyard\/ca\.pem/);
});
