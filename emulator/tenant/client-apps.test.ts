import assert from 'node:assert/strict';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { addClientApplication } from './client-apps.ts';
import { generateTenant } from './generate.ts';

const NOW = Date.UTC(2026, 2, 1);

async function throwawayCertificate(): Promise<string> {
  const alg = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '0a',
      name: 'CN=lanyard-test-client',
      notBefore: new Date(NOW - 86_400_000),
      notAfter: new Date(NOW + 365 * 86_400_000),
      signingAlgorithm: alg,
      keys,
    },
    webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  );
  return cert.toString('pem');
}

test('registers an app and SP that can sign in with secret, certificate and federation', async () => {
  const tenant = generateTenant({ seed: 5, apps: 30, now: NOW });
  const apps = tenant.applications.size;
  const pem = await throwawayCertificate();
  const secretText = 'Abc8Q~not-a-real-secret-value-0123456789';
  const made = addClientApplication(tenant, {
    displayName: 'lanyard-scanner',
    graphRoles: ['Application.Read.All', 'AuditLog.Read.All'],
    secretText,
    certificatePem: pem,
    federated: [
      {
        name: 'gh-main',
        issuer: 'https://token.actions.githubusercontent.com',
        subject: 'repo:o/r:ref:refs/heads/main',
        audiences: ['api://AzureADTokenExchange'],
      },
    ],
    now: NOW,
  });
  assert.equal(tenant.applications.size, apps + 1);

  const app = tenant.applications.get(made.objectId)!;
  assert.equal(app.object.appId, made.appId);
  const secret = app.object.passwordCredentials![0]!;
  assert.equal(secret.keyId, made.secretKeyId);
  assert.equal(secret.hint, 'Abc');
  assert.equal(secret.secretText, null);
  assert.equal(secret.endDateTime, new Date(NOW + 2 * 365 * 86_400_000).toISOString());
  const material = tenant.secrets.find((s) => s.keyId === made.secretKeyId)!;
  assert.equal(material.appId, made.appId);
  assert.equal(material.sha256, createHash('sha256').update(secretText).digest('hex'));

  // Independent thumbprint: Node's colon-separated SHA-1 fingerprint of the same certificate.
  const sha1 = Buffer.from(new X509Certificate(pem).fingerprint.replace(/:/g, ''), 'hex');
  const der = Buffer.from(new x509.X509Certificate(pem).rawData);
  const cert = tenant.certificates.find((c) => c.keyId === made.certificateKeyId)!;
  assert.equal(cert.x5t, sha1.toString('base64url'));
  assert.equal(cert.x5tS256, createHash('sha256').update(der).digest('base64url'));
  assert.match(cert.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
  const key = app.object.keyCredentials![0]!;
  assert.equal(key.customKeyIdentifier, sha1.toString('base64'));
  assert.equal(key.displayName, 'CN=lanyard-test-client');
  assert.equal(key.usage, 'Verify');
  assert.equal(key.endDateTime, new Date(NOW + 365 * 86_400_000).toISOString());

  assert.deepEqual(
    app.federatedIdentityCredentials.map((f) => f.id),
    made.federatedIds,
  );
  assert.equal(app.federatedIdentityCredentials[0]!.subject, 'repo:o/r:ref:refs/heads/main');

  const sp = tenant.servicePrincipals.get(made.servicePrincipalId)!;
  assert.equal(sp.object.appId, made.appId);
  assert.equal(sp.object.appOwnerOrganizationId, tenant.id);
  assert.deepEqual(sp.grantedGraphRoles, ['Application.Read.All', 'AuditLog.Read.All']);

  const everything = JSON.stringify({
    apps: [...tenant.applications.values()],
    sps: [...tenant.servicePrincipals.values()],
    secrets: tenant.secrets,
  });
  assert.ok(!everything.includes(secretText), 'the secret text is stored nowhere');
});

test('rejects unknown Graph permissions and keeps the tenant unchanged', () => {
  const tenant = generateTenant({ seed: 5, apps: 5, now: NOW });
  const before = tenant.applications.size;
  assert.throws(
    () => addClientApplication(tenant, { displayName: 'x', graphRoles: ['Application.Read.Al'], now: NOW }),
    /unknown Microsoft Graph application permission/,
  );
  assert.equal(tenant.applications.size, before);
});

test('a federated-only app has no secret or certificate material', () => {
  const tenant = generateTenant({ seed: 5, apps: 5, now: NOW });
  const made = addClientApplication(tenant, {
    displayName: 'fed-only',
    graphRoles: [],
    federated: [
      {
        name: 'aks',
        issuer: 'https://issuer.example/',
        subject: 'system:serviceaccount:ns:sa',
        audiences: ['api://AzureADTokenExchange'],
      },
    ],
    now: NOW,
  });
  assert.equal(made.secretKeyId, undefined);
  assert.equal(made.certificateKeyId, undefined);
  assert.equal(made.federatedIds.length, 1);
  assert.equal(tenant.secrets.length, 0);
  assert.equal(tenant.certificates.length, 0);
});
