import assert from 'node:assert/strict';
import { test } from 'node:test';
import { graphScopeFor, isKnownLoginHost, KNOWN_CLOUDS } from './clouds.ts';

test('the Graph scope follows the national cloud; custom clouds default to the public resource', () => {
  assert.equal(graphScopeFor(KNOWN_CLOUDS.public), 'https://graph.microsoft.com/.default');
  assert.equal(graphScopeFor(KNOWN_CLOUDS.usgov), 'https://graph.microsoft.us/.default');
  assert.equal(graphScopeFor(KNOWN_CLOUDS.china), 'https://microsoftgraph.chinacloudapi.cn/.default');
  assert.equal(
    graphScopeFor({ graphUrl: 'https://graph.microsoft.us/' }),
    'https://graph.microsoft.us/.default',
  );
  const custom = { name: 'custom' as const, graphUrl: 'https://127.0.0.1:8443' };
  assert.equal(graphScopeFor(custom), 'https://graph.microsoft.com/.default');
  assert.equal(graphScopeFor(custom, 'https://graph.example/.default'), 'https://graph.example/.default');
});

test('instance discovery is only for Microsoft login hosts', () => {
  assert.equal(isKnownLoginHost('https://login.microsoftonline.com'), true);
  assert.equal(isKnownLoginHost('https://login.chinacloudapi.cn/'), true);
  assert.equal(isKnownLoginHost('https://127.0.0.1:8443/login'), false);
});
