// MSAL reports any failure to read the authority's metadata as `endpoints_resolution_error` and drops the
// cause (unknown tenant, refused connection, untrusted certificate). Asking the same URL ourselves recovers
// the reason, so the user gets the fix instead of a generic error.
import { Agent, request } from 'undici';
import type { LanyardError } from '../../core/errors.ts';
import { normaliseSignInError, type SignInContext } from './auth-errors.ts';
import { errorChain } from './network-errors.ts';

/** True for MSAL's failure to resolve the authority's endpoints (the cause is not kept). */
export function isEndpointResolutionError(error: unknown): boolean {
  return errorChain(error).some(
    (e) => typeof e.message === 'string' && e.message.includes('endpoints_resolution_error'),
  );
}

/** The named error for why the authority's OpenID metadata cannot be read, or null if it can be. */
export async function probeAuthority(
  context: SignInContext,
  ca: string[] | undefined,
): Promise<LanyardError | null> {
  const url = `${context.loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(context.tenantId)}/v2.0/.well-known/openid-configuration`;
  const dispatcher = new Agent(ca ? { connect: { ca } } : {});
  try {
    const response = await request(url, { dispatcher, signal: AbortSignal.timeout(10_000) });
    const text = await response.body.text();
    if (response.statusCode === 200) return null;
    let description = `HTTP ${response.statusCode} from ${url}`;
    try {
      const body = JSON.parse(text) as { error_description?: unknown };
      if (typeof body.error_description === 'string') description = body.error_description;
    } catch {}
    return normaliseSignInError(new Error(description), context);
  } catch (error) {
    return normaliseSignInError(error, context);
  } finally {
    await dispatcher.close();
  }
}
