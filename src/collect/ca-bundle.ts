// Reads an extra CA bundle (custom cloud, TLS-inspecting proxy) and adds it to the CAs Node already trusts.
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { CredentialUnreadable } from '../core/errors.ts';

/** PEM text of a CA file, or CredentialUnreadable saying which file and why. */
export function readCaFile(caFile: string, read: (path: string) => string = readUtf8): string {
  let pem: string;
  try {
    pem = read(caFile);
  } catch (error) {
    throw new CredentialUnreadable(
      `cannot read the CA file ${caFile} (${(error as NodeJS.ErrnoException).code ?? error})`,
      {
        fix: 'point --ca-file at a readable PEM file with the CA certificate(s) to trust',
        cause: error,
      },
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CredentialUnreadable(`the CA file ${caFile} holds no PEM certificate`, {
      fix: 'give a PEM file with one or more "-----BEGIN CERTIFICATE-----" blocks',
    });
  }
  return pem;
}

/**
 * The CAs to hand a TLS client: Node's defaults (bundled, NODE_EXTRA_CA_CERTS) plus `extraPem`, because a
 * `ca` option replaces the defaults instead of adding to them.
 */
export function trustedCas(extraPem: string): string[] {
  return [...tls.getCACertificates('default'), extraPem];
}

function readUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}
