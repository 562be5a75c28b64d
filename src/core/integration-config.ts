// Validates what a user gives `integration create`, and resolves the cloud's endpoints. Pure: it reads no
// files; a referenced secret or certificate is checked when a scan signs in.
import { InvalidInput } from './errors.ts';

export type AuthMethod = 'secret' | 'certificate' | 'federated' | 'managed-identity' | 'azure-cli';
export const AUTH_METHODS: readonly AuthMethod[] = [
  'secret',
  'certificate',
  'federated',
  'managed-identity',
  'azure-cli',
];
export type CloudName = 'public' | 'usgov' | 'china' | 'custom';

export interface CloudEndpoints {
  name: CloudName;
  loginUrl: string;
  graphUrl: string;
  armUrl: string;
  /** PEM bundle to trust for this cloud's TLS (custom clouds, TLS-inspecting proxies). */
  caFile?: string;
}

/** Microsoft's national clouds (learn.microsoft.com/graph/deployments). */
export const KNOWN_CLOUDS: Record<Exclude<CloudName, 'custom'>, CloudEndpoints> = {
  public: {
    name: 'public',
    loginUrl: 'https://login.microsoftonline.com',
    graphUrl: 'https://graph.microsoft.com',
    armUrl: 'https://management.azure.com',
  },
  usgov: {
    name: 'usgov',
    loginUrl: 'https://login.microsoftonline.us',
    graphUrl: 'https://graph.microsoft.us',
    armUrl: 'https://management.usgovcloudapi.net',
  },
  china: {
    name: 'china',
    loginUrl: 'https://login.chinacloudapi.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    armUrl: 'https://management.chinacloudapi.cn',
  },
};

/** References to Lanyard's own sign-in material; never the material itself. */
export interface AuthSettings {
  method: AuthMethod;
  /** Name of the environment variable that holds the client secret. */
  secretEnv?: string;
  certificatePath?: string;
  /** File with a federated token (e.g. a projected Kubernetes service-account token). */
  tokenFile?: string;
}

export interface IntegrationInput {
  name: string;
  tenantId: string;
  clientId: string;
  auth: AuthSettings;
  cloud: CloudEndpoints;
}

export interface RawIntegrationInput {
  name?: string;
  tenant?: string;
  clientId?: string;
  auth?: string;
  secretEnv?: string;
  certificate?: string;
  tokenFile?: string;
  cloud?: string;
  loginUrl?: string;
  graphUrl?: string;
  armUrl?: string;
  caFile?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/i;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/i;

function required(value: string | undefined, flag: string, why: string): string {
  if (!value?.trim()) throw new InvalidInput(`${flag} is required ${why}`, { fix: `add ${flag} <value>` });
  return value.trim();
}

function httpsUrl(value: string | undefined, flag: string): string {
  const text = required(value, flag, 'for a custom cloud');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidInput(`${flag} "${text}" is not a URL`, { fix: `give ${flag} as https://host[:port]` });
  }
  if (url.protocol !== 'https:') {
    throw new InvalidInput(`${flag} must use https (Entra's clients refuse plain http)`, {
      fix: `give ${flag} as https://host[:port]`,
    });
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function resolveCloud(raw: RawIntegrationInput): CloudEndpoints {
  const name = (raw.cloud ?? 'public') as CloudName;
  if (name === 'custom') {
    return {
      name,
      loginUrl: httpsUrl(raw.loginUrl, '--login-url'),
      graphUrl: httpsUrl(raw.graphUrl, '--graph-url'),
      armUrl: httpsUrl(raw.armUrl, '--arm-url'),
      ...(raw.caFile ? { caFile: raw.caFile } : {}),
    };
  }
  const known = KNOWN_CLOUDS[name as Exclude<CloudName, 'custom'>];
  if (!known) {
    throw new InvalidInput(`unknown cloud "${raw.cloud}"`, {
      fix: 'use --cloud public, usgov, china or custom',
    });
  }
  return { ...known, ...(raw.caFile ? { caFile: raw.caFile } : {}) };
}

function resolveAuth(raw: RawIntegrationInput): AuthSettings {
  const method = required(raw.auth, '--auth', 'to say how Lanyard signs in') as AuthMethod;
  switch (method) {
    case 'secret': {
      const secretEnv = required(
        raw.secretEnv,
        '--secret-env',
        'with --auth secret (the NAME of a variable, not the secret)',
      );
      if (!ENV_NAME.test(secretEnv)) {
        throw new InvalidInput(`--secret-env "${secretEnv}" is not an environment variable name`, {
          fix: 'pass the variable name, e.g. --secret-env LANYARD_CLIENT_SECRET, never the secret itself',
        });
      }
      return { method, secretEnv };
    }
    case 'certificate':
      return {
        method,
        certificatePath: required(raw.certificate, '--certificate', 'with --auth certificate'),
      };
    case 'federated':
      return { method, tokenFile: required(raw.tokenFile, '--token-file', 'with --auth federated') };
    case 'managed-identity':
    case 'azure-cli':
      return { method };
    default:
      throw new InvalidInput(`unknown auth method "${method}"`, {
        fix: `use --auth ${AUTH_METHODS.join('|')}`,
      });
  }
}

export function validateIntegrationInput(raw: RawIntegrationInput): IntegrationInput {
  const name = required(raw.name, '--name', 'to name the integration');
  if (!NAME.test(name)) {
    throw new InvalidInput(`integration name "${name}" is not allowed`, {
      fix: 'use letters, digits, "-" and "_" (up to 63), starting with a letter or digit',
    });
  }
  const tenantId = required(raw.tenant, '--tenant', 'to say which Entra tenant to scan');
  if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
    throw new InvalidInput(`--tenant "${tenantId}" is neither a tenant id (GUID) nor a domain`, {
      fix: 'use the directory (tenant) id shown in Entra ID > Overview',
    });
  }
  const clientId = required(raw.clientId, '--client-id', "to name Lanyard's own application");
  if (!GUID.test(clientId)) {
    throw new InvalidInput(`--client-id "${clientId}" is not a GUID`, {
      fix: "use the Application (client) ID of Lanyard's reader app",
    });
  }
  return { name, tenantId, clientId, auth: resolveAuth(raw), cloud: resolveCloud(raw) };
}
