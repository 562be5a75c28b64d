// Builders for store tests: integrations, identities, credentials and whole scans.
import { randomUUID } from 'node:crypto';
import type { IdentityFact } from '../../src/core/facts.ts';
import type { Credential, Identity, Owner } from '../../src/core/inventory.ts';
import type { NewIntegration, ScanRecord, ScanResult, Store } from '../../src/store/index.ts';

export function newIntegration(name = `tenant-${randomUUID().slice(0, 8)}`): NewIntegration {
  return {
    name,
    tenantId: randomUUID(),
    clientId: randomUUID(),
    auth: { method: 'secret', secretEnv: 'LANYARD_CLIENT_SECRET' },
    cloud: {
      name: 'public',
      loginUrl: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
      armUrl: 'https://management.azure.com',
    },
  };
}

export function identity(objectId: string, overrides: Partial<Identity> = {}): Identity {
  return {
    objectId,
    kind: 'application',
    appId: `app-${objectId}`,
    displayName: `App ${objectId}`,
    servicePrincipalType: null,
    managedIdentityType: null,
    publisher: 'own',
    appOwnerOrganizationId: null,
    signInAudience: 'AzureADMyOrg',
    accountEnabled: true,
    createdDateTime: '2026-01-01T00:00:00Z',
    owners: [],
    credentials: [],
    ...overrides,
  };
}

export function secret(keyId: string, overrides: Partial<Credential> = {}): Credential {
  return {
    keyId,
    type: 'secret',
    location: 'application',
    displayName: `secret ${keyId}`,
    hint: 'abc',
    thumbprint: null,
    usage: null,
    startDateTime: '2026-01-01T00:00:00Z',
    endDateTime: '2027-01-01T00:00:00Z',
    ...overrides,
  };
}

export function federated(keyId: string, subject: string): Credential {
  return {
    keyId,
    type: 'federated',
    location: 'application',
    displayName: null,
    hint: null,
    thumbprint: null,
    usage: null,
    startDateTime: null,
    endDateTime: null,
    issuer: 'https://token.actions.githubusercontent.com',
    subject,
    audiences: ['api://AzureADTokenExchange'],
    name: `fic-${keyId}`,
  };
}

export function owner(objectId: string): Owner {
  return {
    objectId,
    kind: 'user',
    displayName: `User ${objectId}`,
    userPrincipalName: null,
    accountEnabled: true,
  };
}

export const asFacts = (identities: Identity[]): IdentityFact[] =>
  identities.map((item) => ({ aspect: 'identity', identity: item }));

/** Runs one whole scan: stages the facts, then finishes with the status at the given time. */
export async function scan(
  store: Store,
  integrationId: string,
  facts: IdentityFact[],
  result: Partial<ScanResult> & { finishedAt?: Date } = {},
): Promise<ScanRecord> {
  const finishedAt = result.finishedAt ?? new Date();
  const writer = await store.scans.begin(integrationId, new Date(finishedAt.getTime() - 1000));
  await writer.stage(facts);
  return writer.finish({ status: 'succeeded', summary: {}, ...result, finishedAt });
}
