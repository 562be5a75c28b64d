// What a read route gets to answer one (sub)request, and what it gives back before serialisation.
import type { SignInRecord } from '../context.ts';
import type { TenantState } from '../tenant/model.ts';
import type { Pager } from './paging.ts';
import type { ParsedQuery } from './query.ts';
import type { GraphReadings } from './readings.ts';
import type { GraphVersion } from './schema.ts';

export interface GraphLimits {
  /** Navigation properties one request may expand (stricter reading of Graph's docs: 1). */
  maxExpandedProperties: number;
  /** Items per expanded relationship (Graph: 20, no nextLink inside). */
  expandItemLimit: number;
  /** Objects per page when `$expand` is present, whatever `$top` says (Graph known issue: 100). */
  expandPageLimit: number;
  /** Requests per `$batch` (Graph: 20). */
  batchLimit: number;
  /** ids per directoryObjects/getByIds (Graph: 1,000). */
  getByIdsLimit: number;
  /**
   * Objects per delta page, whatever `$top` says (silently ignored on delta, Graph docs issue 17516). 200 is what
   * field reports of users/delta show (docs issue 5363); unconfirmed for applications and service principals.
   */
  deltaPageSize: number;
  /** How long a delta token stays valid: seven days for directory objects (delta overview, "Token duration"). */
  deltaTokenLifetimeMs: number;
}

export const DEFAULT_LIMITS: GraphLimits = {
  maxExpandedProperties: 1,
  expandItemLimit: 20,
  expandPageLimit: 100,
  batchLimit: 20,
  getByIdsLimit: 1000,
  deltaPageSize: 200,
  deltaTokenLifetimeMs: 7 * 86_400_000,
};

export interface ReadContext {
  tenant: TenantState;
  version: GraphVersion;
  /** Absolute URL of this request (a batch item's is resolved against the batch's origin). */
  url: URL;
  query: ParsedQuery;
  body: Buffer;
  pager: Pager;
  limits: GraphLimits;
  readings: GraphReadings;
  /** The caller's application permissions: what it may read decides how much of an owner it sees. */
  roles: readonly string[];
  /** Emulated time of the request (epoch ms): sign-in log retention is measured from it. */
  now: number;
  /** Token requests the login endpoint recorded (ctx.signIns, every tenant): served as sign-ins. */
  signIns: readonly SignInRecord[];
}

export interface ReadResult {
  status: number;
  /** An object (serialised as JSON) or, with `contentType`, text. */
  body: unknown;
  contentType?: string;
  /** Objects in `value`, for the request log. */
  objects: number;
}

export function contextUrl(x: ReadContext, fragment: string): string {
  return `${x.url.origin}/${x.version}/$metadata#${fragment}`;
}

/** `#applications(id,displayName)` when `$select` narrowed the shape, as Graph writes it. */
export function selectFragment(collection: string, select: readonly string[] | undefined): string {
  return select ? `${collection}(${select.join(',')})` : collection;
}
