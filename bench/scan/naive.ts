// The script users write today (the seed guide's approach) on Microsoft's own Graph client: list every
// application and service principal with default properties, then read owners and federated credentials
// one call per object, one at a time, following nextLinks with PageIterator. Trusts the emulator through
// NODE_EXTRA_CA_CERTS, as such a script would be pointed at a private CA.
import { ClientCertificateCredential } from '@azure/identity';
import { Client, type PageCollection, PageIterator } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { HostReady } from './emulator-host.ts';

export interface NaiveResult {
  applications: number;
  servicePrincipals: number;
  owners: number;
  federatedCredentials: number;
  signInMs: number;
}

export async function runNaive(host: HostReady): Promise<NaiveResult> {
  const started = performance.now();
  const credential = new ClientCertificateCredential(host.tenantId, host.clientId, host.certificatePath, {
    authorityHost: host.origin,
    disableInstanceDiscovery: true,
  });
  const scope = 'https://graph.microsoft.com/.default';
  // Signed in up front only to time it; the client would otherwise do it on its first call.
  await credential.getToken(scope);
  const signInMs = performance.now() - started;
  const client = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [scope] }),
    baseUrl: host.origin,
    // The client compares hostnames without the port before attaching the token.
    customHosts: new Set([new URL(host.origin).hostname]),
  });

  async function listAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    const first = (await client.api(path).get()) as PageCollection;
    const iterator = new PageIterator(client, first, (item: T) => {
      items.push(item);
      return true;
    });
    await iterator.iterate();
    return items;
  }
  const applications = await listAll<{ id: string }>('/applications');
  const servicePrincipals = await listAll<{ id: string }>('/servicePrincipals');
  let owners = 0;
  let federatedCredentials = 0;
  for (const app of applications) {
    owners += (await listAll(`/applications/${app.id}/owners`)).length;
    federatedCredentials += (await listAll(`/applications/${app.id}/federatedIdentityCredentials`)).length;
  }
  for (const sp of servicePrincipals) owners += (await listAll(`/servicePrincipals/${sp.id}/owners`)).length;
  return {
    applications: applications.length,
    servicePrincipals: servicePrincipals.length,
    owners,
    federatedCredentials,
    signInMs,
  };
}
