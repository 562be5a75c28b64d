import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EXIT_CODES } from '../../src/core/errors.ts';
import { seedPgliteDir } from '../support/databases.ts';
import { runCli } from '../support/run-cli.ts';

let home: string;
const env = () => ({ LANYARD_HOME: home });
const TENANT = '0b5f9c1e-2a3d-4e5f-8a9b-0c1d2e3f4a5b';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const createArgs = (name: string, clientId: string) => [
  'integration',
  'create',
  'azure',
  '--name',
  name,
  '--tenant',
  TENANT,
  '--client-id',
  clientId,
];
const CREATE_PROD = createArgs('prod', CLIENT);
const SUBSCRIPTION = '2f3e4d5c-6b7a-4988-a766-554433221100';

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanyard-cli-'));
  await seedPgliteDir(join(home, 'data'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

test('integration create, list, show and delete round-trip', async () => {
  const created = await runCli([...CREATE_PROD, '--auth', 'secret', '--secret-env', 'PROD_SECRET'], env());
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /created integration "prod"/);

  const listed = await runCli(['integration', 'list', '--json'], env());
  const integrations = JSON.parse(listed.stdout);
  assert.equal(integrations.length, 1);
  assert.equal(integrations[0].auth.secretEnv, 'PROD_SECRET');
  assert.equal(integrations[0].cloud.graphUrl, 'https://graph.microsoft.com');

  const shown = await runCli(['integration', 'show', 'prod'], env());
  assert.equal(shown.code, 0);
  assert.match(shown.stdout, /secret from \$PROD_SECRET/);

  const duplicate = await runCli([...CREATE_PROD, '--auth', 'azure-cli'], env());
  assert.equal(duplicate.code, EXIT_CODES.LANYARD_CONFLICT);

  assert.equal((await runCli(['integration', 'delete', 'prod'], env())).code, 0);
  const gone = await runCli(['integration', 'show', 'prod'], env());
  assert.equal(gone.code, EXIT_CODES.LANYARD_NOT_FOUND);
  assert.match(gone.stderr, /^error: no integration named "prod"\n {2}fix: /);
});

const customCloud = (graph: string, arm: string) => [
  '--cloud',
  'custom',
  '--login-url',
  'https://127.0.0.1:8443',
  '--graph-url',
  graph,
  '--arm-url',
  arm,
];

test('subscriptions: pinned at creation, shown, unpinned; repeats and case folded', async () => {
  const created = await runCli(
    [
      ...createArgs('pinned', CLIENT),
      '--auth',
      'azure-cli',
      '--subscription',
      SUBSCRIPTION.toUpperCase(),
      '--subscription',
      SUBSCRIPTION,
    ],
    env(),
  );
  assert.equal(created.code, 0, created.stderr);
  const shown = await runCli(['integration', 'subscriptions', 'pinned', '--json'], env());
  assert.deepEqual(JSON.parse(shown.stdout), { pinned: [SUBSCRIPTION], seen: [] });
  assert.match(
    (await runCli(['integration', 'show', 'pinned'], env())).stdout,
    /subscriptions .* \(pinned\)/,
  );
  const all = await runCli(['integration', 'subscriptions', 'pinned', '--all'], env());
  assert.match(all.stdout, /reads: +every subscription it can see/);
  assert.equal((await runCli(['integration', 'delete', 'pinned'], env())).code, 0);
});

test('a custom cloud stores its Graph and ARM audiences, by default the origins of its URLs', async () => {
  const explicit = await runCli(
    [
      ...createArgs('sovereign', CLIENT),
      '--auth',
      'azure-cli',
      ...customCloud('https://graph.sovereign.example/api', 'https://arm.sovereign.example'),
      '--graph-audience',
      'https://graph.sovereign.example/',
      '--arm-audience',
      'api://sovereign-arm',
    ],
    env(),
  );
  assert.equal(explicit.code, 0, explicit.stderr);
  const defaulted = await runCli(
    [
      ...createArgs('emulated', CLIENT),
      '--auth',
      'azure-cli',
      ...customCloud('https://127.0.0.1:8443', 'https://127.0.0.1:9443/arm'),
    ],
    env(),
  );
  assert.equal(defaulted.code, 0, defaulted.stderr);

  const listed = await runCli(['integration', 'list', '--json'], env());
  const clouds = Object.fromEntries(
    JSON.parse(listed.stdout).map((i: { name: string; cloud: unknown }) => [i.name, i.cloud]),
  );
  assert.deepEqual(clouds.sovereign, {
    name: 'custom',
    loginUrl: 'https://127.0.0.1:8443',
    graphUrl: 'https://graph.sovereign.example/api',
    armUrl: 'https://arm.sovereign.example',
    graphAudience: 'https://graph.sovereign.example/',
    armAudience: 'api://sovereign-arm',
  });
  assert.equal(clouds.emulated.graphAudience, 'https://127.0.0.1:8443');
  assert.equal(clouds.emulated.armAudience, 'https://127.0.0.1:9443');

  const shown = await runCli(['integration', 'show', 'sovereign'], env());
  assert.match(
    shown.stdout,
    /audiences: graph https:\/\/graph\.sovereign\.example\/, arm api:\/\/sovereign-arm/,
  );

  for (const name of ['sovereign', 'emulated']) {
    assert.equal((await runCli(['integration', 'delete', name], env())).code, 0);
  }
});

const badInputs: Array<{ name: string; args: string[]; code: number; message: RegExp }> = [
  {
    name: 'client id that is not a GUID',
    args: [...createArgs('x', 'nope'), '--auth', 'azure-cli'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /--client-id "nope" is not a GUID/,
  },
  {
    name: 'custom cloud over http',
    args: [
      ...createArgs('x', CLIENT),
      '--auth',
      'azure-cli',
      '--cloud',
      'custom',
      '--login-url',
      'http://127.0.0.1:1',
      '--graph-url',
      'https://127.0.0.1:1',
      '--arm-url',
      'https://127.0.0.1:1',
    ],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /must use https/,
  },
  {
    name: "custom cloud asking for a token for Microsoft's public Graph",
    args: [
      ...createArgs('x', CLIENT),
      '--auth',
      'azure-cli',
      ...customCloud('https://127.0.0.1:8443', 'https://127.0.0.1:8443'),
      '--graph-audience',
      'https://graph.microsoft.com',
    ],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /--graph-audience "https:\/\/graph\.microsoft\.com" names another host than --graph-url/,
  },
  {
    name: "custom cloud asking for a token for Microsoft's ARM",
    args: [
      ...createArgs('x', CLIENT),
      '--auth',
      'azure-cli',
      ...customCloud('https://127.0.0.1:8443', 'https://127.0.0.1:8443'),
      '--arm-audience',
      'https://management.azure.com',
    ],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /--arm-audience "https:\/\/management\.azure\.com" names another host than --arm-url/,
  },
  {
    name: 'an audience on a Microsoft cloud',
    args: [...createArgs('x', CLIENT), '--auth', 'azure-cli', '--graph-audience', 'https://graph.example'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /--graph-audience is only for --cloud custom/,
  },
  {
    name: 'a subscription that is not a GUID',
    args: [...createArgs('x', CLIENT), '--auth', 'azure-cli', '--subscription', 'prod-sub'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /--subscription: "prod-sub" is not a subscription id/,
  },
  {
    name: 'pinning a subscription that is not a GUID',
    args: ['integration', 'subscriptions', 'prod', '--pin', 'prod-sub'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /--pin: "prod-sub" is not a subscription id/,
  },
  {
    name: 'pinning and unpinning at once',
    args: ['integration', 'subscriptions', 'prod', '--pin', SUBSCRIPTION, '--all'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /pin subscriptions or read all of them, not both/,
  },
  {
    name: 'subscriptions of an unknown integration',
    args: ['integration', 'subscriptions', 'nope'],
    code: EXIT_CODES.LANYARD_NOT_FOUND,
    message: /no integration named "nope"/,
  },
  {
    name: 'unknown integration for scan',
    args: ['scan', '--integration', 'nope'],
    code: EXIT_CODES.LANYARD_NOT_FOUND,
    message: /no integration named "nope"/,
  },
  {
    name: 'bad --as-of',
    args: ['inventory', '--as-of', 'yesterday'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /neither a scan id nor a date/,
  },
  {
    name: 'unknown scan for --as-of',
    args: ['inventory', '--as-of', '999'],
    code: EXIT_CODES.LANYARD_NOT_FOUND,
    message: /no scan 999/,
  },
  {
    name: 'bad --expires-within',
    args: ['inventory', '--expires-within', 'soon'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /not a duration/,
  },
  {
    name: 'bad --format',
    args: ['inventory', '--format', 'xml'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /unknown format/,
  },
  {
    name: 'scan with no integration',
    args: ['scan'],
    code: EXIT_CODES.LANYARD_INVALID_INPUT,
    message: /no integration to scan/,
  },
];
for (const { name, args, code, message } of badInputs) {
  test(`bad input: ${name} → one clear error, exit ${code}`, async () => {
    const result = await runCli(args, env());
    assert.equal(result.code, code, result.stderr);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /\n {2}fix: /);
    assert.ok(result.stderr.split('\n').filter(Boolean).length <= 2, result.stderr);
  });
}
