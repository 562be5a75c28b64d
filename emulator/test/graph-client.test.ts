// Microsoft's own Graph JS client against the emulator: its PageIterator follows the emulated nextLinks and
// reads every application and service principal of a generated tenant exactly once, authenticated by an
// @azure/identity credential. Trust: the credential takes tlsOptions.ca. The Graph client calls the global
// fetch, whose bundled undici rejects an Agent from the undici package (another major: "invalid
// onRequestStart method"), so the emulator CA is added to this test process's default CAs with
// tls.setDefaultCACertificates (Node ≥ 22.19/24.5). customHosts lets the client send the token there.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import tls from 'node:tls';
import { ClientSecretCredential } from '@azure/identity';
import { Client, PageIterator } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { type RunningEmulator, startEmulator } from '../index.ts';

let emulator: RunningEmulator;
let client: Client;
const defaultCas = tls.getCACertificates('default');

before(async () => {
  emulator = await startEmulator({
    tenants: [{ seed: 7, apps: 300 }],
    graph: { throttle: { enabled: false } },
  });
  tls.setDefaultCACertificates([...defaultCas, emulator.caCertPem]);
  const credential = new ClientSecretCredential(
    emulator.scanner.tenantId,
    emulator.scanner.clientId,
    emulator.scanner.secretText,
    {
      authorityHost: emulator.origin,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: emulator.caCertPem },
    },
  );
  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    scopes: ['https://graph.microsoft.com/.default'],
  });
  client = Client.initWithMiddleware({
    authProvider,
    baseUrl: emulator.origin,
    // The client compares hostnames without the port.
    customHosts: new Set([new URL(emulator.origin).hostname]),
  });
});

after(async () => {
  tls.setDefaultCACertificates(defaultCas);
  await emulator.close();
});

async function iterateAll(
  path: string,
  top: number,
  select: string,
): Promise<{ ids: string[]; requests: number }> {
  const before = requestCount(path);
  const ids: string[] = [];
  const first = await client.api(path).top(top).select(select).get();
  const iterator = new PageIterator(client, first, (item: { id: string }) => {
    ids.push(item.id);
    return true;
  });
  await iterator.iterate();
  return { ids, requests: requestCount(path) - before };
}

function requestCount(path: string): number {
  return emulator.control.requestLog().filter((r) => r.path.startsWith(`/v1.0${path}`)).length;
}

test('PageIterator reads every application exactly once', async () => {
  const tenant = emulator.tenants[0]!;
  const { ids, requests } = await iterateAll('/applications', 37, 'id,displayName');
  assert.equal(ids.length, tenant.applications.size);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(new Set(ids), new Set(tenant.applications.keys()));
  assert.equal(requests, Math.ceil(tenant.applications.size / 37));
});

test('PageIterator reads every service principal exactly once, Microsoft first-party ones included', async () => {
  const tenant = emulator.tenants[0]!;
  const { ids } = await iterateAll('/servicePrincipals', 999, 'id,appId,servicePrincipalType');
  assert.equal(ids.length, tenant.servicePrincipals.size);
  assert.deepEqual(new Set(ids), new Set(tenant.servicePrincipals.keys()));
});

test('the client surfaces Graph errors with their code', async () => {
  await assert.rejects(
    client.api('/applications').select('bogus').get(),
    (error: { statusCode: number; code: string }) => {
      assert.equal(error.statusCode, 400);
      assert.equal(error.code, 'BadRequest');
      return true;
    },
  );
});
