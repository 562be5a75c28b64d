// RBAC scopes: parsing the scope part of a path, and the chain of scopes above one (resource → resource group →
// subscription → management groups → tenant root group → `/`), which decides what "at or above" and "below"
// mean for role assignment filters (facts §9). ARM compares ids case-insensitively, so keys are lower-cased.
import { type ArmState, MANAGEMENT_GROUP_PREFIX } from './model.ts';

export type Scope =
  | { kind: 'root'; id: '/' }
  | { kind: 'managementGroup'; id: string; name: string }
  | { kind: 'subscription'; id: string; subscriptionId: string }
  | { kind: 'resourceGroup'; id: string; subscriptionId: string; resourceGroup: string }
  | { kind: 'resource'; id: string; subscriptionId: string; resourceGroup: string };

export type ScopeKind = Scope['kind'];

const eq = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

/** The scope named by path segments (decoded, without the `/providers/Microsoft.Authorization/…` tail). */
export function parseScope(segments: readonly string[]): Scope | undefined {
  const id = `/${segments.join('/')}`;
  if (segments.length === 0) return { kind: 'root', id: '/' };
  const [first, second, third, fourth] = segments;
  if (eq(first, 'providers') && eq(second, 'Microsoft.Management') && eq(third, 'managementGroups')) {
    return segments.length === 4 ? { kind: 'managementGroup', id, name: fourth! } : undefined;
  }
  if (!eq(first, 'subscriptions') || second === undefined) return undefined;
  if (segments.length === 2) return { kind: 'subscription', id, subscriptionId: second };
  if (!eq(third, 'resourceGroups') || fourth === undefined) return undefined;
  if (segments.length === 4) {
    return { kind: 'resourceGroup', id, subscriptionId: second, resourceGroup: fourth };
  }
  // A resource: providers/{namespace}/{type}/{name}, then any number of {type}/{name} pairs.
  const rest = segments.slice(4);
  if (!eq(rest[0], 'providers') || rest.length < 4 || (rest.length - 2) % 2 !== 0) return undefined;
  return { kind: 'resource', id, subscriptionId: second, resourceGroup: fourth };
}

export function parseScopeId(id: string): Scope | undefined {
  return parseScope(id.split('/').filter((s) => s.length > 0));
}

export const scopeKey = (id: string): string => (id === '/' ? '/' : id.replace(/\/+$/, '').toLowerCase());

/** Ancestry of scopes in one ARM state, with each scope's chain computed once. */
export interface ScopeIndex {
  /** Keys of the scope itself and every scope above it, nearest first, ending with `/`. */
  chain(id: string): readonly string[];
  managementGroupOf(subscriptionId: string): string | undefined;
}

export function createScopeIndex(state: ArmState): ScopeIndex {
  const parentOf = new Map(state.managementGroups.map((g) => [g.name.toLowerCase(), g.parent]));
  const groupOf = new Map(
    state.subscriptions.map((s) => [s.subscriptionId.toLowerCase(), s.managementGroup]),
  );
  const cache = new Map<string, readonly string[]>();

  const groupChain = (name: string | undefined | null): string[] => {
    const keys: string[] = [];
    for (let g = name; g; g = parentOf.get(g.toLowerCase()) ?? null) {
      keys.push(scopeKey(`${MANAGEMENT_GROUP_PREFIX}${g}`));
      if (keys.length > 16) break; // a cycle would be a generator bug; never loop forever
    }
    return keys;
  };

  const compute = (id: string): readonly string[] => {
    const scope = parseScopeId(id);
    if (!scope || scope.kind === 'root') return ['/'];
    if (scope.kind === 'managementGroup') return [...groupChain(scope.name), '/'];
    const sub = scope.subscriptionId.toLowerCase();
    const above = [...groupChain(groupOf.get(sub)), '/'];
    const subKey = `/subscriptions/${sub}`;
    if (scope.kind === 'subscription') return [subKey, ...above];
    const rgKey = `${subKey}/resourcegroups/${scope.resourceGroup.toLowerCase()}`;
    if (scope.kind === 'resourceGroup') return [rgKey, subKey, ...above];
    return [scopeKey(scope.id), rgKey, subKey, ...above];
  };

  return {
    chain(id) {
      const key = scopeKey(id);
      let chain = cache.get(key);
      if (!chain) {
        chain = compute(id);
        cache.set(key, chain);
      }
      return chain;
    },
    managementGroupOf: (subscriptionId) => groupOf.get(subscriptionId.toLowerCase()),
  };
}

/** The subscription a scope id lies in, or null for management groups and the root. */
export function subscriptionOf(id: string): string | null {
  const scope = parseScopeId(id);
  return scope && 'subscriptionId' in scope ? scope.subscriptionId : null;
}
