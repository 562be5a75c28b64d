// Microsoft's clouds as the collectors see them: login, Graph and ARM hosts, and the token scopes.
import {
  armAudienceOf,
  type CloudEndpoints,
  type CloudName,
  graphAudienceOf,
  KNOWN_CLOUDS,
} from '../core/integration-config.ts';

export type { CloudEndpoints, CloudName };
export { KNOWN_CLOUDS };

type CloudFor<K extends keyof CloudEndpoints> = Pick<CloudEndpoints, K> & Partial<CloudEndpoints>;

/**
 * The scope to ask the token endpoint for: Graph's `.default` scope of the national cloud
 * (learn.microsoft.com/graph/deployments), or a custom cloud's own Graph audience, never Microsoft's public
 * Graph: such a token would be sent to the custom host, which could replay it against the real Graph.
 */
export function graphScopeFor(cloud: CloudFor<'graphUrl'>): string {
  return `${graphAudienceOf(cloud)}/.default`;
}

/** The same for Azure Resource Manager. */
export function armScopeFor(cloud: CloudFor<'armUrl'>): string {
  return `${armAudienceOf(cloud)}/.default`;
}

/** True when the login host is one of Microsoft's, where MSAL's instance discovery works. */
export function isKnownLoginHost(loginUrl: string): boolean {
  return Object.values(KNOWN_CLOUDS).some((c) => sameOrigin(c.loginUrl, loginUrl));
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
