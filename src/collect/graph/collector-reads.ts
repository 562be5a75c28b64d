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
 * Each collection's size from its `$count` (an advanced query: ConsistencyLevel eventual, 1 RU each, an
 * estimate, which is all a plan needs), or null when Graph would not count. Never fails the scan: the plan
 * then does without.
 */
export async function countCollections(
  transport: Reader,
  paths: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, number> | null> {
  try {
    const counts = await Promise.all(
      paths.map((path) =>
        transport.get<unknown>(`${path}/$count`, { signal, headers: { ConsistencyLevel: 'eventual' } }),
      ),
    );
    if (!counts.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) return null;
    return new Map(paths.map((path, i) => [path, counts[i] as number]));
  } catch {
    return null;
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

/** A list read inside a `$batch`: its items with any pages beyond, or null when the object is gone (404). */
export interface BatchedList {
  id: string;
  items: unknown[] | null;
}

/**
 * Reads lists through `$batch` (20 a call) and follows each one's nextLink outside it. An answer that is
 * neither a list nor a 404 is an upstream failure, never an empty list.
 */
export async function readBatchedLists(
  transport: Pick<GraphTransport, 'batch' | 'pages'>,
  requests: Array<{ id: string; url: string }>,
  options: { signal: AbortSignal; permission: string; background?: boolean },
): Promise<BatchedList[]> {
  const responses = await transport.batch<{ value?: unknown[]; '@odata.nextLink'?: string }>(
    requests,
    options,
  );
  const lists: BatchedList[] = [];
  for (const [i, response] of responses.entries()) {
    if (response.status === 404) {
      lists.push({ id: response.id, items: null });
      continue;
    }
    if (!Array.isArray(response.body?.value)) {
      throw new UpstreamFailed(`Graph answered ${requests[i]!.url.split('?')[0]} without a list`);
    }
    const items = [...response.body.value];
    const next = response.body['@odata.nextLink'];
    if (next) for await (const page of transport.pages(next, options)) items.push(...page);
    lists.push({ id: response.id, items });
  }
  return lists;
}
