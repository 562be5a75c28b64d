import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  judgeResponse,
  normaliseGraphError,
  parseClaimsChallenge,
  parseGraphError,
  parseRetryAfter,
  SyncStateLost,
} from './graph-errors.ts';

const denied = JSON.stringify({
  error: {
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
    innerError: { date: '2024-05-02T10:11:12', 'request-id': 'c1f1d6b3-0000-0000-0000-000000000000' },
  },
});
const throttled = JSON.stringify({
  error: {
    code: 'TooManyRequests',
    innerError: { code: '429', date: '2020-08-18T12:51:51', message: 'Please retry after', status: '429' },
    message: 'Please retry again later.',
  },
});
const expired = JSON.stringify({
  error: { code: 'InvalidAuthenticationToken', message: 'Lifetime validation failed, the token is expired.' },
});

test('sorts responses into retry, refresh, throttle and give up', () => {
  assert.deepEqual(judgeResponse(200, {}), { kind: 'ok' });
  assert.deepEqual(judgeResponse(429, { 'retry-after': '2.128' }), { kind: 'throttled', retryAfterMs: 2128 });
  assert.deepEqual(judgeResponse(429, {}), { kind: 'throttled', retryAfterMs: null });
  assert.deepEqual(judgeResponse(503, {}), { kind: 'transient', reason: 'HTTP 503' });
  assert.deepEqual(judgeResponse(504, {}), { kind: 'transient', reason: 'HTTP 504' });
  assert.deepEqual(judgeResponse(401, {}), { kind: 'reauthenticate', claims: null });
  assert.deepEqual(judgeResponse(403, {}), { kind: 'fail' });
  assert.deepEqual(judgeResponse(400, {}), { kind: 'fail' });
});

test('reads Retry-After in fractional seconds or as a date', () => {
  assert.equal(parseRetryAfter('10'), 10_000);
  assert.equal(parseRetryAfter('0.5'), 500);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('2015-10-21T07:28:00Z')), 10_000);
  assert.equal(parseRetryAfter('soon'), null);
  assert.equal(parseRetryAfter(undefined), null);
});

test('decodes the claims of a token challenge for @azure/identity', () => {
  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
  const header =
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", ' +
    `client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;
  assert.equal(parseClaimsChallenge(header), claims);
  assert.equal(parseClaimsChallenge('Bearer realm=""'), null);
  assert.deepEqual(judgeResponse(401, { 'www-authenticate': header }), { kind: 'reauthenticate', claims });
});

test('names the missing permission on Authorization_RequestDenied', () => {
  const error = normaliseGraphError(403, denied, {
    method: 'GET',
    path: '/v1.0/applications',
    permission: 'Application.Read.All',
  });
  assert.equal(error.code, 'LANYARD_PERMISSION_MISSING');
  assert.match(error.message, /^the integration lacks Application\.Read\.All for GET \/v1\.0\/applications/);
  assert.match(error.message, /Authorization_RequestDenied: Insufficient privileges/);
  assert.match(error.fix ?? '', /Application\.Read\.All.*admin consent/);
  assert.equal((error as { permission?: string }).permission, 'Application.Read.All');
});

test('normalises the other Graph errors to named errors', () => {
  const request = { method: 'GET', path: '/v1.0/servicePrincipals' };
  const cases: [number, string, string][] = [
    [401, expired, 'LANYARD_AUTH_FAILED'],
    [404, '{"error":{"code":"Request_ResourceNotFound","message":"gone"}}', 'LANYARD_NOT_FOUND'],
    [429, throttled, 'LANYARD_THROTTLED'],
    [400, '{"error":{"code":"BadRequest","message":"Invalid $select"}}', 'LANYARD_UPSTREAM_FAILED'],
    [503, '<html>Service Unavailable</html>', 'LANYARD_UPSTREAM_FAILED'],
  ];
  for (const [status, body, code] of cases) {
    assert.equal(normaliseGraphError(status, body, request).code, code, String(status));
  }
  assert.match(normaliseGraphError(401, expired, request).message, /InvalidAuthenticationToken: Lifetime/);
});

test('tolerates non-JSON error bodies', () => {
  assert.deepEqual(parseGraphError('<html>'), { code: null, message: null });
  assert.deepEqual(parseGraphError(throttled), {
    code: 'TooManyRequests',
    message: 'Please retry again later.',
    innerCodes: ['429'],
  });
});

test('a delta link Graph no longer knows is SyncStateLost, whichever way Graph says it', () => {
  const request = { method: 'GET', path: '/v1.0/applications/delta' };
  const body = (code: string, inner?: string) =>
    JSON.stringify({ error: { code, message: 'm', innerError: inner ? { code: inner } : { date: 'x' } } });
  const lost: Array<[number, string]> = [
    [400, body('syncStateNotFound')],
    [410, body('syncStateNotFound')],
    [410, body('resyncRequired')],
    [410, '<html>'],
    [400, body('badRequest', 'resyncRequired')],
  ];
  for (const [status, text] of lost) {
    assert.ok(normaliseGraphError(status, text, request) instanceof SyncStateLost, `${status} ${text}`);
  }
  assert.ok(!(normaliseGraphError(400, body('Request_UnsupportedQuery'), request) instanceof SyncStateLost));
  assert.ok(!(normaliseGraphError(404, body('Request_ResourceNotFound'), request) instanceof SyncStateLost));
});
