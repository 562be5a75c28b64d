// What a tenant's ARM holds, as plain JSON keyed the way a scanner reports it: per principal id (the service
// principal's object id, as Graph lists it) its role assignments, and per user-assigned identity its federated
// credentials. A client's reading of the emulator is compared with this.
import type { ArmState, FederatedCredential, ManagementGroup, Subscription } from './model.ts';
import { parseScopeId, type ScopeKind, subscriptionOf } from './scopes.ts';

export interface ArmGroundTruthAssignment {
  /** The assignment's GUID (`name`). */
  assignmentId: string;
  /** GUID of the role definition. */
  roleDefinitionId: string;
  roleName: string;
  roleType: 'BuiltInRole' | 'CustomRole';
  scope: string;
  scopeKind: ScopeKind;
  /** The subscription the scope lies in; null at management-group scope. */
  subscriptionId: string | null;
}

export interface ArmGroundTruthIdentity {
  resourceId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  principalId: string;
  clientId: string;
  federatedIdentityCredentials: FederatedCredential[];
}

export interface ArmGroundTruth {
  tenantId: string;
  managementGroups: ManagementGroup[];
  subscriptions: Subscription[];
  customRoles: Array<{ id: string; roleName: string; assignableScopes: string[]; actions: string[] }>;
  /** Keyed by principal id; principals without assignments are absent. */
  assignmentsByPrincipal: Record<string, ArmGroundTruthAssignment[]>;
  /** Keyed by the identity's principal id. */
  userAssignedIdentities: Record<string, ArmGroundTruthIdentity>;
  /** Resources holding a system-assigned identity, keyed by its principal id. */
  systemAssignedIdentities: Record<string, { resourceId: string; type: string }>;
}

export function armGroundTruth(state: ArmState): ArmGroundTruth {
  const roles = new Map(state.roleDefinitions.map((r) => [r.name, r]));
  const assignmentsByPrincipal: Record<string, ArmGroundTruthAssignment[]> = {};
  for (const a of state.roleAssignments) {
    const role = roles.get(a.roleDefinitionName)!;
    const list = assignmentsByPrincipal[a.principalId] ?? [];
    list.push({
      assignmentId: a.name,
      roleDefinitionId: a.roleDefinitionName,
      roleName: role.roleName,
      roleType: role.roleType,
      scope: a.scope,
      scopeKind: parseScopeId(a.scope)?.kind ?? 'root',
      subscriptionId: subscriptionOf(a.scope),
    });
    assignmentsByPrincipal[a.principalId] = list;
  }
  const userAssignedIdentities: Record<string, ArmGroundTruthIdentity> = {};
  for (const u of state.userAssignedIdentities) {
    userAssignedIdentities[u.principalId] = {
      resourceId: u.id,
      name: u.name,
      subscriptionId: u.subscriptionId,
      resourceGroup: u.resourceGroup,
      principalId: u.principalId,
      clientId: u.clientId,
      federatedIdentityCredentials: u.federatedIdentityCredentials.map((f) => ({
        ...f,
        audiences: [...f.audiences],
      })),
    };
  }
  const systemAssignedIdentities: Record<string, { resourceId: string; type: string }> = {};
  for (const r of state.resources) {
    if (r.systemAssignedPrincipalId)
      systemAssignedIdentities[r.systemAssignedPrincipalId] = { resourceId: r.id, type: r.type };
  }
  return {
    tenantId: state.tenantId,
    managementGroups: state.managementGroups.map((g) => ({ ...g })),
    subscriptions: state.subscriptions.map((s) => ({ ...s })),
    customRoles: state.roleDefinitions
      .filter((r) => r.roleType === 'CustomRole')
      .map((r) => ({
        id: r.name,
        roleName: r.roleName,
        assignableScopes: [...r.assignableScopes],
        actions: r.permissions.flatMap((p) => p.actions),
      })),
    assignmentsByPrincipal,
    userAssignedIdentities,
    systemAssignedIdentities,
  };
}
