// The 401s Graph and ARM send for a bad bearer token, with their WWW-Authenticate challenges. A token
// revoked by expireAll() gets a CAE claims challenge, so clients can pass `claims` to getToken and skip
// their token cache.

import type { EmulatorRequest, EmulatorResponse } from '../http.ts';
import { odataError } from '../odata-error.ts';
import { MICROSOFT_GRAPH_APP_ID } from '../tenant/model.ts';
import type { ResourceKind } from './resources.ts';

export type AuthFailureKind =
  | 'empty'
  | 'malformed'
  | 'signature'
  | 'expired'
  | 'notYetValid'
  | 'audience'
  | 'revoked';

interface FailureContext {
  request: EmulatorRequest;
  family: ResourceKind;
  now: number;
  revokedAtSeconds: number;
  expMs?: number;
  audience?: string;
}

const GRAPH_MESSAGES: Record<AuthFailureKind, string> = {
  empty: 'Access token is empty.',
  malformed: 'CompactToken parsing failed with error code: 80049217',
  signature: 'Access token validation failure.',
  expired: 'Lifetime validation failed, the token is expired.',
  notYetValid: 'Lifetime validation failed, the token is not yet valid.',
  audience: 'Access token validation failure. Invalid audience.',
  revoked:
    'Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp',
};

/** The `claims` parameter of a CAE challenge: a token issued after the revocation time is essential. */
export function revocationClaims(revokedAtSeconds: number): string {
  const request = { access_token: { nbf: { essential: true, value: String(revokedAtSeconds) } } };
  return Buffer.from(JSON.stringify(request)).toString('base64');
}

function challenge(kind: AuthFailureKind, ctx: FailureContext): string {
  const parts = [`Bearer realm=""`, `authorization_uri="${ctx.request.url.origin}/common/oauth2/authorize"`];
  if (ctx.family !== 'arm') parts.push(`client_id="${MICROSOFT_GRAPH_APP_ID}"`);
  if (kind === 'revoked') {
    parts.push(`error="insufficient_claims"`, `claims="${revocationClaims(ctx.revokedAtSeconds)}"`);
  } else if (ctx.family === 'arm' && kind !== 'empty') {
    parts.push(`error="invalid_token"`);
  }
  return parts.join(', ');
}

function armDate(ms: number): string {
  return new Date(ms).toLocaleString('en-US', { timeZone: 'UTC' }).replace(',', '');
}

function armFailure(kind: AuthFailureKind, ctx: FailureContext, header: string): EmulatorResponse {
  const [code, message] = ((): [string, string] => {
    switch (kind) {
      case 'empty':
        return ['AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."];
      case 'expired':
        return [
          'ExpiredAuthenticationToken',
          `The access token expiry UTC time '${armDate(ctx.expMs ?? 0)}' is earlier than current UTC time '${armDate(ctx.now)}'.`,
        ];
      case 'audience':
        return [
          'InvalidAuthenticationTokenAudience',
          `The access token has been obtained for wrong audience or resource '${ctx.audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
        ];
      case 'revoked':
        return ['InvalidAuthenticationToken', GRAPH_MESSAGES.revoked];
      default:
        return ['InvalidAuthenticationToken', 'The access token is invalid.'];
    }
  })();
  return {
    status: 401,
    headers: { 'www-authenticate': header, 'x-ms-failure-cause': 'gateway' },
    body: { error: { code, message } },
  };
}

export function authFailure(kind: AuthFailureKind, ctx: FailureContext): EmulatorResponse {
  const header = challenge(kind, ctx);
  if (ctx.family === 'arm') return armFailure(kind, ctx, header);
  return odataError(401, 'InvalidAuthenticationToken', GRAPH_MESSAGES[kind], {
    request: ctx.request,
    now: ctx.now,
    headers: { 'www-authenticate': header },
  });
}
