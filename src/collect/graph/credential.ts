// Builds the @azure/identity credential an integration signs in with, for its cloud, trusting its CA file.
// Its getToken throws Lanyard's named errors (AuthFailed with the fix for the AADSTS code, Unreachable, ...).
import { readFileSync } from 'node:fs';
import {
  type AccessToken,
  AzureCliCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  type GetTokenOptions,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';
import { AuthFailed, CredentialUnreadable } from '../../core/errors.ts';
import type { AuthMethod } from '../../core/integration-config.ts';
import { readCaFile, trustedCas } from '../ca-bundle.ts';
import { isKnownLoginHost } from '../clouds.ts';
import { normaliseSignInError, type SignInContext } from './auth-errors.ts';
import { isEndpointResolutionError, probeAuthority } from './authority-probe.ts';

export interface CredentialAuth {
  method: AuthMethod;
  tenantId: string;
  clientId: string;
  /** Name of the environment variable holding the client secret (never the secret itself). */
  secretEnv?: string;
  /** PEM file with the private key and the certificate. */
  certificatePath?: string;
  /** File with a federated token (e.g. a projected Kubernetes service-account token), re-read on every use. */
  tokenFile?: string;
}

export interface CredentialCloud {
  loginUrl: string;
  graphUrl: string;
  caFile?: string;
}

export interface CredentialDeps {
  env?: Record<string, string | undefined>;
  readFile?: (path: string) => string;
  /** Retries of a failed token-endpoint call inside @azure/identity (its default: 3, with backoff). */
  tokenRequestRetries?: number;
}

export function createCredential(
  auth: CredentialAuth,
  cloud: CredentialCloud,
  deps: CredentialDeps = {},
): TokenCredential {
  const env = deps.env ?? process.env;
  const read = deps.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const options: TokenCredentialOptions & { disableInstanceDiscovery?: boolean } = {
    authorityHost: cloud.loginUrl,
    // MSAL's instance discovery asks login.microsoftonline.com about the authority: only Microsoft's hosts pass.
    disableInstanceDiscovery: !isKnownLoginHost(cloud.loginUrl),
    ...(deps.tokenRequestRetries === undefined
      ? {}
      : { retryOptions: { maxRetries: deps.tokenRequestRetries } }),
  };
  const ca = cloud.caFile ? trustedCas(readCaFile(cloud.caFile, read)) : undefined;
  if (ca) options.tlsOptions = { ca };
  const { tenantId, clientId } = auth;
  const inner = ((): TokenCredential => {
    switch (auth.method) {
      case 'secret': {
        const secret = auth.secretEnv ? env[auth.secretEnv] : undefined;
        if (!auth.secretEnv || !secret) {
          throw new CredentialUnreadable(
            `the environment variable ${auth.secretEnv ?? '(none configured)'} holding the client secret is not set`,
            {
              fix: `set ${auth.secretEnv ?? 'the variable named by --secret-env'} to the secret's Value in the environment of the Lanyard process`,
            },
          );
        }
        return new ClientSecretCredential(tenantId, clientId, secret, options);
      }
      case 'certificate': {
        const certificate = readMaterial(auth.certificatePath, 'certificate', read);
        if (
          !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certificate) ||
          !certificate.includes('-----BEGIN CERTIFICATE-----')
        ) {
          throw new CredentialUnreadable(
            `the certificate file ${auth.certificatePath} must hold a PEM private key and certificate`,
            {
              fix: 'concatenate the PEM private key and the PEM certificate into one file',
            },
          );
        }
        return new ClientCertificateCredential(tenantId, clientId, { certificate }, options);
      }
      case 'federated': {
        readMaterial(auth.tokenFile, 'federated token', read);
        const path = auth.tokenFile as string;
        // Re-read on every sign-in: projected service-account tokens rotate under the same path.
        const assertion = async () => readMaterial(path, 'federated token', read).trim();
        return new ClientAssertionCredential(tenantId, clientId, assertion, options);
      }
      case 'managed-identity':
        return clientId
          ? new ManagedIdentityCredential({ clientId, ...options })
          : new ManagedIdentityCredential(options);
      case 'azure-cli':
        return new AzureCliCredential({ tenantId });
      default:
        throw new CredentialUnreadable(`unknown sign-in method "${String(auth.method)}"`, {
          fix: 'use secret, certificate, federated, managed-identity or azure-cli',
        });
    }
  })();
  const context: SignInContext = {
    tenantId,
    clientId,
    method: auth.method,
    loginUrl: cloud.loginUrl,
    caFile: cloud.caFile,
    secretEnv: auth.secretEnv,
    certificatePath: auth.certificatePath,
    tokenFile: auth.tokenFile,
  };
  return {
    async getToken(scopes: string | string[], tokenOptions?: GetTokenOptions): Promise<AccessToken | null> {
      let token: AccessToken | null;
      try {
        token = await inner.getToken(scopes, tokenOptions);
      } catch (error) {
        if (isEndpointResolutionError(error))
          throw (await probeAuthority(context, ca)) ?? normaliseSignInError(error, context);
        throw normaliseSignInError(error, context);
      }
      if (!token)
        throw new AuthFailed(`the ${auth.method} credential returned no token`, {
          fix: 'check the integration sign-in settings',
        });
      return token;
    },
  };
}

function readMaterial(path: string | undefined, what: string, read: (path: string) => string): string {
  if (!path) {
    throw new CredentialUnreadable(`no ${what} file is configured`, {
      fix: `give the path of the ${what} file`,
    });
  }
  try {
    return read(path);
  } catch (error) {
    throw new CredentialUnreadable(
      `cannot read the ${what} file ${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
      {
        fix: `check that ${path} exists and is readable by the user running Lanyard`,
        cause: error,
      },
    );
  }
}
