// Graph's HTTP errors, sorted into retry / refresh the token / give up, and normalised to Lanyard's named
// errors with what to do about them. Messages carry Graph's code and text, never a token or a secret.
import {
  AuthFailed,
  type LanyardError,
  NotFound,
  PermissionMissing,
  Throttled,
  UpstreamFailed,
} from '../../core/errors.ts';

export interface GraphErrorInfo {
  code: string | null;
  message: string | null;
  /** The codes of nested `innerError`s, outermost first (Graph's errors page: loop over them all). */
  innerCodes?: string[];
}

/** Reads Graph's OData error body `{ error: { code, message, innerError } }`; tolerant of anything else. */
export function parseGraphError(text: string): GraphErrorInfo {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; innerError?: unknown } };
    const code = typeof body.error?.code === 'string' ? body.error.code : null;
    const message = typeof body.error?.message === 'string' ? body.error.message : null;
    const innerCodes: string[] = [];
    let inner = body.error?.innerError as
      | { code?: unknown; innerError?: unknown; innererror?: unknown }
      | undefined;
    for (let depth = 0; inner && typeof inner === 'object' && depth < 8; depth++) {
      if (typeof inner.code === 'string') innerCodes.push(inner.code);
      inner = (inner.innerError ?? inner.innererror) as typeof inner;
    }
    return {
      code,
      message: message ? message.slice(0, 300) : null,
      ...(innerCodes.length ? { innerCodes } : {}),
    };
  } catch {
    return { code: null, message: null };
  }
}

/**
 * Graph no longer knows where a delta link stood: the token expired (seven days for directory objects), is
 * unknown, or Graph reset the tenant's sync state. Documented as "a 40X-series error with error codes such as
 * syncStateNotFound" (delta overview), 400 syncStateNotFound (2020 devblog), `resyncRequired` (errors page), or
 * 410 Gone with a Location to start over (overview, "Synchronization reset"): the caller reads everything again.
 */
export class SyncStateLost extends UpstreamFailed {}

const SYNC_STATE_CODES = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

function isSyncStateLoss(status: number, info: GraphErrorInfo): boolean {
  if (status === 410) return true;
  if (status < 400 || status >= 500) return false;
  return [info.code, ...(info.innerCodes ?? [])].some(
    (c) => c !== null && SYNC_STATE_CODES.has(c.toLowerCase()),
  );
}

export type ResponseVerdict =
  | { kind: 'ok' }
  /** 429: wait Retry-After (or back off when Graph sends none), then retry. */
  | { kind: 'throttled'; retryAfterMs: number | null }
  /** 5xx and other transient answers: retry with backoff. */
  | { kind: 'transient'; reason: string }
  /** 401 with a bad or expired token: get a new token (with the challenge's claims) and retry once. */
  | { kind: 'reauthenticate'; claims: string | null }
  | { kind: 'fail' };

/** What a Graph response status means for the request that got it. */
export function judgeResponse(status: number, headers: Record<string, string | undefined>): ResponseVerdict {
  if (status < 400) return { kind: 'ok' };
  if (status === 429) return { kind: 'throttled', retryAfterMs: parseRetryAfter(headers['retry-after']) };
  if (status === 401)
    return { kind: 'reauthenticate', claims: parseClaimsChallenge(headers['www-authenticate']) };
  if (status >= 500 || status === 408) return { kind: 'transient', reason: `HTTP ${status}` };
  return { kind: 'fail' };
}

/** Retry-After in seconds (fractional allowed: Graph has sent `2.128`) or as an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The decoded `claims` of a `WWW-Authenticate: Bearer ..., claims="<base64>"` challenge. */
export function parseClaimsChallenge(header: string | undefined): string | null {
  const encoded = header?.match(/claims="([^"]+)"/i)?.[1];
  if (!encoded) return null;
  try {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    JSON.parse(decoded);
    return decoded;
  } catch {
    // Already plain JSON in some challenges.
    return encoded.startsWith('{') ? encoded : null;
  }
}

