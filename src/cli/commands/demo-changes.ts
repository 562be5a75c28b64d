// The demo's second act: the demo tenant changes the way a real one does between two scans (a secret added that
// ends soon, one removed, an owner gone, a tier-0 permission granted, sign-ins from an unusual network and a burst
// of failures), so the rescan has changes, findings, alerts and suspicious sign-ins to show. Through the emulator's own mutation helpers, as Entra would record them.
import type { TenantState } from '../../../emulator/tenant/model.ts';

const DAY_MS = 86_400_000;
/** A Graph application permission at tier 0: granting it is an escalation `changes` calls high. */
const GRANTED_PERMISSION = 'AppRoleAssignment.ReadWrite.All';

/** Changes the tenant; returns one line per change, for the demo to say what it did. */
export async function changeDemoTenant(tenant: TenantState, now: number): Promise<string[]> {
  const { addPassword, removeCredential, removeOwner } = await import('../../../emulator/tenant/mutate.ts');
  const { playSuspiciousSignIns } = await import('../../../emulator/tenant/sign-in-history.ts');
  const apps = [...tenant.applications.values()];
  const named = (app: (typeof apps)[number]) => `"${app.object.displayName ?? app.object.id}"`;
  const done: string[] = [];

  const withOwners = apps.filter((app) => app.owners.some((owner) => owner.kind === 'user'));
  const added = withOwners[0];
  if (added) {
    addPassword(
      tenant,
      added.object.id!,
      { displayName: 'hotfix (demo)', endDateTime: new Date(now + 6 * DAY_MS).toISOString() },
      now,
    );
    done.push(`a secret "hotfix (demo)" ending in 6 days added to ${named(added)}`);
  }
  const removed = apps.find((app) => app !== added && (app.object.passwordCredentials?.length ?? 0) > 0);
  const removedKey = removed?.object.passwordCredentials?.[0]?.keyId;
  if (removed && removedKey) {
    removeCredential(tenant, removed.object.id!, removedKey, now);
    done.push(`a secret removed from ${named(removed)}`);
  }
  const orphaned = withOwners.find((app) => app !== added && app !== removed);
  const owner = orphaned?.owners.find((o) => o.kind === 'user');
  if (orphaned && owner) {
    removeOwner(tenant, orphaned.object.id!, owner.id, now);
    done.push(`an owner removed from ${named(orphaned)}`);
  }
  const grantee = [...tenant.servicePrincipals.values()].find(
    (sp) =>
      sp.object.appOwnerOrganizationId === tenant.id &&
      sp.object.servicePrincipalType === 'Application' &&
      !sp.grantedGraphRoles.includes(GRANTED_PERMISSION),
  );
  if (grantee) {
    // The emulator derives a principal's Graph app-role assignments from this list on every read.
    grantee.grantedGraphRoles.push(GRANTED_PERMISSION);
    done.push(
      `${GRANTED_PERMISSION} (tier 0) granted to "${grantee.object.displayName ?? grantee.object.id}"`,
    );
  }
  const signIns = playSuspiciousSignIns(tenant, now);
  for (const app of signIns.newRange)
    done.push(`"${app.displayName}" signed in from ${app.ip}, a network it never used before`);
  for (const app of signIns.burst)
    done.push(`"${app.displayName}" failed to sign in ${app.failures} times within 3 minutes`);
  return done;
}
