import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findAadsts, normaliseSignInError } from './auth-errors.ts';

const context = {
  tenantId: '0785ef7c-1111-4222-8333-944455556666',
  clientId: '9a3d526c-aaaa-4bbb-8ccc-dddddddddddd',
  method: 'secret',
  loginUrl: 'https://login.microsoftonline.com',
  secretEnv: 'LANYARD_SECRET',
  tokenFile: '/var/run/secrets/tokens/azure',
};

/** @azure/identity wraps MSAL's server error; the AADSTS text survives in message and errorResponse. */
function identityError(description: string): Error {
  const error = new Error(`ClientSecretCredential authentication failed: ${description}`) as Error & {
    errorResponse: unknown;
  };
  error.name = 'AuthenticationError';
  error.errorResponse = { error: 'invalid_client', errorDescription: description };
  return error;
}

const trace = ' Trace ID: 0a1b Correlation ID: 2c3d Timestamp: 2024-05-02 10:11:12Z';

test('maps each known AADSTS code to what to do', () => {
  const cases: [string, RegExp, RegExp][] = [
    [
      "AADSTS90002: Tenant 'nope' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.",
      /tenant .* was not found/,
      /Directory \(tenant\) ID/,
    ],
    [
      "AADSTS700016: Application with identifier '9a3d' was not found in the directory 'Contoso'. This can happen if the application has not been installed.",
      /no application with client id 9a3d526c/,
      /Application \(client\) ID/,
    ],
    [
      "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '9a3d'.",
      /client secret .* is wrong/,
      /LANYARD_SECRET/,
    ],
    ['AADSTS7000222: The provided client secret keys for app are expired.', /has expired/, /new secret/],
    [
      'AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]',
      /does not know the certificate/,
      /upload the public certificate/,
    ],
    [
      "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://issuer'. Assertion Subject: 'system:serviceaccount:a:b'.",
      /no federated credential/,
      /\/var\/run\/secrets\/tokens\/azure/,
    ],
    [
      'AADSTS7000229: The client application 9a3d526c-aaaa-4bbb-8ccc-dddddddddddd is missing service principal in the tenant 0785ef7c-1111-4222-8333-944455556666. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119',
      /app 9a3d526c-\S+ has no service principal in tenant 0785ef7c-/,
      /az ad sp create --id 9a3d526c-aaaa-4bbb-8ccc-dddddddddddd.*admin consent/,
    ],
  ];
  for (const [description, message, fix] of cases) {
    const error = normaliseSignInError(identityError(description + trace), context);
    assert.equal(error.code, 'LANYARD_AUTH_FAILED', description);
    assert.match(error.message, message);
    assert.match(error.fix ?? '', fix);
  }
});

test('keeps unknown AADSTS codes with a pointer to their documentation', () => {
  const error = normaliseSignInError(
    identityError('AADSTS123456: Something new happened. More text.'),
    context,
  );
  assert.equal(error.message, 'sign-in failed: AADSTS123456: Something new happened.');
  assert.match(error.fix ?? '', /code=123456/);
});

test('finds the AADSTS code deep in a cause chain', () => {
  const inner = { errorMessage: 'AADSTS90002: Tenant not found.' };
  assert.deepEqual(findAadsts(new Error('outer', { cause: inner })), {
    code: 90002,
    description: 'Tenant not found.',
  });
  assert.equal(findAadsts(new Error('no code here')), null);
});

test('sorts network failures of the token endpoint before AADSTS parsing', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
  assert.equal(
    normaliseSignInError(new Error('wrapped', { cause: refused }), context).code,
    'LANYARD_UNREACHABLE',
  );
  const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), {
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
  });
  assert.equal(normaliseSignInError(untrusted, context).code, 'LANYARD_TLS_UNTRUSTED');
});

test('a credential that cannot work here is CredentialUnreadable', () => {
  const error = Object.assign(new Error('ManagedIdentityCredential: no endpoint'), {
    name: 'CredentialUnavailableError',
  });
  assert.equal(normaliseSignInError(error, context).code, 'LANYARD_CREDENTIAL_UNREADABLE');
});

