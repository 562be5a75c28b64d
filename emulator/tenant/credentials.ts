// Generated credentials: secrets, certificates and federated credentials with a realistic expiry mix.
// Wire shapes follow Graph's passwordCredential / keyCredential / federatedIdentityCredential; no secret
// value exists anywhere (secretText is null, as Graph returns it on every read after addPassword).
import type {
  FederatedIdentityCredential,
  KeyCredential,
  PasswordCredential,
} from '@microsoft/microsoft-graph-types';
import { DAY, isoMillis, type Random } from './random.ts';
import { ENVIRONMENTS, REPOS, SECRET_NAMES, SERVICES } from './vocabulary.ts';

/** Expiry buckets and their weights (percent of all generated secrets and certificates). */
export const EXPIRY_MIX = [
  { bucket: 'expired', weight: 15 },
  { bucket: 'within-7-days', weight: 4 },
  { bucket: 'within-14-days', weight: 3 },
  { bucket: 'within-30-days', weight: 4 },
  { bucket: 'within-180-days', weight: 8 },
  { bucket: 'never', weight: 5 },
  { bucket: '6-to-24-months', weight: 61 },
] as const;
const EXPIRY_WEIGHTS = EXPIRY_MIX.map((b) => b.weight);

/** Entra's "never expires" in practice: the portal's far-future choice and scripts adding 100 years. */
const YEAR_2299 = Date.UTC(2299, 11, 31, 23, 59, 59);
const VALIDITY_DAYS: readonly number[] = [180, 365, 365, 730, 730];
const HINT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-';

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** Start and end (epoch ms) of one credential on an object created at `createdMs`. */
export function credentialWindow(
  rng: Random,
  now: number,
  createdMs: number,
): { start: number; end: number } {
  let bucket: string = EXPIRY_MIX[rng.weighted(EXPIRY_WEIGHTS)]!.bucket;
  const ageDays = Math.floor((now - createdMs) / DAY);
  // An object a few days old cannot carry a credential that already expired.
  if (bucket === 'expired' && ageDays < 3) bucket = '6-to-24-months';
  let end: number;
  switch (bucket) {
    case 'expired':
      end = rng.timeBetween(now - Math.min(900, ageDays - 1) * DAY, now - DAY);
      break;
    case 'within-7-days':
      end = rng.timeBetween(now + 60_000, now + 7 * DAY);
      break;
    case 'within-14-days':
      end = rng.timeBetween(now + 7 * DAY + 1000, now + 14 * DAY);
      break;
    case 'within-30-days':
      end = rng.timeBetween(now + 14 * DAY + 1000, now + 30 * DAY);
      break;
    case 'within-180-days':
      end = rng.timeBetween(now + 30 * DAY + 1000, now + 180 * DAY);
      break;
    case 'never': {
      end = rng.chance(0.5) ? YEAR_2299 : now + 36_525 * DAY;
      return { start: rng.timeBetween(createdMs, now), end };
    }
    default:
      end = rng.timeBetween(now + 183 * DAY, now + 730 * DAY);
  }
  let start = Math.max(createdMs, end - rng.pick(VALIDITY_DAYS) * DAY);
  if (start > now) start = rng.timeBetween(createdMs, now);
  if (start >= end) start = createdMs;
  return { start, end };
}

function hint(rng: Random): string {
  let out = '';
  for (let i = 0; i < 3; i++) out += HINT_ALPHABET[rng.int(0, HINT_ALPHABET.length - 1)];
  return out;
}

export function makeSecret(rng: Random, now: number, createdMs: number): PasswordCredential {
  const { start, end } = credentialWindow(rng, now, createdMs);
  return {
    customKeyIdentifier: null,
    displayName: rng.chance(0.1) ? null : rng.pick(SECRET_NAMES),
    endDateTime: isoMillis(end),
    hint: hint(rng),
    keyId: rng.uuid(),
    secretText: null,
    startDateTime: isoMillis(start),
  };
}

export function makeCertificate(
  rng: Random,
  now: number,
  createdMs: number,
  commonName: string,
): KeyCredential {
  const { start, end } = credentialWindow(rng, now, createdMs);
  return {
    customKeyIdentifier: rng.bytes(20).toString('base64'),
    displayName: `CN=${commonName}`,
    endDateTime: isoMillis(end),
    key: null,
    keyId: rng.uuid(),
    startDateTime: isoMillis(start),
    type: 'AsymmetricX509Cert',
    usage: 'Verify',
  };
}

/**
 * A SAML signing certificate as Entra stores it on a service principal: a Sign and a Verify key that share
 * the thumbprint, plus a passwordCredential carrying the same customKeyIdentifier (the private key's
 * password). Three years is the portal's default lifetime.
 */
