import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from './errors.ts';
import { type RawIntegrationInput, validateIntegrationInput } from './integration-config.ts';

const base: RawIntegrationInput = {
  name: 'prod',
  tenant: '0b5f9c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b',
  clientId: '11111111-2222-3333-4444-555555555555',
  auth: 'secret',
  secretEnv: 'LANYARD_SECRET',
};

test('a valid secret integration on the public cloud resolves its endpoints', () => {
  const input = validateIntegrationInput(base);
  assert.deepEqual(input.auth, { method: 'secret', secretEnv: 'LANYARD_SECRET' });
  assert.equal(input.cloud.graphUrl, 'https://graph.microsoft.com');
});

test('national clouds resolve their own hosts', () => {
  assert.equal(
    validateIntegrationInput({ ...base, cloud: 'usgov' }).cloud.graphUrl,
    'https://graph.microsoft.us',
  );
  assert.equal(
    validateIntegrationInput({ ...base, cloud: 'china' }).cloud.loginUrl,
    'https://login.chinacloudapi.cn',
  );
});

test('a custom cloud keeps explicit https endpoints and its CA file', () => {
  const input = validateIntegrationInput({
    ...base,
    cloud: 'custom',
    loginUrl: 'https://127.0.0.1:8443/',
    graphUrl: 'https://127.0.0.1:8443',
    armUrl: 'https://127.0.0.1:8443',
    caFile: '/tmp/ca.pem',
  });
  assert.deepEqual(input.cloud, {
    name: 'custom',
    loginUrl: 'https://127.0.0.1:8443',
    graphUrl: 'https://127.0.0.1:8443',
    armUrl: 'https://127.0.0.1:8443',
    graphAudience: 'https://127.0.0.1:8443',
    armAudience: 'https://127.0.0.1:8443',
    caFile: '/tmp/ca.pem',
  });
});

const custom: RawIntegrationInput = {
  ...base,
  cloud: 'custom',
  loginUrl: 'https://login.sovereign.example',
  graphUrl: 'https://graph.sovereign.example/api',
  armUrl: 'https://arm.sovereign.example:8443',
};

test("a custom cloud's audiences default to its Graph and ARM origins", () => {
  const { cloud } = validateIntegrationInput(custom);
  assert.equal(cloud.graphAudience, 'https://graph.sovereign.example');
  assert.equal(cloud.armAudience, 'https://arm.sovereign.example:8443');
});

test('a custom cloud keeps explicit audiences that name its own hosts, or no host', () => {
  const { cloud } = validateIntegrationInput({
    ...custom,
    graphAudience: 'https://graph.sovereign.example/',
    armAudience: 'api://sovereign-arm',
  });
  assert.equal(cloud.graphAudience, 'https://graph.sovereign.example/');
  assert.equal(cloud.armAudience, 'api://sovereign-arm');
});

test("Microsoft's clouds carry their standard audiences", () => {
  const usgov = validateIntegrationInput({ ...base, cloud: 'usgov' }).cloud;
  assert.equal(usgov.graphAudience, 'https://graph.microsoft.us');
  assert.equal(usgov.armAudience, 'https://management.usgovcloudapi.net');
});

const customUrls = {
  cloud: 'custom',
  loginUrl: 'https://127.0.0.1:8443',
  graphUrl: 'https://127.0.0.1:8443',
  armUrl: 'https://127.0.0.1:8443',
};

const rejected: Array<[string, RawIntegrationInput, RegExp]> = [
  ['missing name', { ...base, name: undefined }, /--name is required/],
  ['hostile name', { ...base, name: 'prod\u001b[2J' }, /not allowed/],
  ['tenant not a GUID or domain', { ...base, tenant: 'not a tenant' }, /neither a tenant id/],
  ['client id not a GUID', { ...base, clientId: 'abc' }, /not a GUID/],
  ['secret method without variable', { ...base, secretEnv: undefined }, /--secret-env is required/],
  [
    'secret value passed instead of a name',
    { ...base, secretEnv: 'Abc~8Q~secret.value' },
    /not an environment variable name/,
  ],
  ['certificate without path', { ...base, auth: 'certificate' }, /--certificate is required/],
  ['federated without token file', { ...base, auth: 'federated' }, /--token-file is required/],
  ['unknown method', { ...base, auth: 'password' }, /unknown auth method/],
  ['unknown cloud', { ...base, cloud: 'mars' }, /unknown cloud/],
  [
    'custom cloud over http',
    { ...base, cloud: 'custom', loginUrl: 'http://x', graphUrl: 'https://x', armUrl: 'https://x' },
    /must use https/,
  ],
  [
    "custom cloud asking for Microsoft's public Graph audience",
    { ...base, ...customUrls, graphAudience: 'https://graph.microsoft.com' },
    /--graph-audience "https:\/\/graph\.microsoft\.com" names another host than --graph-url/,
  ],
  [
    "custom cloud asking for Microsoft Graph's app id",
    { ...base, ...customUrls, graphAudience: '00000003-0000-0000-c000-000000000000' },
    /names another host/,
  ],
  [
    "custom cloud asking for Microsoft's ARM audience",
    { ...base, ...customUrls, armAudience: 'https://management.core.windows.net/' },
    /--arm-audience .* names another host than --arm-url/,
  ],
  [
    'custom cloud whose audience names another of its hosts',
    { ...base, ...customUrls, graphAudience: 'https://127.0.0.1:9443' },
    /names another host/,
  ],
  [
    'audience given as a scope',
    { ...base, ...customUrls, graphAudience: 'https://127.0.0.1:8443/.default' },
    /is a scope, not an audience/,
  ],
  [
    'audience with control characters',
    { ...base, ...customUrls, graphAudience: 'api://x\u001b[2J' },
    /neither a URI nor an application id/,
  ],
  [
    'audience flag on a Microsoft cloud',
    { ...base, cloud: 'usgov', graphAudience: 'https://graph.microsoft.com' },
    /--graph-audience is only for --cloud custom/,
  ],
  [
    'custom cloud without graph url',
    { ...base, cloud: 'custom', loginUrl: 'https://x', armUrl: 'https://x' },
    /--graph-url is required/,
  ],
];
for (const [name, raw, message] of rejected) {
  test(`rejects ${name} with a fix`, () => {
    assert.throws(
      () => validateIntegrationInput(raw),
      (error: unknown) => error instanceof InvalidInput && message.test(error.message) && Boolean(error.fix),
    );
  });
}
