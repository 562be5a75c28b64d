// Microsoft's clouds as the collectors see them: login, Graph and ARM hosts, and the Graph token scope.
import { type CloudEndpoints, type CloudName, KNOWN_CLOUDS } from '../core/integration-config.ts';

export type { CloudEndpoints, CloudName };
export { KNOWN_CLOUDS };

/** Graph's `.default` scope per national cloud (learn.microsoft.com/graph/deployments). */
const GRAPH_SCOPES: Record<Exclude<CloudName, 'custom'>, string> = {
  public: 'https://graph.microsoft.com/.default',
  usgov: 'https://graph.microsoft.us/.default',
  china: 'https://microsoftgraph.chinacloudapi.cn/.default',
};

/**
 * The scope to ask the token endpoint for. A custom cloud (the emulator, a sovereign stand-in) mints tokens
 * for the public Graph resource unless told otherwise, as Entra does for Graph behind a private host.
 */
export function graphScopeFor(cloud: { name?: CloudName; graphUrl: string }, custom?: string): string {
  if (cloud.name && cloud.name !== 'custom') return GRAPH_SCOPES[cloud.name];
  const known = Object.values(KNOWN_CLOUDS).find((c) => sameOrigin(c.graphUrl, cloud.graphUrl));
  if (known) return GRAPH_SCOPES[known.name as Exclude<CloudName, 'custom'>];
  return custom ?? GRAPH_SCOPES.public;
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
