// Which resources the token endpoint issues tokens for, and which audiences each emulated API accepts.
import { MICROSOFT_GRAPH_APP_ID } from '../tenant/model.ts';

export type ResourceKind = 'graph' | 'arm' | 'origin';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const ARM_RESOURCE = 'https://management.azure.com';

const GRAPH_AUDIENCES = new Set([GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, MICROSOFT_GRAPH_APP_ID]);
// ARM accepts both of its resource ids, with or without the trailing slash.
const ARM_AUDIENCES = new Set([
  ARM_RESOURCE,
  `${ARM_RESOURCE}/`,
  'https://management.core.windows.net',
  'https://management.core.windows.net/',
]);

/** The kind of a requested resource (`scope` minus `/.default`), or undefined if the emulator has no such API. */
export function resourceKind(resource: string, origin: string): ResourceKind | undefined {
  const r = resource.toLowerCase();
  if (GRAPH_AUDIENCES.has(r)) return 'graph';
  if (ARM_AUDIENCES.has(r)) return 'arm';
  if (r === origin.toLowerCase() || r === `${origin.toLowerCase()}/`) return 'origin';
  return undefined;
}

/** Which API a request path belongs to: Graph's versions, ARM's roots, else the emulator's own. */
export function audienceFamily(pathname: string): ResourceKind {
  if (/^\/(v1\.0|beta)(\/|$)/.test(pathname)) return 'graph';
  if (/^\/(subscriptions|providers|tenants|resources)(\/|$)/i.test(pathname)) return 'arm';
  return 'origin';
}

/**
 * Whether a token for `audience` is good at an API of `family`. The emulator's own origin is the audience of a
 * custom cloud whose Graph and ARM both live there (Lanyard asks for it rather than send a token for
 * Microsoft's Graph to another host), so it is accepted by every API the emulator serves.
 */
export function audienceAccepted(family: ResourceKind, audience: string, origin: string): boolean {
  const kind = resourceKind(audience, origin);
  return kind === family || kind === 'origin';
}
