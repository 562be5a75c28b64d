// Reads beside the inventory lists: the tenant itself, the disabled users a plain owners expansion needs, and
// which failures stay confined to one list.
import { LanyardError, PermissionMissing, UpstreamFailed } from '../../core/errors.ts';
import { resourceUrl } from './resource.ts';
import { organization } from './resources/index.ts';
import type { GraphTransport } from './transport.ts';

type Reader = Pick<GraphTransport, 'get' | 'pages' | 'tokenTenantId'>;

/**
 * Failures confined to one list: Graph refusing or failing that read, or denying its permission. Sign-in,
 * network, TLS and throttling failures would stop every list, so they fail the scan.
 */
export function failsAlone(error: unknown): boolean {
  return (
    error instanceof LanyardError &&
    (error.code === 'LANYARD_UPSTREAM_FAILED' ||
      error.code === 'LANYARD_PERMISSION_MISSING' ||
      error.code === 'LANYARD_NOT_FOUND')
  );
}

/**
 * Ids of the tenant's disabled users (`accountEnabled eq false` is a default filter on users), or null when the
 * reader may not list users: owners then keep accountEnabled unknown.
 */
export async function readDisabledUsers(
  transport: Reader,
  signal: AbortSignal,
): Promise<ReadonlySet<string> | null> {
  const disabled = new Set<string>();
  try {
    for await (const page of transport.pages<{ id?: string }>(
      '/users?$filter=accountEnabled%20eq%20false&$select=id&$top=999',
      { signal, permission: 'User.Read.All' },
    ))
      for (const user of page) if (user.id) disabled.add(user.id);
    return disabled;
  } catch (error) {
    if (error instanceof PermissionMissing) return null;
    throw error;
  }
}

/**
 * Our tenant's id from /organization; Application.Read.All does not cover that read, so without
 * Organization.Read.All the id comes from the access token the tenant issued (its `tid` claim).
 */
export async function resolveTenant(
  transport: Reader,
  signal: AbortSignal,
): Promise<{ id: string; displayName: string | null }> {
  try {
    const body = await transport.get<{ value?: { id?: string; displayName?: string }[] }>(
      resourceUrl(organization),
      {
        signal,
        permission: organization.permission,
      },
    );
    const org = body.value?.[0];
    if (org?.id) return { id: org.id, displayName: org.displayName ?? null };
  } catch (error) {
    if (!(error instanceof PermissionMissing)) throw error;
  }
  const id = await transport.tokenTenantId();
  if (!id)
    throw new UpstreamFailed('cannot tell which tenant was scanned: /organization and the token name none');
  return { id, displayName: null };
}
