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
  /**
   * The resource Graph tokens are issued for (scope `<audience>/.default`). Set on every integration created
   * since audiences became settings; an older custom cloud without it uses its Graph URL's origin.
   */
  graphAudience?: string;
  /** The same for Azure Resource Manager. */
  armAudience?: string;
  /** PEM bundle to trust for this cloud's TLS (custom clouds, TLS-inspecting proxies). */
  caFile?: string;
}

type KnownCloud = Required<Omit<CloudEndpoints, 'caFile'>>;

/** Microsoft's national clouds (learn.microsoft.com/graph/deployments). */
export const KNOWN_CLOUDS: Record<Exclude<CloudName, 'custom'>, KnownCloud> = {
  public: {
    name: 'public',
    loginUrl: 'https://login.microsoftonline.com',
    graphUrl: 'https://graph.microsoft.com',
    armUrl: 'https://management.azure.com',
    graphAudience: 'https://graph.microsoft.com',
    armAudience: 'https://management.azure.com',
  },
  usgov: {
    name: 'usgov',
    loginUrl: 'https://login.microsoftonline.us',
    graphUrl: 'https://graph.microsoft.us',
    armUrl: 'https://management.usgovcloudapi.net',
    graphAudience: 'https://graph.microsoft.us',
    armAudience: 'https://management.usgovcloudapi.net',
  },
  china: {
    name: 'china',
    loginUrl: 'https://login.chinacloudapi.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    armUrl: 'https://management.chinacloudapi.cn',
    graphAudience: 'https://microsoftgraph.chinacloudapi.cn',
    armAudience: 'https://management.chinacloudapi.cn',
  },
};

const GRAPH_HOSTS = [
  'graph.microsoft.com',
  'canary.graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'microsoftgraph.chinacloudapi.cn',
  'graph.microsoft.de',
];
const ARM_HOSTS = [
  'management.azure.com',
  'management.core.windows.net',
  'management.usgovcloudapi.net',
  'management.core.usgovcloudapi.net',
  'management.chinacloudapi.cn',
  'management.core.chinacloudapi.cn',
  'management.microsoftazure.de',
  'management.core.cloudapi.de',
];
const AAD_GRAPH_HOSTS = ['graph.windows.net', 'graph.chinacloudapi.cn', 'graph.cloudapi.de'];

/**
 * Microsoft resources whose tokens may go to more hosts than the one their name shows, or that name no host
 * at all: an app id is the same resource in every national cloud, and ARM also answers for its classic
 * `management.core.*` resource ids. Any other http(s) audience may go to its own host only.
 */
const MICROSOFT_RESOURCE_HOSTS = new Map<string, readonly string[]>([
  ['00000003-0000-0000-c000-000000000000', GRAPH_HOSTS], // Microsoft Graph's app id
  ['797f4846-ba00-4fd7-ba43-dac1f8f63013', ARM_HOSTS], // Windows Azure Service Management API's app id
  ['00000002-0000-0000-c000-000000000000', AAD_GRAPH_HOSTS], // the retired Azure AD Graph's app id
  ['https://management.core.windows.net', ['management.core.windows.net', 'management.azure.com']],
  [
    'https://management.core.usgovcloudapi.net',
    ['management.core.usgovcloudapi.net', 'management.usgovcloudapi.net'],
  ],
  [
    'https://management.core.chinacloudapi.cn',
    ['management.core.chinacloudapi.cn', 'management.chinacloudapi.cn'],
  ],
]);

/** Microsoft's Graph and ARM resources in every cloud, by URI and by app id: never a custom cloud's. */
export const MICROSOFT_AUDIENCES: readonly string[] = [
  ...new Set([
    ...[...GRAPH_HOSTS, ...ARM_HOSTS, ...AAD_GRAPH_HOSTS].map((host) => `https://${host}`),
    ...MICROSOFT_RESOURCE_HOSTS.keys(),
  ]),
];

/**
 * The hosts a token for `audience` (a resource, or a `<resource>/.default` scope) may be sent to, or null
 * when the audience names no host (an app id URI such as api://…, a custom API's app id): nothing to bind.
 */
