import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyNetworkError, normaliseNetworkError } from './network-errors.ts';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

test('classifies socket and TLS errors, however deeply wrapped', () => {
  const cases: [unknown, string | null][] = [
    [coded('ECONNREFUSED'), 'unreachable'],
    [new TypeError('fetch failed', { cause: coded('ENOTFOUND') }), 'unreachable'],
    [coded('UND_ERR_SOCKET', 'other side closed'), 'transient'],
    [coded('ECONNRESET'), 'transient'],
    [coded('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'transient'],
    [coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls-untrusted'],
    [coded('SELF_SIGNED_CERT_IN_CHAIN'), 'tls-untrusted'],
    [coded('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls-untrusted'],
    [new AggregateError([coded('ECONNREFUSED')]), 'unreachable'],
    [
      new Error(
        'network_error: request failed: unable to verify the first certificate UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      ),
      'tls-untrusted',
    ],
    [coded('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls-name'],
    [new Error('something else'), null],
  ];
  for (const [error, kind] of cases) assert.equal(classifyNetworkError(error), kind, String(error));
});

test('names the CA file in the fix for an untrusted certificate', () => {
  const error = normaliseNetworkError(coded('SELF_SIGNED_CERT_IN_CHAIN'), {
    url: 'https://127.0.0.1:8443/v1.0/applications',
    caFile: '/etc/lanyard/ca.pem',
  });
  assert.equal(error?.code, 'LANYARD_TLS_UNTRUSTED');
  assert.equal(error?.message, 'the TLS certificate of https://127.0.0.1:8443 is not trusted');
  assert.match(error?.fix ?? '', /\/etc\/lanyard\/ca\.pem/);
  const without = normaliseNetworkError(coded('SELF_SIGNED_CERT_IN_CHAIN'), { url: 'https://graph.example' });
  assert.match(without?.fix ?? '', /--ca-file/);
  assert.equal(normaliseNetworkError(coded('ECONNRESET'), { url: 'https://x' }), null);
});
