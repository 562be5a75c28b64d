// A managed identity that can grant itself anything in a subscription: whoever can run code on its host, or assign
// a user-assigned identity to a resource of theirs, gets Owner of the subscription (risk-and-controls.md §5 I;
// Microsoft: an MI as contributor on a subscription "when it's not needed, increases the security blast radius").
// Read from the identity's Azure role grants and from its reach (the same grants, tiered), so it holds whichever
// the caller filled. A managed identity has no application: its own row carries it.
import type { Grant } from '../access.ts';
import type { Reach } from '../risk/types.ts';
import { ACCESS_INCOMPLETE, ACCESS_NOT_READ } from '../risk/workload.ts';
import { defineCheck, failWith, notApplicable, pass, unknown } from './check.ts';

/**
 * Roles that can assign roles, Owner among them (Microsoft's "Privileged" Azure roles, §1.4), by role definition
 * id and by built-in name (reach entries carry names only). Contributor cannot assign roles: it is left out here
 * (the tier data and the risk score weigh it).
 */
const ROLE_ASSIGNERS: ReadonlyArray<{ id: string; name: string }> = [
  { id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', name: 'Owner' },
  { id: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', name: 'User Access Administrator' },
  { id: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168', name: 'Role Based Access Control Administrator' },
];

/** The role's built-in name when it is one of ROLE_ASSIGNERS, by id (a GUID or …/roleDefinitions/<guid>) or name. */
function assignerRole(name: string, roleDefinitionId?: string): string | null {
  const id = roleDefinitionId?.split('/').pop()?.toLowerCase();
  const byId = id ? ROLE_ASSIGNERS.find((role) => role.id === id) : undefined;
  if (byId) return byId.name;
  const byName = ROLE_ASSIGNERS.find((role) => role.name.toLowerCase() === name.trim().toLowerCase());
  return byName?.name ?? null;
}

/** The root, a management group or a whole subscription (not a resource group or resource in it). */
const SUBSCRIPTION_OR_ABOVE =
  /^\/(?:|providers\/microsoft\.management\/managementgroups\/[^/]+|subscriptions\/[^/]+)\/?$/i;

function scopeName(scope: string): string {
  if (/^\/?$/.test(scope)) return 'the root scope (/)';
  if (/^\/providers\//i.test(scope)) return `management group ${scope}`;
  return `subscription ${scope}`;
}

interface Holding {
  role: string;
  scope: string;
}

function holdings(access: readonly Grant[], reach: readonly Reach[]): Holding[] {
  const found = new Map<string, Holding>();
  const add = (name: string, id: string | undefined, scope: string | undefined) => {
    const role = assignerRole(name, id);
    if (!role || scope === undefined || !SUBSCRIPTION_OR_ABOVE.test(scope)) return;
    const key = `${role}\u0000${scope.replace(/\/$/, '').toLowerCase()}`;
    if (!found.has(key)) found.set(key, { role, scope });
  };
  for (const grant of access)
    if (grant.kind === 'azure-role') add(grant.permission, grant.permissionId, grant.scope);
  for (const entry of reach) if (entry.kind === 'azure-role') add(entry.name, undefined, entry.scope);
  return [...found.values()];
}

export default defineCheck({
  id: 'managed_identity_subscription_owner',
  title: 'Managed identity can assign roles on a subscription or above',
  severity: 'high',
  rationale:
    'A managed identity is used by whatever runs on its host, and a user-assigned one by any resource it is attached to; with Owner, User Access Administrator or Role Based Access Control Administrator on a subscription or management group, anyone who can run code there can give themselves full control of it.',
  remediation:
    'Replace the assignment with the narrowest role the workload needs, on the resource groups or resources it works on; if it must assign roles, give it Role Based Access Control Administrator there, with a condition limiting which roles it may assign.',
  params: {},
  evaluate({ identity, reach }) {
    if (identity.kind !== 'servicePrincipal' || identity.servicePrincipalType !== 'ManagedIdentity')
      return notApplicable;
    const held = holdings(identity.access ?? [], reach.entries);
    if (held.length) {
      const list = held.map((h) => `${h.role} on ${scopeName(h.scope)}`).join(', ');
      return failWith([
        {
          message: `holds ${list}: whoever can run code as this managed identity can take full control there`,
        },
      ]);
    }
    const unread = reach.unknown?.length
      ? reach.unknown
      : !identity.access
        ? [ACCESS_NOT_READ]
        : identity.unknown?.includes('access')
          ? [ACCESS_INCOMPLETE]
          : [];
    if (unread.length) return unknown(`what it holds is not fully known: ${unread.join('; ')}`);
    return pass;
  },
});
