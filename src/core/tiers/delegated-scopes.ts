// Built-in tiers of delegated permissions (OAuth2 scopes). No model in the reference tiers delegated scopes on
// their own; Maester's MT.1050/1051 apply AzTier's application tiers to delegated grants of the same name
// (risk-and-controls.md §2.1), and so does Lanyard. A delegated scope acts with the signed-in user's rights
// only, so the tier is an upper bound: what it reaches when an administrator uses the app.
import { BUILT_IN_APP_ROLES } from './app-roles.ts';
import { type DelegatedScopeTier, MICROSOFT_GRAPH_APP_ID } from './tier-table.ts';

/** Delegated scope ids from Microsoft's provisioningInfo.json (microsoft-cloud-facts.md §10). */
const GRAPH_SCOPE_IDS: Readonly<Record<string, string>> = {
  'Application.Read.All': 'c79f8feb-a9db-4090-85f9-90d820caa0eb',
  'Directory.Read.All': '06da0dbc-49e2-44d2-8312-53f166ab848a',
  'Application.ReadWrite.All': 'bdfbf15f-ee85-4955-8675-146e8e5296b5',
  'RoleManagement.ReadWrite.Directory': 'd01b97e9-cbc0-49fe-810a-750afd5527a3',
  'AppRoleAssignment.ReadWrite.All': '84bccea3-f856-4a8a-967b-dbe0a3d53a64',
  'Directory.ReadWrite.All': 'c5366453-9fb0-48a5-a156-24f0c49a4b84',
};

/** Application permissions with no delegated form (microsoft-cloud-facts.md §10), so no scope to tier. */
const APPLICATION_ONLY = new Set(['Application.ReadWrite.OwnedBy']);

const DELEGATED_SOURCE =
  'AzTier tier of the application permission of the same name, as Maester MT.1050/1051 apply it';

export const BUILT_IN_DELEGATED_SCOPES: readonly DelegatedScopeTier[] = BUILT_IN_APP_ROLES.filter(
  (role) =>
    (role.resourceAppId ?? MICROSOFT_GRAPH_APP_ID) === MICROSOFT_GRAPH_APP_ID &&
    !APPLICATION_ONLY.has(role.value),
).map((role) => {
  const id = GRAPH_SCOPE_IDS[role.value];
  return {
    value: role.value,
    ...(id ? { id } : {}),
    tier: role.tier,
    source: DELEGATED_SOURCE,
    reason: `${role.reason}, when the signed-in user has the rights`,
  };
});
