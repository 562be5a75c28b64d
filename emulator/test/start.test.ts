// startEmulator end to end: generated tenants, the scanner app signing in with its certificate and secret,
// Graph answering with the real handler, control over ground truth and new client apps, and trust through
// NODE_EXTRA_CA_CERTS for a process started with the emulator's CA bundle.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { type RunningEmulator, startEmulator } from '../index.ts';
import { rawRequest, secretToken } from './harness.ts';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
let emulator: RunningEmulator;

before(async () => {
  emulator = await startEmulator({
    tenants: [
      { seed: 3, apps: 20 },
      { seed: 4, apps: 10 },
    ],
    faultSeed: 1,
  });
});

after(() => emulator.close());

const options = () => ({
  authorityHost: emulator.loginUrl,
  disableInstanceDiscovery: true,
  tlsOptions: { ca: emulator.caCertPem },
});

test('two generated tenants, the scanner registered in the first', () => {
  assert.equal(emulator.tenants.length, 2);
  assert.equal(emulator.scanner.tenantId, emulator.tenants[0]?.id);
  const sp = [...(emulator.tenants[0]?.servicePrincipals.values() ?? [])].find(
    (s) => s.object.appId === emulator.scanner.clientId,
  );
  assert.deepEqual(sp?.grantedGraphRoles, [
    'Application.Read.All',
    'Directory.Read.All',
    'AuditLog.Read.All',
    'RoleManagement.Read.Directory',
    'Policy.Read.All',
    'IdentityRiskyServicePrincipal.Read.All',
    'IdentityRiskEvent.Read.All',
  ]);
});

test('scanner files hold the secret and the PEM, readable by the owner only', async () => {
  for (const file of [emulator.scanner.secretPath, emulator.scanner.certificatePath]) {
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  }
  assert.equal((await readFile(emulator.scanner.secretPath, 'utf8')).trim(), emulator.scanner.secretText);
  assert.match(emulator.scanner.secretText, /^.{3}\dQ~.{34}$/);
  const pem = await readFile(emulator.scanner.certificatePath, 'utf8');
  assert.ok(pem.includes('PRIVATE KEY') && pem.includes('CERTIFICATE'));
  assert.ok((await readFile(emulator.caBundlePath, 'utf8')).startsWith(emulator.caCertPem.trim()));
});

test('the scanner signs in with its certificate and lists applications from Graph', async () => {
  const credential = new ClientCertificateCredential(
    emulator.scanner.tenantId,
    emulator.scanner.clientId,
    { certificatePath: emulator.scanner.certificatePath },
    options(),
  );
  const token = await credential.getToken(GRAPH_SCOPE);
  const res = await rawRequest(`${emulator.graphUrl}/v1.0/applications?$select=id,appId&$top=5`, {
    ca: emulator.caCertPem,
    headers: { authorization: `Bearer ${token.token}` },
  });
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.body.toString()).value.length, 5);
  const signIn = emulator.control.signIns().at(-1);
  assert.equal(signIn?.credentialType, 'certificate');
  assert.equal(emulator.control.summary().byApp[emulator.scanner.clientId]?.requests, 1);
});

test('an app added through control can sign in with its secret; ground truth lists it', async () => {
  const tenantId = emulator.tenants[1]?.id as string;
  const app = emulator.control.addClientApplication(tenantId, {
    displayName: 'Added Later',
    graphRoles: ['Application.Read.All'],
    secretText: 'abc1Q~added-later-secret-for-the-test',
  });
  const credential = new ClientSecretCredential(
    tenantId,
    app.appId,
    'abc1Q~added-later-secret-for-the-test',
    options(),
  );
  assert.ok((await credential.getToken(GRAPH_SCOPE)).token);
  const truth = emulator.control.groundTruth(tenantId);
  assert.ok(JSON.stringify(truth).includes(app.appId));
});

test('a process started with NODE_EXTRA_CA_CERTS=caBundlePath trusts the emulator without options', async () => {
  const script = `
    import { ClientSecretCredential } from '@azure/identity';
    const c = new ClientSecretCredential(process.argv[1], process.argv[2], process.env.SCANNER_SECRET,
      { authorityHost: process.argv[3], disableInstanceDiscovery: true });
    const t = await c.getToken('https://graph.microsoft.com/.default');
    console.log(t.token.split('.').length);`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      script,
      emulator.scanner.tenantId,
      emulator.scanner.clientId,
      emulator.loginUrl,
    ],
    {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: emulator.caBundlePath,
        SCANNER_SECRET: emulator.scanner.secretText,
      },
    },
  );
  assert.equal(stdout.trim(), '3');
});

test('the Graph handler is behind the fault layer', async () => {
  const token = await secretToken(emulator.origin, emulator.caCertPem, {
    tenantId: emulator.scanner.tenantId,
    appId: emulator.scanner.clientId,
    secret: emulator.scanner.secretText,
  });
  emulator.control.injectFaults({ pathContains: '/v1.0/servicePrincipals', truncateRate: 1, maxFaults: 1 });
  const res = await rawRequest(`${emulator.graphUrl}/v1.0/servicePrincipals?$top=3`, {
    ca: emulator.caCertPem,
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  assert.throws(() => JSON.parse(res.body.toString()));
  emulator.control.clearFaults();
});
