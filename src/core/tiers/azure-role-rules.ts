// Tiers for Azure roles Lanyard has no entry for (custom roles, new built-ins), read from what their
// permissions allow. Only rules with a known escalation behind them: anything else stays 'unknown'.
import type { Tier } from './tier-table.ts';

/** A role definition's permissions as ARM returns them; Azure action patterns may hold `*` anywhere. */
export interface AzureRolePermissions {
  actions?: readonly string[];
  notActions?: readonly string[];
  dataActions?: readonly string[];
  notDataActions?: readonly string[];
}

export interface AzureRuleMatch {
  tier: Tier;
  source: string;
  reason: string;
}

const ROLE_ASSIGNMENT_WRITE = 'Microsoft.Authorization/roleAssignments/write';
const ROLE_DEFINITION_WRITE = 'Microsoft.Authorization/roleDefinitions/write';
const KEY_VAULT_SECRET_READ = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';

const SOURCE_TIER0 =
  'Lanyard rule for custom roles, after AzTier tier 0 (Owner, Contributor, User Access Administrator)';
const SOURCE_SECRETS = 'Lanyard rule for custom roles, after AzTier tier 1 (Key Vault Secrets User)';

/** Whether an action pattern covers an operation: `*` matches any run of characters; ARM ignores case. */
export function actionCovers(pattern: string, operation: string): boolean {
  const regex = pattern
    .trim()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`, 'i').test(operation);
}

/** Granted = covered by an allowed pattern and not taken away by an excluded one (actions minus notActions). */
function grants(
  allowed: readonly string[] = [],
  excluded: readonly string[] = [],
  operation: string,
): boolean {
  return (
    allowed.some((pattern) => actionCovers(pattern, operation)) &&
    !excluded.some((pattern) => actionCovers(pattern, operation))
  );
}

/** The most severe rule the permissions meet, or null when none does (which does not make the role harmless). */
export function tierFromPermissions(permissions: AzureRolePermissions): AzureRuleMatch | null {
  const { actions = [], notActions = [], dataActions = [], notDataActions = [] } = permissions;
  // `*` is Contributor at least, whatever notActions remove: it can run code on compute holding managed identities.
  if (actions.some((action) => action.trim() === '*')) {
    return {
      tier: 0,
      source: SOURCE_TIER0,
      reason:
        'its actions include "*": every operation, running code on compute with managed identities included',
    };
  }
  for (const operation of [ROLE_ASSIGNMENT_WRITE, ROLE_DEFINITION_WRITE]) {
    if (grants(actions, notActions, operation)) {
      return {
        tier: 0,
        source: SOURCE_TIER0,
        reason: `its actions allow ${operation}: it can grant itself any role within its scope`,
      };
    }
  }
  if (grants(dataActions, notDataActions, KEY_VAULT_SECRET_READ)) {
    return { tier: 1, source: SOURCE_SECRETS, reason: `its data actions allow ${KEY_VAULT_SECRET_READ}` };
  }
  return null;
}
