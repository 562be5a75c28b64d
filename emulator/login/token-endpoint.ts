// POST /{tenant}/oauth2/v2.0/token for grant_type=client_credentials: validates the request like Entra,
// checks the credential, issues the access token, and records every attempt as a sign-in.
import type { EmulatorContext, SignInRecord } from '../context.ts';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import type { EmulatedApplication, EmulatedServicePrincipal, TenantState } from '../tenant/model.ts';
import { type AadstsError, aadsts, aadstsResponse } from './aadsts.ts';
import type { AccessTokenService } from './access-tokens.ts';
import {
  type CredentialCheck,
  checkCertificateAssertion,
  checkFederatedAssertion,
  checkSecret,
} from './client-credentials.ts';
import type { FederationVerifier } from './federation.ts';
import { decodeJwt } from './jwt.ts';
import { resourceKind } from './resources.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** OIDC scopes some clients add to every request; Entra ignores them in client_credentials. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export interface TokenEndpointDeps {
  ctx: EmulatorContext;
  tokens: AccessTokenService;
  federation: FederationVerifier;
}

interface Client {
  id: string;
  secret?: string;
}

function readForm(request: EmulatorRequest): URLSearchParams {
  return new URLSearchParams(request.body.toString('utf8'));
}

/** client_secret_post or client_secret_basic (RFC 6749 §2.3.1: both parts form-urlencoded). */
function readClient(form: URLSearchParams, request: EmulatorRequest): Client {
  const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
    }
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? undefined };
}

function findApplication(ctx: EmulatorContext, tenant: TenantState, appId: string) {
  const inTenant = [...tenant.applications.values()].find((a) => a.object.appId === appId);
  if (inTenant) return { app: inTenant, home: tenant };
  // A multi-tenant app signs in with the credentials held by its registration in its home tenant.
  for (const other of ctx.tenants.values()) {
    const app = [...other.applications.values()].find((a) => a.object.appId === appId);
    if (app) return { app, home: other };
  }
  return undefined;
}

/** Audiences whose apps other tenants can provision: a single-tenant app of another tenant is unknown here. */
const MULTI_TENANT = new Set(['AzureADMultipleOrgs', 'AzureADandPersonalMicrosoftAccount']);

function canHaveServicePrincipal(
  found: { app: EmulatedApplication; home: TenantState },
  tenant: TenantState,
) {
  return found.home === tenant || MULTI_TENANT.has(found.app.object.signInAudience ?? '');
}

function findServicePrincipal(tenant: TenantState, appId: string): EmulatedServicePrincipal | undefined {
  return [...tenant.servicePrincipals.values()].find((sp) => sp.object.appId === appId);
}

/** Validates `scope`: one resource, `/.default`, a resource the emulator serves. Returns the resource. */
function readScope(scope: string, origin: string, tenant: TenantState): string | AadstsError {
  const scopes = scope.split(/\s+/).filter((s) => s !== '' && !OIDC_SCOPES.has(s.toLowerCase()));
  if (scopes.length !== 1) return aadsts.invalidScope(scope);
  const only = scopes[0] as string;
  if (!only.toLowerCase().endsWith('/.default')) return aadsts.scopeNotDefault(only);
  const resource = only.slice(0, -'/.default'.length);
  if (!resourceKind(resource, origin)) return aadsts.unknownResource(resource, tenant.id);
  return resource;
}

