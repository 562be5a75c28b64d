// Maps an ARM path to the route it names (facts §9 and the SPECS paths cited in wire.ts). Fixed segment names
// match case-insensitively, as ARM's do; undefined means the emulator does not serve the path.
import { parseScope, type Scope } from './scopes.ts';

export type ArmRoute =
  | { kind: 'subscriptions' }
  | { kind: 'subscription'; subscriptionId: string }
  | { kind: 'managementGroups' }
  | { kind: 'managementGroup'; name: string }
  | { kind: 'descendants'; name: string }
  | { kind: 'roleAssignments'; scope: Scope }
  | { kind: 'roleDefinitions'; scope: Scope }
  | { kind: 'roleDefinition'; scope: Scope; id: string }
  | { kind: 'identities'; subscriptionId: string; resourceGroup?: string }
  | { kind: 'identity'; subscriptionId: string; resourceGroup: string; name: string }
  | { kind: 'federatedCredentials'; subscriptionId: string; resourceGroup: string; name: string }
  | {
      kind: 'federatedCredential';
      subscriptionId: string;
      resourceGroup: string;
      name: string;
      credential: string;
    }
  | { kind: 'resources'; subscriptionId: string; resourceGroup?: string };

const is = (segment: string | undefined, name: string) => segment?.toLowerCase() === name.toLowerCase();

function authorizationRoute(segments: readonly string[]): ArmRoute | undefined {
  let at = -1;
  for (let i = segments.length - 2; i >= 0; i--) {
    if (is(segments[i], 'providers') && is(segments[i + 1], 'Microsoft.Authorization')) {
      at = i;
      break;
    }
  }
  if (at < 0) return undefined;
  const scope = parseScope(segments.slice(0, at));
  const [collection, id, extra] = segments.slice(at + 2);
  if (!scope || extra !== undefined) return undefined;
  if (is(collection, 'roleAssignments') && id === undefined) return { kind: 'roleAssignments', scope };
  if (is(collection, 'roleDefinitions')) {
    return id === undefined ? { kind: 'roleDefinitions', scope } : { kind: 'roleDefinition', scope, id };
  }
  return undefined;
}

function subscriptionRoute(s: string, rest: readonly string[]): ArmRoute | undefined {
  if (rest.length === 0) return { kind: 'subscription', subscriptionId: s };
  if (rest.length === 1 && is(rest[0], 'resources')) return { kind: 'resources', subscriptionId: s };
  const msi = (at: number) => is(rest[at], 'providers') && is(rest[at + 1], 'Microsoft.ManagedIdentity');
  if (rest.length === 3 && msi(0) && is(rest[2], 'userAssignedIdentities')) {
    return { kind: 'identities', subscriptionId: s };
  }
  if (!is(rest[0], 'resourceGroups') || rest[1] === undefined) return undefined;
  const resourceGroup = rest[1];
  const tail = rest.slice(2);
  if (tail.length === 1 && is(tail[0], 'resources'))
    return { kind: 'resources', subscriptionId: s, resourceGroup };
  if (tail.length < 3 || !msi(2) || !is(tail[2], 'userAssignedIdentities')) return undefined;
  const [, , , name, nav, credential, extra] = tail;
  if (name === undefined) return { kind: 'identities', subscriptionId: s, resourceGroup };
  const where = { subscriptionId: s, resourceGroup, name };
  if (nav === undefined) return { kind: 'identity', ...where };
  if (!is(nav, 'federatedIdentityCredentials') || extra !== undefined) return undefined;
  return credential === undefined
    ? { kind: 'federatedCredentials', ...where }
    : { kind: 'federatedCredential', ...where, credential };
}

export function matchArmRoute(segments: readonly string[]): ArmRoute | undefined {
  const authorization = authorizationRoute(segments);
  if (authorization) return authorization;
  const [first, second, third, fourth, fifth, sixth] = segments;
  if (is(first, 'subscriptions')) {
    return second === undefined ? { kind: 'subscriptions' } : subscriptionRoute(second, segments.slice(2));
  }
  if (!is(first, 'providers') || !is(second, 'Microsoft.Management') || !is(third, 'managementGroups')) {
    return undefined;
  }
  if (fourth === undefined) return { kind: 'managementGroups' };
  if (fifth === undefined) return { kind: 'managementGroup', name: fourth };
  if (is(fifth, 'descendants') && sixth === undefined) return { kind: 'descendants', name: fourth };
  return undefined;
}
