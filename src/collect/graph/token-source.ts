// Access tokens for Graph: cached until shortly before expiry, refreshed once for many concurrent callers,
// and refreshed with the claims of a 401 challenge so @azure/identity skips its own cache.
import type { AccessToken, TokenCredential } from '@azure/identity';
import { AuthFailed } from '../../core/errors.ts';

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

export function createTokenSource(
  credential: TokenCredential,
  scope: string,
  now = () => Date.now(),
): TokenSource {
  let token: (IssuedToken & { refreshAfter: number }) | null = null;
  let pending: Promise<IssuedToken> | null = null;
  let generation = 0;

  function fetchToken(claims: string | null): Promise<IssuedToken> {
    pending ??= (async () => {
      try {
        const issued: AccessToken | null = await credential.getToken(scope, claims ? { claims } : {});
        if (!issued) throw new AuthFailed('the credential returned no access token for Graph');
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
      const { value } = await this.current();
      try {
        const payload = JSON.parse(Buffer.from(value.split('.')[1] ?? '', 'base64url').toString('utf8'));
        return typeof payload.tid === 'string' ? payload.tid : null;
      } catch {
        return null;
      }
    },
  };
}
