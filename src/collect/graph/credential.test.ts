import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LanyardError } from '../../core/errors.ts';
import { createCredential } from './credential.ts';

const ids = {
  tenantId: '0785ef7c-1111-4222-8333-944455556666',
  clientId: '9a3d526c-aaaa-4bbb-8ccc-dddddddddddd',
};
const cloud = { loginUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com' };
const files: Record<string, string> = {
  '/ok.pem':
    '-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n',
  '/cert-only.pem': '-----BEGIN CERTIFICATE-----\nAA\n-----END CERTIFICATE-----\n',
  '/token': 'eyJhbGciOiJSUzI1NiJ9.e30.sig\n',
};
const readFile = (path: string) => {
  const content = files[path];
  if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return content;
};

function unreadable(fn: () => unknown, message: RegExp): LanyardError {
  try {
    fn();
  } catch (error) {
    const named = error as LanyardError;
    assert.equal(named.code, 'LANYARD_CREDENTIAL_UNREADABLE');
    assert.match(named.message, message);
    assert.ok(named.fix);
    return named;
  }
  assert.fail('expected CredentialUnreadable');
}

test('a missing secret variable is CredentialUnreadable naming the variable', () => {
  const error = unreadable(
    () =>
      createCredential({ method: 'secret', ...ids, secretEnv: 'LANYARD_SECRET' }, cloud, {
        env: {},
        readFile,
      }),
    /LANYARD_SECRET/,
  );
  assert.match(error.fix ?? '', /LANYARD_SECRET/);
});

test('an unreadable or incomplete certificate file is CredentialUnreadable', () => {
  unreadable(
    () =>
      createCredential({ method: 'certificate', ...ids, certificatePath: '/missing.pem' }, cloud, {
        readFile,
      }),
    /\/missing\.pem \(ENOENT\)/,
  );
  unreadable(
    () =>
      createCredential({ method: 'certificate', ...ids, certificatePath: '/cert-only.pem' }, cloud, {
        readFile,
      }),
    /private key and certificate/,
  );
});

test('a missing token file or CA file is CredentialUnreadable', () => {
  unreadable(
    () => createCredential({ method: 'federated', ...ids, tokenFile: '/nope' }, cloud, { readFile }),
    /federated token file \/nope/,
  );
  unreadable(
    () =>
      createCredential(
        { method: 'federated', ...ids, tokenFile: '/token' },
        { ...cloud, caFile: '/ca.pem' },
        { readFile },
      ),
    /CA file \/ca\.pem/,
  );
});