export function audienceHosts(audience: string): readonly string[] | null {
  const resource = audience
    .trim()
    .toLowerCase()
    .replace(/\/\.default$/, '')
    .replace(/\/+$/, '');
  const known = MICROSOFT_RESOURCE_HOSTS.get(resource);
  if (known) return known;
  if (!/^https?:\/\//.test(resource)) return null;
  try {
    return [new URL(resource).host];
  } catch {
    return null;
  }
}

/**
 * Whether a token for `audience` may be sent to `url`: only to a host the audience names. A token is a bearer
 * credential: whoever receives one can replay it against the resource it was issued for.
 */
export function audienceAllows(audience: string, url: string): boolean {
  const hosts = audienceHosts(audience);
  if (!hosts) return true;
  try {
    return hosts.includes(new URL(url).host);
  } catch {
    return false;
  }
}

type CloudFor<K extends keyof CloudEndpoints> = Pick<CloudEndpoints, K> & Partial<CloudEndpoints>;

/** The resource an integration's Graph tokens are issued for; Microsoft's clouds always use their own. */
export function graphAudienceOf(cloud: CloudFor<'graphUrl'>): string {
  if (cloud.name && cloud.name !== 'custom') return KNOWN_CLOUDS[cloud.name].graphAudience;
  return cloud.graphAudience ?? new URL(cloud.graphUrl).origin;
}

/** The resource an integration's ARM tokens are issued for; Microsoft's clouds always use their own. */
export function armAudienceOf(cloud: CloudFor<'armUrl'>): string {
  if (cloud.name && cloud.name !== 'custom') return KNOWN_CLOUDS[cloud.name].armAudience;
  return cloud.armAudience ?? new URL(cloud.armUrl).origin;
}

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
  /** The Azure subscriptions to read (lower-case GUIDs); absent: every subscription the integration can see. */
  subscriptions?: string[];
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
  graphAudience?: string;
  armAudience?: string;
  caFile?: string;
  /** `--subscription`, once per subscription to pin. */
  subscription?: string[];
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

// Printable ASCII only: the audience is shown back by `integration show` and sent in a form field.
const APP_ID_URI = /^[a-z][a-z0-9+.-]*:[\x21-\x7e]+$/i;

/**
 * A custom cloud's audience for one API: the one given, else the API URL's origin (what a stand-in such as
 * the emulator issues tokens for). Refused when it names another host than the API's, so that a token for
 * Microsoft's Graph is never requested for, and sent to, someone else's.
 */
function customAudience(value: string | undefined, flag: string, apiUrl: string, urlFlag: string): string {
  const origin = new URL(apiUrl).origin;
  if (value === undefined || value.trim() === '') return origin;
  const audience = value.trim();
  if (/\/\.default$/i.test(audience)) {
    throw new InvalidInput(`${flag} "${audience}" is a scope, not an audience`, {
      fix: `give the resource without "/.default", e.g. ${flag} ${audience.replace(/\/\.default$/i, '')}`,
    });
  }
  if (!GUID.test(audience) && !APP_ID_URI.test(audience)) {
    throw new InvalidInput(`${flag} "${audience}" is neither a URI nor an application id`, {
      fix: `give the resource its tokens are issued for, e.g. ${flag} ${origin} (the default)`,
    });
  }
  if (!audienceAllows(audience, apiUrl)) {
    throw new InvalidInput(
      `${flag} "${audience}" names another host than ${urlFlag} ${apiUrl}: Lanyard sends a token only to the host its audience names`,
      { fix: `leave out ${flag} (it defaults to ${origin}), or give the audience ${origin} accepts` },
    );
  }
  return audience;
}

function resolveCloud(raw: RawIntegrationInput): CloudEndpoints {
  const name = (raw.cloud ?? 'public') as CloudName;
  if (name === 'custom') {
    const loginUrl = httpsUrl(raw.loginUrl, '--login-url');
    const graphUrl = httpsUrl(raw.graphUrl, '--graph-url');
    const armUrl = httpsUrl(raw.armUrl, '--arm-url');
    return {
      name,
      loginUrl,
      graphUrl,
      armUrl,
      graphAudience: customAudience(raw.graphAudience, '--graph-audience', graphUrl, '--graph-url'),
      armAudience: customAudience(raw.armAudience, '--arm-audience', armUrl, '--arm-url'),
      ...(raw.caFile ? { caFile: raw.caFile } : {}),
    };
  }
  const known = KNOWN_CLOUDS[name as Exclude<CloudName, 'custom'>];
  if (!known) {
    throw new InvalidInput(`unknown cloud "${raw.cloud}"`, {
      fix: 'use --cloud public, usgov, china or custom',
    });
  }
  for (const [flag, value] of [
    ['--graph-audience', raw.graphAudience],
    ['--arm-audience', raw.armAudience],
  ] as const) {
    if (value !== undefined) {
      throw new InvalidInput(`${flag} is only for --cloud custom: ${name} uses Microsoft's own audiences`, {
        fix: `leave out ${flag}`,
      });
    }
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
  const subscriptions = raw.subscription?.length ? subscriptionIds(raw.subscription) : undefined;
  return {
    name,
    tenantId,
    clientId,
    auth: resolveAuth(raw),
    cloud: resolveCloud(raw),
    ...(subscriptions ? { subscriptions } : {}),
  };
}

/** Subscription ids as ARM names them (GUIDs), lower-cased and without repeats; `field` names the input at fault. */
export function subscriptionIds(values: readonly string[], field = 'subscription'): string[] {
  for (const value of values) {
    if (!GUID.test(value.trim())) {
      throw new InvalidInput(`"${value}" is not a subscription id (GUID)`, {
        field,
        fix: 'use the Subscription ID shown in the Azure portal > Subscriptions',
      });
    }
  }
  return [...new Set(values.map((value) => value.trim().toLowerCase()))];
}
