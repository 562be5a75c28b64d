// Registers an application that can really sign in to the emulator: its wire objects plus the secret and
// certificate material the token endpoint verifies. Ids are random (crypto), outside the seeded set.
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import type {
  FederatedIdentityCredential,
  KeyCredential,
  PasswordCredential,
} from '@microsoft/microsoft-graph-types';
import { GRAPH_ROLE_BY_VALUE } from './microsoft-catalogue.ts';
import { MICROSOFT_GRAPH_APP_ID, type TenantState } from './model.ts';
import { isoMillis, isoSeconds } from './random.ts';
import { buildApplication, buildServicePrincipal, INTEGRATED_APP_TAGS } from './wire-objects.ts';

export interface ClientApplicationSpec {
  displayName: string;
  /** Graph application permissions (app role values) granted to the app's service principal. */
  graphRoles: string[];
  secretText?: string;
  /** ISO date; default two years after `now`, as addPassword does. */
  secretEndDateTime?: string;
  certificatePem?: string;
  federated?: Array<{ name: string; issuer: string; subject: string; audiences: string[] }>;
  now: number;
}

export interface ClientApplication {
  appId: string;
  objectId: string;
  servicePrincipalId: string;
  secretKeyId?: string;
  certificateKeyId?: string;
  federatedIds: string[];
}

const TWO_YEARS_MS = 2 * 365 * 86_400_000;

export function addClientApplication(tenant: TenantState, spec: ClientApplicationSpec): ClientApplication {
  for (const role of spec.graphRoles) {
    if (!GRAPH_ROLE_BY_VALUE.has(role))
      throw new Error(`unknown Microsoft Graph application permission: ${role}`);
  }
  const appId = randomUUID();
  const objectId = randomUUID();
  const servicePrincipalId = randomUUID();
  const result: ClientApplication = { appId, objectId, servicePrincipalId, federatedIds: [] };

  const passwordCredentials: PasswordCredential[] = [];
  if (spec.secretText !== undefined) {
    if (spec.secretText.length < 3) throw new Error('secretText must be at least 3 characters');
    const keyId = randomUUID();
    passwordCredentials.push({
      customKeyIdentifier: null,
      displayName: `${spec.displayName} secret`,
      endDateTime: spec.secretEndDateTime ?? isoMillis(spec.now + TWO_YEARS_MS),
      hint: spec.secretText.slice(0, 3),
      keyId,
      secretText: null,
      startDateTime: isoMillis(spec.now),
    });
    const sha256 = createHash('sha256').update(spec.secretText, 'utf8').digest('hex');
    tenant.secrets.push({ appId, keyId, sha256 });
    result.secretKeyId = keyId;
  }

  const keyCredentials: KeyCredential[] = [];
  if (spec.certificatePem !== undefined) {
    const cert = new X509Certificate(spec.certificatePem);
    const sha1 = createHash('sha1').update(cert.raw).digest();
    const keyId = randomUUID();
    keyCredentials.push({
      customKeyIdentifier: sha1.toString('base64'),
      displayName: cert.subject.split('\n').find((part) => part.startsWith('CN=')) ?? cert.subject,
      endDateTime: isoMillis(cert.validToDate.getTime()),
      key: null,
      keyId,
      startDateTime: isoMillis(cert.validFromDate.getTime()),
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
    });
    tenant.certificates.push({
      appId,
      keyId,
      x5t: sha1.toString('base64url'),
      x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
      publicKeyPem: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    result.certificateKeyId = keyId;
  }

  const federatedIdentityCredentials: FederatedIdentityCredential[] = (spec.federated ?? []).map((f) => {
    const id = randomUUID();
    result.federatedIds.push(id);
    return {
      id,
      name: f.name,
      issuer: f.issuer,
      subject: f.subject,
      audiences: [...f.audiences],
      description: null,
    };
  });

  const roles = spec.graphRoles.map((v) => ({ id: GRAPH_ROLE_BY_VALUE.get(v)!.id, type: 'Role' }));
  const object = buildApplication({
    id: objectId,
    appId,
    displayName: spec.displayName,
    createdDateTime: isoSeconds(spec.now),
    signInAudience: 'AzureADMyOrg',
    publisherDomain: tenant.defaultDomain,
    identifierUris: [],
    passwordCredentials,
    keyCredentials,
    requiredResourceAccess: roles.length
      ? [{ resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccess: roles }]
      : [],
  });
  tenant.applications.set(objectId, { object, owners: [], federatedIdentityCredentials });

  const sp = buildServicePrincipal({
    id: servicePrincipalId,
    appId,
    displayName: spec.displayName,
    servicePrincipalType: 'Application',
    appOwnerOrganizationId: tenant.id,
    signInAudience: 'AzureADMyOrg',
    servicePrincipalNames: [appId],
    tags: INTEGRATED_APP_TAGS,
  });
  tenant.servicePrincipals.set(servicePrincipalId, {
    object: sp,
    owners: [],
    grantedGraphRoles: [...spec.graphRoles],
  });
  return result;
}