/** Federated failures as Entra words them (2024-25 reports), each explained with the value to change. */
test('explains each federated code with the claim Entra quotes from the token', () => {
  const federatedContext = { ...context, method: 'federated' };
  const docs = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';
  const cases: [string, RegExp, RegExp][] = [
    [
      "AADSTS700211: No matching federated identity record found for presented assertion issuer 'https://oidc.example/abc/'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation",
      /trusts the issuer 'https:\/\/oidc\.example\/abc\/' of the token in \/var\/run\/secrets\/tokens\/azure \(AADSTS700211\)$/,
      /federated credential with exactly that issuer \(trailing slash/,
    ],
    [
      "AADSTS700212: No matching federated identity record found for presented assertion audience 'my.audience'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation",
      /lists its audience 'my\.audience' \(AADSTS700212\)$/,
      /api:\/\/AzureADTokenExchange/,
    ],
    [
      `AADSTS700213: No matching federated identity record found for presented assertion subject 'system:serviceaccount:lanyard:scanner'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${docs}`,
      /federated credential does not match the token's subject 'system:serviceaccount:lanyard:scanner'/,
      /to 'system:serviceaccount:lanyard:scanner' exactly/,
    ],
    [
      "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:o/r:ref:refs/heads/main'. Please note that matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience, and Issuer against the presented assertion.",
      /issuer, audience and subject 'repo:o\/r:ref:refs\/heads\/main' .* case-sensitively/,
      /exactly the letter case/,
    ],
    [
      "AADSTS7002137: No matching federated identity record found for presented assertion subject '/eid1/c/pub/t/AAAA/a/BBBB/sc/1'. Please make sure the federated identity credential Subject is '/eid1/c/pub/t/{tenantId}/a/BBBB/sc/1'.",
      /matches the subject '\/eid1\/c\/pub\/t\/AAAA\/a\/BBBB\/sc\/1' of the token Entra issued/,
      /service connection/,
    ],
    [
      `AADSTS7002138: No matching federated identity record found for presented assertion subject 'repo:Contoso/app:environment:Production'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. See documentation at: ${docs}. See breaking change notification and remediation at: https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024.`,
      /'repo:Contoso\/app:environment:Production' matches .* only when letter case is ignored/,
      /to 'repo:Contoso\/app:environment:Production' with exactly this letter case/,
    ],
  ];
  for (const [description, message, fix] of cases) {
    const error = normaliseSignInError(identityError(description + trace), federatedContext);
    assert.equal(error.code, 'LANYARD_AUTH_FAILED', description);
    assert.equal(error.exitCode, 5);
    assert.match(error.message, message);
    assert.match(error.fix ?? '', fix);
    // One line each, and nothing of Entra's ids or timestamp.
    assert.doesNotMatch(`${error.message}\n${error.fix}`, /\n.*\n|Trace ID|Correlation ID/);
  }
});

test('a federated code without the quoted claim still names what to change', () => {
  const error = normaliseSignInError(
    identityError('AADSTS700213: No matching federated identity record found.'),
    {
      ...context,
      tokenFile: undefined,
    },
  );
  assert.match(error.message, /federated credential does not match the token's subject \(AADSTS700213\)$/);
  assert.match(error.fix ?? '', /to the token's subject exactly/);
});

test('a quoted claim is clipped, and the assertion itself is never echoed', () => {
  const assertion = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  const error = identityError(
    `AADSTS700213: No matching federated identity record found for presented assertion subject '${'s'.repeat(500)}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
  );
  Object.assign(error, { request: { body: `client_assertion=${assertion}` } });
  const normalised = normaliseSignInError(error, context);
  assert.ok(normalised.message.length < 400, normalised.message);
  assert.ok(!`${normalised.message} ${normalised.fix}`.includes(assertion));
});