export function createTokenEndpoint(deps: TokenEndpointDeps) {
  const { ctx, tokens, federation } = deps;

  return async function tokenEndpoint(
    request: EmulatorRequest,
    tenant: TenantState | undefined,
    tenantSegment: string,
  ): Promise<EmulatorResponse> {
    const now = ctx.clock.now();
    const form = readForm(request);
    const client = readClient(form, request);
    const record: SignInRecord = {
      time: now,
      tenantId: tenant?.id ?? tenantSegment,
      appId: client.id,
      credentialKeyId: null,
      credentialType: null,
      ip: request.ip,
      success: false,
      errorCode: null,
    };
    const reject = (error: AadstsError, check?: CredentialCheck): EmulatorResponse => {
      if (check) {
        record.credentialKeyId = check.keyId;
        record.credentialType = check.type;
      }
      record.errorCode = error.code;
      ctx.signIns.push(record);
      return aadstsResponse(error, request, now);
    };

    if (!tenant) return reject(aadsts.tenantNotFound(tenantSegment));
    const grantType = form.get('grant_type');
    if (!grantType) return reject(aadsts.missingParameter('grant_type'));
    if (grantType !== 'client_credentials') return reject(aadsts.unsupportedGrantType(grantType));
    if (!client.id) return reject(aadsts.missingParameter('client_id'));
    const scope = form.get('scope');
    if (!scope) return reject(aadsts.missingParameter('scope'));
    const resource = readScope(scope, request.url.origin, tenant);
    if (typeof resource !== 'string') return reject(resource);

    const found = findApplication(ctx, tenant, client.id);
    const sp = findServicePrincipal(tenant, client.id);
    if (!found || (!sp && !canHaveServicePrincipal(found, tenant))) {
      return reject(aadsts.unknownClient(client.id, tenant.displayName));
    }
    // A registration this tenant could hold a service principal for, but none was created or consented.
    if (!sp) return reject(aadsts.missingServicePrincipal(client.id, tenant.id));
    const displayName = found.app.object.displayName ?? sp.object.displayName ?? client.id;
    if (sp.object.accountEnabled === false) return reject(aadsts.disabledClient(client.id, displayName));

    const check = await checkCredential(
      form,
      client,
      found.app,
      found.home,
      request,
      tenant,
      tenantSegment,
      now,
    );
    if (!check.ok) return reject(check.error, check);

    const kind = resourceKind(resource, request.url.origin);
    const issued = tokens.issue({
      tenantId: tenant.id,
      appId: client.id,
      appDisplayName: displayName,
      servicePrincipalId: sp.object.id ?? '',
      audience: resource,
      // A token for the emulator's origin is a custom cloud's Graph token too.
      roles: kind === 'graph' || kind === 'origin' ? sp.grantedGraphRoles : [],
      authMethod: check.type === 'clientSecret' ? '1' : '2',
    });
    record.success = true;
    record.credentialKeyId = check.keyId;
    record.credentialType = check.type;
    ctx.signIns.push(record);
    return {
      status: 200,
      headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
      body: {
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        ext_expires_in: issued.expiresIn,
        access_token: issued.accessToken,
      },
    };
  };

  async function checkCredential(
    form: URLSearchParams,
    client: Client,
    app: EmulatedApplication,
    home: TenantState,
    request: EmulatorRequest,
    tenant: TenantState,
    tenantSegment: string,
    now: number,
  ): Promise<CredentialCheck> {
    const base = request.url.origin.toLowerCase();
    const tokenEndpoints = [tenant.id, tenantSegment, tenant.defaultDomain].flatMap((t) => [
      `${base}/${t.toLowerCase()}/oauth2/v2.0/token`,
      `${base}/${t.toLowerCase()}/oauth2/token`,
    ]);
    const c = { app, home, appId: client.id, now, tokenEndpoints };
    if (client.secret !== undefined) return checkSecret(client.secret, c);
    const assertion = form.get('client_assertion');
    if (!assertion) return { ok: false, error: aadsts.missingCredential(), keyId: null, type: null };
    const assertionType = form.get('client_assertion_type') ?? '';
    if (assertionType !== JWT_BEARER) {
      return { ok: false, error: aadsts.unsupportedAssertionType(assertionType), keyId: null, type: null };
    }
    const jwt = decodeJwt(assertion);
    if (!jwt) return { ok: false, error: aadsts.malformedAssertion(), keyId: null, type: null };
    // A certificate assertion is issued by the client itself; anything else comes from a federated issuer.
    if (typeof jwt.payload.iss === 'string' && jwt.payload.iss.toLowerCase() === client.id.toLowerCase()) {
      return checkCertificateAssertion(jwt, c);
    }
    return checkFederatedAssertion(assertion, jwt, c, federation);
  }
}
