// Access tokens for Graph: cached until shortly before expiry, refreshed once for many concurrent callers,
// and refreshed with the claims of a 401 challenge so @azure/identity skips its own cache. A source serves
// one destination and never hands out a token whose audience names another host.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { AuthFailed, InvalidInput } from '../../core/errors.ts';
import { audienceAllows } from '../../core/integration-config.ts';

export interface IssuedToken {
  value: string;
  /** Increases with every new token, so a 401 on an old token does not refresh a second time. */
  generation: number;
}

export interface TokenSource {
  current(): Promise<IssuedToken>;
  /** A new token, unless one newer than `staleGeneration` already exists. */
  refresh(staleGeneration: number, claims: string | null): Promise<IssuedToken>;
  /** The `tid` claim of the current token: the tenant it was issued for, without asking Graph. */
  tenantId(): Promise<string | null>;
}

/** Refresh this long before expiry, so a token never expires between send and arrival. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

function claimsOf(token: string): Record<string, unknown> | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' ? payload : null;
  } catch {
    return null;
  }
}

/**
 * Refuses a token for `audience` on its way to `destination` unless the audience names that host: a custom
 * cloud's Graph (or anyone posing as one) must never receive a token it could replay against Microsoft's.
 */
export function assertAudienceFits(audience: string, destination: string, issued = false): void {
  if (audienceAllows(audience, destination)) return;
  const { host, origin } = new URL(destination);
  if (issued) {
    throw new InvalidInput(
      `refusing to send a token issued for ${audience} to ${host}: a token is only sent to the host its audience names`,
      { fix: `give --login-url as the login endpoint of the cloud that serves ${host}` },
    );
  }
  throw new InvalidInput(
    `refusing to send a token for ${audience} to ${host}: a token is only sent to the host its audience names`,
    {
      fix: `for a custom cloud, create the integration with the audience its Graph accepts (--graph-audience, by default ${origin}); for Microsoft's Graph, use --cloud public, usgov or china`,
    },
  );
}

/**
 * Tokens for `scope`, to be sent to `destination` (an origin) only: the scope is checked now, before any
 * sign-in, and the audience each token says it has (when it is a readable JWT) when it arrives.
 */
export function createTokenSource(
  credential: TokenCredential,
  scope: string,
  destination: string,
  now = () => Date.now(),
): TokenSource {
  assertAudienceFits(scope.replace(/\/\.default$/i, ''), destination);
  let token: (IssuedToken & { refreshAfter: number }) | null = null;
  let pending: Promise<IssuedToken> | null = null;
  let generation = 0;

  function fetchToken(claims: string | null): Promise<IssuedToken> {
    pending ??= (async () => {
      try {
        const issued: AccessToken | null = await credential.getToken(scope, claims ? { claims } : {});
        if (!issued) throw new AuthFailed('the credential returned no access token for Graph');
        const { aud } = claimsOf(issued.token) ?? {};
        for (const audience of [aud].flat()) {
          if (typeof audience === 'string') assertAudienceFits(audience, destination, true);
        }
        generation += 1;
        token = {
          value: issued.token,
          generation,
          // Short-lived tokens (a test cloud's) get a margin of a quarter of their lifetime instead.
          refreshAfter:
            issued.refreshAfterTimestamp ??
            issued.expiresOnTimestamp - Math.min(EXPIRY_MARGIN_MS, (issued.expiresOnTimestamp - now()) / 4),
        };
        return token;
      } finally {
        pending = null;
      }
    })();
    return pending;
  }

  return {
    async current() {
      if (token && now() < token.refreshAfter) return token;
      return pending ?? fetchToken(null);
    },
    async refresh(staleGeneration, claims) {
      if (token && token.generation > staleGeneration) return token;
      return pending ?? fetchToken(claims);
    },
    async tenantId() {
      const { tid } = claimsOf((await this.current()).value) ?? {};
      return typeof tid === 'string' ? tid : null;
    },
  };
}