export function makeSamlSigningSet(
  rng: Random,
  now: number,
): { keyCredentials: KeyCredential[]; passwordCredential: PasswordCredential; thumbprintHex: string } {
  const thumbprint = rng.bytes(20);
  const start = rng.timeBetween(now - 1000 * DAY, now - DAY);
  const end = start + 1095 * DAY;
  const common = {
    customKeyIdentifier: thumbprint.toString('base64'),
    displayName: 'CN=Microsoft Azure Federated SSO Certificate',
    endDateTime: isoMillis(end),
    key: null,
    startDateTime: isoMillis(start),
    type: 'AsymmetricX509Cert',
  };
  return {
    keyCredentials: [
      { ...common, keyId: rng.uuid(), usage: 'Sign' },
      { ...common, keyId: rng.uuid(), usage: 'Verify' },
    ],
    passwordCredential: {
      customKeyIdentifier: common.customKeyIdentifier,
      displayName: common.displayName,
      endDateTime: common.endDateTime,
      hint: null,
      keyId: rng.uuid(),
      secretText: null,
      startDateTime: common.startDateTime,
    },
    thumbprintHex: thumbprint.toString('hex').toUpperCase(),
  };
}

export interface FederationContext {
  /** GitHub / GitLab / Terraform Cloud organisation of the tenant's owner. */
  org: string;
  /** OIDC issuer URLs of the tenant's AKS clusters. */
  aksIssuers: readonly string[];
}

const FIC_KIND_WEIGHTS = [60, 25, 8, 7];

/** `count` federated credentials with distinct names and distinct issuer+subject pairs, as Graph enforces. */
export function makeFederatedCredentials(
  rng: Random,
  count: number,
  ctx: FederationContext,
  repo: string,
): FederatedIdentityCredential[] {
  const out: FederatedIdentityCredential[] = [];
  const names = new Set<string>();
  const pairs = new Set<string>();
  for (let i = 0; out.length < count; i++) {
    let issuer: string;
    let subject: string;
    let name: string;
    const kind = i < count * 2 ? rng.weighted(FIC_KIND_WEIGHTS) : 0;
    if (kind === 1) {
      const ns = rng.pick(SERVICES);
      const sa = rng.chance(0.5) ? ns : `${ns}-${rng.pick(['sa', 'workload', 'runner', 'csi'])}`;
      issuer = rng.pick(ctx.aksIssuers);
      subject = `system:serviceaccount:${ns}:${sa}`;
      name = `aks-${ns}-${sa}`;
    } else if (kind === 2) {
      const ws = `${repo}-${rng.pick(ENVIRONMENTS)}`;
      const phase = rng.chance(0.5) ? 'plan' : 'apply';
      issuer = 'https://app.terraform.io';
      subject = `organization:${ctx.org}:project:${rng.pick(REPOS)}:workspace:${ws}:run_phase:${phase}`;
      name = `tfc-${ws}-${phase}`;
    } else if (kind === 3) {
      issuer = 'https://gitlab.com';
      subject = `project_path:${ctx.org}/${repo}:ref_type:branch:ref:main`;
      name = `gitlab-${repo}-main`;
    } else {
      issuer = 'https://token.actions.githubusercontent.com';
      // Past the first attempts (apps at the 20-credential cap), use numbered environments: always distinct.
      const env = i < count * 2 ? rng.pick(ENVIRONMENTS) : `deploy-${i}`;
      const form = i < count * 2 ? rng.int(0, 3) : 1;
      subject =
        form === 0
          ? `repo:${ctx.org}/${repo}:ref:refs/heads/main`
          : form === 1
            ? `repo:${ctx.org}/${repo}:environment:${env}`
            : form === 2
              ? `repo:${ctx.org}/${repo}:pull_request`
              : `repo:${ctx.org}/${repo}:ref:refs/tags/v${rng.int(1, 9)}`;
      name =
        form === 0 ? `github-${repo}-main` : form === 1 ? `github-${repo}-${env}` : `github-${repo}-${form}`;
    }
    const pair = `${issuer}\n${subject}`;
    if (pairs.has(pair)) continue;
    name = ficName(name);
    while (names.has(name)) name = ficName(`${name}-${rng.int(2, 999)}`);
    pairs.add(pair);
    names.add(name);
    out.push({
      id: rng.uuid(),
      name,
      issuer,
      subject,
      audiences: [TOKEN_EXCHANGE_AUDIENCE],
      description: null,
    });
  }
  return out;
}

/** Graph's rule for FIC names: 3–120 characters of [A-Za-z0-9-_], starting with an alphanumeric. */
export function ficName(raw: string): string {
  let name = raw.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 120);
  if (!/^[A-Za-z0-9]/.test(name)) name = `f${name.slice(0, 119)}`;
  while (name.length < 3) name += '0';
  return name;
}
