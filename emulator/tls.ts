// Certificates for the emulator: its own CA, server certificates it signs (for the emulator and for test
// issuers), RSA client certificates, and the CA bundle files clients point NODE_EXTRA_CA_CERTS at.
import { createHash, webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface CertificateAuthority {
  certPem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface ClientCertificate extends IssuedCertificate {
  /** base64url SHA-1 / SHA-256 thumbprints of the DER certificate (the x5t / x5t#S256 of assertions). */
  x5t: string;
  x5tS256: string;
}

/** PEM blocks end with a newline, so files concatenating key and certificate stay parseable. */
function pem(text: string): string {
  return `${text.trim()}\n`;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return pem(x509.PemConverter.encode(der, 'PRIVATE KEY'));
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  // A day of slack on both sides keeps certificates valid when the emulated clock or a test moves time.
  return { notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + days * DAY_MS) };
}

export async function createCertificateAuthority(
  commonName = 'Lanyard Emulator CA',
): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: EC_SIGN,
    ...validity(3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pem(cert.toString('pem')), cert, keys };
}

/** A TLS server certificate for `hostnames` (DNS names or IP addresses) signed by `ca`. */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  hostnames: string[],
): Promise<IssuedCertificate> {
  const keys = (await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names = hostnames.map((h) => ({ type: isIP(h) ? ('ip' as const) : ('dns' as const), value: h }));
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${hostnames[0] ?? 'localhost'}`,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: EC_SIGN,
    ...validity(825),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { certPem: pem(cert.toString('pem')), keyPem: await privateKeyPem(keys.privateKey) };
}

/** A self-signed RSA certificate an application signs client assertions with (RS256 / PS256). */
export async function createClientCertificate(commonName: string, days = 365): Promise<ClientCertificate> {
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
  };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: algorithm,
    ...validity(days),
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const der = Buffer.from(cert.rawData);
  return {
    certPem: pem(cert.toString('pem')),
    keyPem: await privateKeyPem(keys.privateKey),
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
}

/** The bundle clients should trust: our CA plus whatever bundle this process already trusts. */
export async function caBundle(caCertPem: string): Promise<string> {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  const base = extra && existsSync(extra) ? extra : existsSync(SYSTEM_BUNDLE) ? SYSTEM_BUNDLE : undefined;
  const rest = base ? await readFile(base, 'utf8') : '';
  return `${caCertPem.trim()}\n${rest}`;
}

/** Writes `ca.pem` and `ca-bundle.pem` into `outDir`. */
export async function writeCaFiles(
  caCertPem: string,
  outDir: string,
): Promise<{ caCertPath: string; caBundlePath: string; bundlePem: string }> {
  await mkdir(outDir, { recursive: true });
  const caCertPath = path.join(outDir, 'ca.pem');
  const caBundlePath = path.join(outDir, 'ca-bundle.pem');
  const bundlePem = await caBundle(caCertPem);
  await writeFile(caCertPath, caCertPem);
  await writeFile(caBundlePath, bundlePem);
  return { caCertPath, caBundlePath, bundlePem };
}
