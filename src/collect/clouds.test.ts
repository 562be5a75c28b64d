import assert from 'node:assert/strict';
import { test } from 'node:test';
import { armScopeFor, graphScopeFor, isKnownLoginHost, KNOWN_CLOUDS } from './clouds.ts';

test('the Graph and ARM scopes follow the national cloud', () => {
  assert.equal(graphScopeFor(KNOWN_CLOUDS.public), 'https://graph.microsoft.com/.default');
  assert.equal(graphScopeFor(KNOWN_CLOUDS.usgov), 'https://graph.microsoft.us/.default');
  assert.equal(graphScopeFor(KNOWN_CLOUDS.china), 'https://microsoftgraph.chinacloudapi.cn/.default');
  assert.equal(armScopeFor(KNOWN_CLOUDS.public), 'https://management.azure.com/.default');
  assert.equal(armScopeFor(KNOWN_CLOUDS.usgov), 'https://management.usgovcloudapi.net/.default');
  assert.equal(armScopeFor(KNOWN_CLOUDS.china), 'https://management.chinacloudapi.cn/.default');
});

test("a national cloud keeps Microsoft's audiences whatever its stored row says", () => {
  const tampered = { ...KNOWN_CLOUDS.public, graphAudience: 'https://evil.example' };
  assert.equal(graphScopeFor(tampered), 'https://graph.microsoft.com/.default');
});

test("a custom cloud asks for its own audience, by default its Graph URL's origin, never the public Graph", () => {
  const custom = {
    name: 'custom' as const,
    graphUrl: 'https://127.0.0.1:8443/graph',
    armUrl: 'https://127.0.0.1:9443',
  };
  // An integration stored before audiences were settings has none: it gets the origins too.
  assert.equal(graphScopeFor(custom), 'https://127.0.0.1:8443/.default');
  assert.equal(armScopeFor(custom), 'https://127.0.0.1:9443/.default');
  assert.equal(
    graphScopeFor({ ...custom, graphAudience: 'api://sovereign-graph' }),
    'api://sovereign-graph/.default',
  );
  assert.equal(
    armScopeFor({ ...custom, armAudience: 'https://127.0.0.1:9443/' }),
    'https://127.0.0.1:9443//.default',
    "a resource with a trailing slash keeps it, as Entra's scope syntax wants",
  );
  assert.equal(
    graphScopeFor({ graphUrl: 'https://graph.microsoft.us/' }),
    'https://graph.microsoft.us/.default',
  );
});

test('instance discovery is only for Microsoft login hosts', () => {
  assert.equal(isKnownLoginHost('https://login.microsoftonline.com'), true);
  assert.equal(isKnownLoginHost('https://login.chinacloudapi.cn/'), true);
  assert.equal(isKnownLoginHost('https://127.0.0.1:8443/login'), false);
});
