// ARM paging: a list answers `{ value, nextLink }`, nextLink the absolute URL of the next page (the request's
// own origin, path and query plus `$skiptoken`), absent on the last page (facts §9; SPECS examples show
// `$skiptoken` / `$skipToken`). The token is opaque and HMAC-signed over the tenant, path and other query
// options, so a client can only follow it, never forge or re-target it.
import { createHmac, randomBytes } from 'node:crypto';
import { armErrors } from './errors.ts';

export interface ArmPage<T> {
  items: T[];
  nextLink: string | undefined;
}

const isSkipToken = (part: string) => /^(\$|%24)skiptoken=/i.test(part);

export interface ArmPager {
  page<T>(all: readonly T[], size: number, url: URL, tenantId: string): ArmPage<T>;
}

export function createArmPager(secret: Buffer = randomBytes(32)): ArmPager {
  const sign = (scope: string, offset: string) =>
    createHmac('sha256', secret).update(scope).update('\n').update(offset).digest('base64url').slice(0, 22);

  return {
    page(all, size, url, tenantId) {
      const parts = url.search
        .slice(1)
        .split('&')
        .filter((p) => p.length > 0);
      const rest = parts.filter((p) => !isSkipToken(p));
      const scope = `${tenantId}\n${url.pathname.toLowerCase()}\n${rest.join('&')}`;
      let start = 0;
      const token = parts.find(isSkipToken);
      if (token !== undefined) {
        const [offset, signature, extra] = decodeURIComponent(token.slice(token.indexOf('=') + 1)).split('.');
        if (!offset || !/^\d+$/.test(offset) || extra !== undefined || signature !== sign(scope, offset)) {
          throw armErrors.invalidSkipToken();
        }
        start = Math.min(Number(offset), all.length);
      }
      const items = all.slice(start, start + size);
      const end = start + items.length;
      if (end >= all.length || items.length === 0) return { items, nextLink: undefined };
      const next = `${end}.${sign(scope, String(end))}`;
      return { items, nextLink: `${url.origin}${url.pathname}?${[...rest, `$skiptoken=${next}`].join('&')}` };
    },
  };
}

/** `$top` where ARM takes it (descendants, federated credentials, resources): the page size, 1–1000. */
export function pageSize(url: URL, fallback: number): number {
  const top = url.searchParams.get('$top');
  if (top === null) return fallback;
  if (!/^\d+$/.test(top) || Number(top) < 1 || Number(top) > 1000) throw armErrors.invalidTop(top);
  return Number(top);
}
