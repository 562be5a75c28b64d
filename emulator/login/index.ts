// The emulated Entra login endpoints: OIDC discovery, signing keys and the token endpoint, plus the bearer
// token check Graph and ARM use (`authenticate`) and the token-expiry fault (`expireAllTokens`).
import type { CallerIdentity, EmulatorContext } from '../context.ts';
import { type EmulatorRequest, type EmulatorResponse, type Handler, json } from '../http.ts';
import type { TenantState } from '../tenant/model.ts';
import { aadsts, aadstsResponse } from './aadsts.ts';
import { createAccessTokenService } from './access-tokens.ts';
import { createFederationVerifier } from './federation.ts';
import { createTokenEndpoint } from './token-endpoint.ts';

export interface LoginOptions {
  /** Access token lifetime (Entra's default for app tokens is 3599 s). */
  lifetimeSeconds?: number;
  /** PEM bundle trusted (besides Node's roots) when fetching federated issuers' keys. */
  trustedCaPem?: string;
}

export interface Login {
  handler: Handler;
  authenticate(request: EmulatorRequest): CallerIdentity | EmulatorResponse;
  expireAllTokens(): void;
}

const ROUTE =
  /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|discovery\/keys|oauth2\/v2\.0\/token)$/;

export function resolveTenant(tenants: Map<string, TenantState>, segment: string): TenantState | undefined {
  const key = segment.toLowerCase();
  const byId = tenants.get(key);
  if (byId) return byId;
  for (const tenant of tenants.values()) {
    if (tenant.id.toLowerCase() === key || tenant.defaultDomain.toLowerCase() === key) return tenant;
  }
  return undefined;
}

function openIdConfiguration(origin: string, tid: string) {
  const base = `${origin}/${tid}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

export function createLogin(ctx: EmulatorContext, options: LoginOptions = {}): Login {
  const tokens = createAccessTokenService({
    clock: ctx.clock,
    lifetimeSeconds: options.lifetimeSeconds ?? 3599,
  });
  const federation = createFederationVerifier(options.trustedCaPem ?? '');
  const tokenEndpoint = createTokenEndpoint({ ctx, tokens, federation });

  const handler: Handler = async (request) => {
    const match = ROUTE.exec(request.url.pathname);
    if (!match) return undefined;
    const segment = decodeURIComponent(match[1] as string);
    const route = match[2] as string;
    const tenant = resolveTenant(ctx.tenants, segment);
    const now = ctx.clock.now();
    if (route === 'oauth2/v2.0/token') {
      if (request.method !== 'POST') return aadstsResponse(aadsts.getNotAllowed(), request, now);
      return tokenEndpoint(request, tenant, segment);
    }
    if (!tenant) return aadstsResponse(aadsts.tenantNotFound(segment), request, now);
    const origin = request.url.origin;
    if (route.endsWith('openid-configuration')) return json(200, openIdConfiguration(origin, tenant.id));
    const issuer = `${origin}/${tenant.id}/v2.0`;
    return json(200, { keys: tokens.jwks().keys.map((k) => ({ ...k, issuer })) });
  };

  return { handler, authenticate: tokens.authenticate, expireAllTokens: tokens.expireAll };
}
