// A small hand-built tenant for login and server tests: one client app with a valid and an expired secret,
// a certificate and a federated credential, so every credential path has a known key.
import { createHash, randomUUID } from 'node:crypto';
import type { TenantState } from '../tenant/model.ts';
import type { ClientCertificate } from '../tls.ts';

export const VALID_SECRET = 'Qx~8Q~valid-secret-value-for-tests';
export const EXPIRED_SECRET = 'Qx~8Q~expired-secret-value-for-tests';
export const FIC_SUBJECT = 'system:serviceaccount:payments:api';
export const FIC_AUDIENCE = 'api://AzureADTokenExchange';

export interface TestTenant {
  tenant: TenantState;
  appId: string;
  servicePrincipalId: string;
  validSecretKeyId: string;
  expiredSecretKeyId: string;
  certificateKeyId: string;
  ficId: string;
  disabledAppId: string;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function buildTestTenant(options: {
  now: number;
  certificate: ClientCertificate;
  ficIssuer: string;
}): TestTenant {
  const { now, certificate } = options;
  const tenantId = randomUUID();
  const appId = randomUUID();
  const appObjectId = randomUUID();
  const servicePrincipalId = randomUUID();
  const validSecretKeyId = randomUUID();
  const expiredSecretKeyId = randomUUID();
  const certificateKeyId = randomUUID();
  const ficId = randomUUID();
  const disabledAppId = randomUUID();
  const disabledSpId = randomUUID();
  const tenant: TenantState = {
    id: tenantId,
    displayName: 'Contoso Test',
    defaultDomain: 'contosotest.onmicrosoft.com',
    size: 'small',
    users: new Map(),
    applications: new Map([
      [
        appObjectId,
        {
          object: {
            id: appObjectId,
            appId,
            displayName: 'Inventory Reader',
            passwordCredentials: [
              {
                keyId: validSecretKeyId,
                startDateTime: iso(now - 10 * DAY),
                endDateTime: iso(now + 300 * DAY),
                hint: 'Qx~',
              },
              {
                keyId: expiredSecretKeyId,
                startDateTime: iso(now - 400 * DAY),
                endDateTime: iso(now - DAY),
                hint: 'Qx~',
              },
            ],
            keyCredentials: [
              {
                keyId: certificateKeyId,
                type: 'AsymmetricX509Cert',
                usage: 'Verify',
                startDateTime: iso(now - DAY),
                endDateTime: iso(now + 300 * DAY),
                customKeyIdentifier: Buffer.from(certificate.x5t, 'base64url').toString('base64'),
              },
            ],
          },
          owners: [],
          federatedIdentityCredentials: [
            {
              id: ficId,
              name: 'payments-api',
              issuer: options.ficIssuer,
              subject: FIC_SUBJECT,
              audiences: [FIC_AUDIENCE],
            },
          ],
        },
      ],
      [
        randomUUID(),
        {
          object: { id: randomUUID(), appId: disabledAppId, displayName: 'Disabled App' },
          owners: [],
          federatedIdentityCredentials: [],
        },
      ],
    ]),
    servicePrincipals: new Map([
      [
        servicePrincipalId,
        {
          object: { id: servicePrincipalId, appId, displayName: 'Inventory Reader', accountEnabled: true },
          owners: [],
          grantedGraphRoles: ['Application.Read.All', 'Directory.Read.All'],
        },
      ],
      [
        disabledSpId,
        {
          object: {
            id: disabledSpId,
            appId: disabledAppId,
            displayName: 'Disabled App',
            accountEnabled: false,
          },
          owners: [],
          grantedGraphRoles: [],
        },
      ],
    ]),
    secrets: [
      { appId, keyId: validSecretKeyId, sha256: sha256(VALID_SECRET) },
      { appId, keyId: expiredSecretKeyId, sha256: sha256(EXPIRED_SECRET) },
    ],
    certificates: [
      {
        appId,
        keyId: certificateKeyId,
        x5t: certificate.x5t,
        x5tS256: certificate.x5tS256,
        publicKeyPem: certificate.certPem,
      },
    ],
  };
  return {
    tenant,
    appId,
    servicePrincipalId,
    validSecretKeyId,
    expiredSecretKeyId,
    certificateKeyId,
    ficId,
    disabledAppId,
  };
}