export interface RequestContext {
  method: string;
  /** Path of the request without the host and query. */
  path: string;
  /** Permission the resource declaration needs, named when Graph denies access. */
  permission?: string | undefined;
  /** Who answered: Microsoft Graph (default) or Azure Resource Manager, whose permissions are Azure roles. */
  service?: 'Graph' | 'ARM';
}

export function permissionFix(permission: string): string {
  return (
    `grant the Microsoft Graph application permission ${permission} to Lanyard's app ` +
    '(Entra ID > App registrations > API permissions > Add a permission) and grant admin consent'
  );
}

/**
 * Graph answered 400 to a query: a query option this Graph does not accept (Microsoft's documents disagree on
 * several), which the collector answers by degrading its plan, or a bug. Upstream, since no user input caused it.
 */
export class QueryRefused extends UpstreamFailed {}

/**
 * The tenant lacks the licence a read needs (a standing condition, as a missing permission is): no permission
 * fills it, so `permission` is unset.
 */
export class LicenceMissing extends PermissionMissing {}

/** Graph's wording for a feature the tenant is not licensed for: "Your tenant is not licensed for this feature." */
const isLicenceRefusal = (message: string | null): boolean =>
  /not licensed for this feature/i.test(message ?? '');

/** The named error for a Graph response that retrying cannot fix (or that retries did not fix). */
export function normaliseGraphError(status: number, bodyText: string, request: RequestContext): LanyardError {
  const info = parseGraphError(bodyText);
  const { code, message } = info;
  const what = `${request.method} ${request.path}`;
  const graphSays = `${code ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`;
  const service = request.service ?? 'Graph';
  if (service === 'Graph' && isSyncStateLoss(status, info)) {
    return new SyncStateLost(
      `Graph no longer knows the delta link of ${what} (HTTP ${status} ${graphSays})`,
      {
        fix: 'nothing to do: the scan reads everything again and starts new delta links',
      },
    );
  }
  if (status === 401) {
    return new AuthFailed(`${service} rejected Lanyard's access token for ${what} (${graphSays})`, {
      fix: `check that the token is issued for this cloud's ${service} and that the app is enabled in the tenant`,
    });
  }
  if (status === 403 && code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') {
    // No permission fills this one: the reports and sign-in logs need a licence (facts §6.2, §6.3).
    return new PermissionMissing(
      `the tenant has no Microsoft Entra ID P1 or P2 licence, which Graph needs for sign-in activity (${what}: ${graphSays})`,
      { fix: 'license the tenant for Entra ID P1 or P2; until then last use stays unknown, never "unused"' },
    );
  }
  if (status === 403 && isLicenceRefusal(message)) {
    // Conditional Access and Entra ID Protection answer 403 with `AccessDenied` / `Forbidden` and this text when
    // the tenant lacks their licence; no permission fills it (collect/graph/protection.ts names the licence).
    return new LicenceMissing(`the tenant lacks the licence ${what} needs (${graphSays})`, {
      fix: 'license the tenant for the feature; until then what it tells stays unknown, never "none"',
    });
  }
  if (status === 403) {
    const permission = request.permission ?? 'the permission this read needs';
    return new PermissionMissing(`the integration lacks ${permission} for ${what} (${graphSays})`, {
      permission: request.permission,
      fix:
        service === 'ARM'
          ? `assign Lanyard's app ${permission} (Azure portal > Access control (IAM) > Add role assignment)`
          : permissionFix(permission),
    });
  }
  if (status === 404) return new NotFound(`${service} has no ${request.path} (${graphSays})`);
  if (status === 429) {
    return new Throttled(`${service} kept throttling ${what} (${graphSays})`, {
      fix: 'run the scan later, or lower the concurrency of scans that share this app and tenant',
    });
  }
  if (status === 400) {
    return new QueryRefused(`${service} refused ${what} as malformed (${graphSays})`, {
      fix: 'Lanyard falls back to simpler queries where it has them; if none was left, report this message',
    });
  }
  return new UpstreamFailed(`${service} failed ${what} (${graphSays})`, {
    fix: 'retry later; check the Microsoft 365 service health if it persists',
  });
}
