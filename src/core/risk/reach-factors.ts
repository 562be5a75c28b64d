// Impact factors: what an attacker holding the identity would get, one factor per permission or role it
// reaches, weighed by tier and scope (risk-and-controls.md §4.2). Unknown reach is never "no permissions".
import type { RiskConfig } from './config.ts';
import type { Reach, ReachInput, RiskFactor } from './types.ts';

/** '/', a management group or a subscription: a tier-0 role there reaches every resource below. */
const BROAD_AZURE_SCOPE =
  /^\/(subscriptions\/[^/]+|providers\/microsoft\.management\/managementgroups\/[^/]+)?\/?$/i;

function isTenantWide(scope: string | undefined): boolean {
  return scope === undefined || scope === '' || scope === '/';
}

function kindLabel(entry: Reach): string {
  switch (entry.kind) {
    case 'app-permission':
      return `${entry.resource ?? 'Graph'} application permission`;
    case 'delegated-grant':
      return `${entry.resource ?? 'Graph'} delegated permission`;
    case 'directory-role':
      return 'Entra directory role';
    case 'azure-role':
      return 'Azure role';
  }
}

function whereText(entry: Reach): string {
  if (entry.kind === 'delegated-grant') {
    if (!entry.scope) return '';
    return entry.scope === 'AllPrincipals' ? ' for all users' : ` for ${entry.scope}`;
  }
  return isTenantWide(entry.scope) ? '' : ` on ${entry.scope}`;
}

/** The impact band an entry falls in: its factor id and points. */
function band(entry: Reach, config: RiskConfig): [id: string, points: number] {
  const { impact } = config;
  const sensitive = config.sensitiveDataPermissions.some(
    (name) => name.toLowerCase() === entry.name.toLowerCase(),
  );
  if (entry.tier === 0) {
    switch (entry.kind) {
      case 'app-permission':
        return ['reach_tier0_tenant', impact.tier0Tenant];
      case 'directory-role':
        return isTenantWide(entry.scope)
          ? ['reach_tier0_tenant', impact.tier0Tenant]
          : ['reach_tier0_scoped', impact.tier0Scoped];
      case 'azure-role':
        // No scope given: assume the broadest rather than understate it.
        return entry.scope === undefined || BROAD_AZURE_SCOPE.test(entry.scope)
          ? ['reach_tier0_subscription', impact.tier0Subscription]
          : ['reach_tier0_scoped', impact.tier0Scoped];
      case 'delegated-grant':
        // A delegated scope acts with the user's rights: granted for all users, any administrator's sign-in uses it.
        return entry.scope === 'AllPrincipals'
          ? ['reach_sensitive_data', impact.sensitiveData]
          : ['reach_tier0_scoped', impact.tier0Scoped];
    }
  }
  if (entry.kind === 'app-permission' && sensitive) return ['reach_sensitive_data', impact.sensitiveData];
  if (entry.tier === 1) return ['reach_tier1', impact.tier1];
  if (entry.tier === 2) return ['reach_tier2', impact.tier2];
  return ['reach_unclassified', impact.unclassified];
}

function entryText(entry: Reach): string {
  const what = `${entry.name} (${kindLabel(entry)})${whereText(entry)}`;
  const via = entry.path.length ? ` via ${entry.path.join(' → ')}` : '';
  const why = entry.reason ? `: ${entry.reason}` : '';
  if (entry.tier === 'unknown')
    return `holds ${what}${via}, which no tier model classifies: add it to your tier overrides`;
  return `can reach tier-${entry.tier}: ${what}${via}${why}`;
}

/** One impact factor per distinct entry, largest first; plus what is unknown, or "none" when nothing is held. */
export function reachFactors(reach: ReachInput, config: RiskConfig): RiskFactor[] {
  const factors = new Map<string, RiskFactor>();
  for (const entry of reach.entries) {
    const [id, points] = band(entry, config);
    const text = entryText(entry);
    factors.set(text, { id, dimension: 'impact', points, text });
  }
  const unknown = (reach.unknown ?? []).filter((what) => what.trim());
  if (unknown.length) {
    const text = `${factors.size ? 'what else it can reach' : 'what it can reach'} is unknown: ${unknown.join('; ')}`;
    factors.set(text, { id: 'reach_unknown', dimension: 'impact', points: config.impact.reachUnknown, text });
  }
  if (!factors.size) {
    const text = 'no permissions or roles found';
    factors.set(text, { id: 'reach_none', dimension: 'impact', points: config.impact.none, text });
  }
  // Ties by text in code-unit order, not by locale: the same input lists its factors the same way everywhere.
  return [...factors.values()].sort(
    (a, b) => b.points - a.points || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
  );
}

/** The most severe tier reached, for texts that depend on it ('unknown' when nothing is classified). */
export function highestTier(reach: ReachInput): 0 | 1 | 2 | 'unknown' {
  const tiers = reach.entries.map((entry) => entry.tier).filter((tier) => tier !== 'unknown');
  return tiers.length ? (Math.min(...tiers) as 0 | 1 | 2) : 'unknown';
}
