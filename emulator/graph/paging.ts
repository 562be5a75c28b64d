// Server-driven paging: opaque, signed `$skiptoken`s bound to the tenant, path and query options of the
// first request, and `@odata.nextLink` as the full URL with every original option (facts §2).
import { createHmac, randomBytes } from 'node:crypto';
import { graphErrors } from './errors.ts';

export interface Page<T> {
  items: T[];
  /** Token for the following page, or null on the last page. */
  next: string | null;
}

export interface Pager {
  page<T>(
    all: readonly T[],
    size: number,
    token: string | undefined,
    scope: string,
    idOf: (item: T) => string,
  ): Page<T>;
}

function isSkipTokenPart(part: string): boolean {
  const name = part.split('=', 1)[0] ?? '';
  try {
    return decodeURIComponent(name).toLowerCase() === '$skiptoken';
  } catch {
    return false;
  }
}

/** Query string parts other than `$skiptoken`, in the client's own order and encoding. */
export function queryWithoutSkipToken(url: URL): string[] {
  return url.search
    .slice(1)
    .split('&')
    .filter((p) => p.length > 0 && !isSkipTokenPart(p));
}

/** What a token is bound to: a token replayed against another tenant, path or query is rejected. */
export function pageScope(tenantId: string, url: URL): string {
  return `${tenantId}\n${url.pathname}\n${queryWithoutSkipToken(url).join('&')}`;
}

export function nextLink(url: URL, token: string): string {
  const parts = queryWithoutSkipToken(url);
  parts.push(`$skiptoken=${token}`);
  return `${url.origin}${url.pathname}?${parts.join('&')}`;
}

export function createPager(secret: Buffer = randomBytes(32)): Pager {
  const sign = (scope: string, payload: string) =>
    createHmac('sha256', secret).update(scope).update('\n').update(payload).digest('base64url').slice(0, 22);

  const encode = (scope: string, position: number, lastId: string) => {
    const payload = Buffer.from(JSON.stringify([position, lastId])).toString('base64url');
    return `${payload}.${sign(scope, payload)}`;
  };

  const decode = (scope: string, token: string): { position: number; lastId: string } => {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined || sign(scope, payload) !== signature) {
      throw graphErrors.invalidSkipToken();
    }
    const [position, lastId] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [
      number,
      string,
    ];
    return { position, lastId };
  };

  return {
    page(all, size, token, scope, idOf) {
      let start = 0;
      if (token !== undefined) {
        const { position, lastId } = decode(scope, token);
        start = Math.min(position, all.length);
        // The collection changed since the previous page: resume after the last object actually sent.
        if (start > 0 && (all[start - 1] === undefined || idOf(all[start - 1]!) !== lastId)) {
          const found = all.findIndex((item) => idOf(item) === lastId);
          if (found >= 0) start = found + 1;
        }
      }
      const items = all.slice(start, start + size);
      const end = start + items.length;
      const next =
        end < all.length && items.length > 0 ? encode(scope, end, idOf(items[items.length - 1]!)) : null;
      return { items, next };
    },
  };
}
