// What Azure Resource Manager says about the tenant's workload identities: the RBAC role assignments of every
// subscription the integration can read (with their role definitions, built-in and custom, tiered), and the
// user-assigned managed identities with the federated credentials they trust, which live in ARM, not in Graph.
// One integration per tenant: the subscriptions are discovered (or pinned); one the reader may not read is
// reported unknown, with the role that would fill it, and the others read on (facts §9).
import { PermissionMissing } from '../../core/errors.ts';
import type { Credential } from '../../core/inventory.ts';
import { tierOfAzureRole } from '../../core/tiers/classify.ts';
import type { Tier } from '../../core/tiers/tier-table.ts';
import type { GraphTransport } from '../graph/transport.ts';

/** ARM api-versions of the reads (facts §9). */
const API = {
  subscriptions: '2022-12-01',
  authorization: '2022-04-01',
  managedIdentity: '2023-01-31',
} as const;

export interface AzureRoleAssignment {
  /** The assignment's GUID. */
  assignmentId: string;
  principalId: string;
  /** GUID of the role definition. */
  roleDefinitionId: string;
  roleName: string;
  roleType: 'BuiltInRole' | 'CustomRole' | 'unknown';
  scope: string;
  /** null above subscriptions (management groups, the root). */
  subscriptionId: string | null;
  tier: Tier | 'unknown';
  /** Why that tier, in words (e.g. "custom role whose actions include Microsoft.Authorization/*\/write"). */
  tierReason: string;
}

export interface UserAssignedIdentity {
  resourceId: string;
  principalId: string;
  clientId: string;
  /** As Lanyard's credentials: type federated, held by the managed identity. */
  federatedCredentials: Credential[];
}

export interface AzureAccess {
  subscriptions: Array<{ subscriptionId: string; displayName: string | null }>;
  /** By principal id (a service principal's object id). */
  assignments: Map<string, AzureRoleAssignment[]>;
  /** By principal id. */
  userAssignedIdentities: Map<string, UserAssignedIdentity>;
  /** Subscriptions that could not be read, why, and the role that would fill them. */
  unknown: Array<{ subscriptionId: string; reason: string; permission: string }>;
}

type Reader = Pick<GraphTransport, 'pages'>;

interface WireRoleDefinition {
  name?: string;
  properties?: {
    roleName?: string;
    type?: string;
    permissions?: Array<{
      actions?: string[];
      notActions?: string[];
      dataActions?: string[];
      notDataActions?: string[];
    }>;
  };
}
interface WireRoleAssignment {
  name?: string;
  properties?: { roleDefinitionId?: string; principalId?: string; scope?: string };
}
interface WireIdentity {
  id?: string;
  properties?: { principalId?: string; clientId?: string };
}
interface WireFederatedCredential {
  id?: string;
  name?: string;
  properties?: { issuer?: string; subject?: string; audiences?: string[] };
}

const lastSegment = (id: string | undefined) =>
  (id ?? '').split('/').filter(Boolean).at(-1)?.toLowerCase() ?? '';
const subscriptionOf = (scope: string) =>
  /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase() ?? null;

async function all<T>(reader: Reader, path: string, options: { signal: AbortSignal; permission: string }) {
  const items: T[] = [];
  for await (const page of reader.pages<T>(path, options)) items.push(...page);
  return items;
}

/**
 * Reads ARM for the subscriptions the integration sees (or `pinned` ones). A subscription the reader may not
 * read (403) is unknown, never "no assignments"; any other failure fails the read.
 */
export async function readAzureAccess(
  reader: Reader,
  options: {
    signal: AbortSignal;
    pinned?: readonly string[] | null;
    /**
     * Subscriptions an earlier complete reading saw. One missing from the list now is unknown: ARM lists only
     * what the reader may see, so it lost its role there, or the subscription was cancelled or moved.
     */
    expected?: readonly string[];
  },
): Promise<AzureAccess> {
  const { signal } = options;
  const listed = await all<{ subscriptionId?: string; displayName?: string }>(
    reader,
    `/subscriptions?api-version=${API.subscriptions}`,
    { signal, permission: 'the Reader role on the subscriptions' },
  );
  const pinned = options.pinned?.map((id) => id.toLowerCase());
  const subscriptions = listed
    .filter((s) => s.subscriptionId && (!pinned || pinned.includes(s.subscriptionId.toLowerCase())))
    .map((s) => ({ subscriptionId: s.subscriptionId!.toLowerCase(), displayName: s.displayName ?? null }));
  const access: AzureAccess = {
    subscriptions,
    assignments: new Map(),
    userAssignedIdentities: new Map(),
    unknown: [],
  };
  for (const id of pinned ?? []) {
    if (!subscriptions.some((s) => s.subscriptionId === id)) {
      access.unknown.push({
        subscriptionId: id,
        reason: 'not among the subscriptions the integration can see',
        permission: `the Reader role on subscription ${id}`,
      });
    }
  }
  for (const id of options.expected ?? []) {
    const known = id.toLowerCase();
    if (pinned && !pinned.includes(known)) continue;
    if (
      subscriptions.some((s) => s.subscriptionId === known) ||
      access.unknown.some((u) => u.subscriptionId === known)
    )
      continue;
    access.unknown.push({
      subscriptionId: known,
      reason:
        'read by an earlier scan and no longer visible to the integration: it lost the Reader role there, or the ' +
        'subscription was cancelled or moved (if it is gone, `lanyard integration subscriptions <name> --forget ' +
        `${known}\`)`,
      permission: `the Reader role on subscription ${known}`,
    });
  }
  const seen = new Set<string>();
  await Promise.all(
    subscriptions.map(async ({ subscriptionId }) => {
      const permission = `the Reader role on subscription ${subscriptionId}`;
      const at = `/subscriptions/${subscriptionId}/providers`;
      try {
        const [definitions, assignments, identities] = await Promise.all([
          all<WireRoleDefinition>(
            reader,
            `${at}/Microsoft.Authorization/roleDefinitions?api-version=${API.authorization}`,
            {
              signal,
              permission,
            },
          ),
          // Without a filter ARM lists the assignments at, above and below the subscription (facts §9).
          all<WireRoleAssignment>(
            reader,
            `${at}/Microsoft.Authorization/roleAssignments?api-version=${API.authorization}`,
            {
              signal,
              permission,
            },
          ),
          all<WireIdentity>(
            reader,
            `${at}/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${API.managedIdentity}`,
            { signal, permission },
          ),
        ]);
        const roles = new Map(definitions.map((d) => [lastSegment(d.name), d]));
        for (const wire of assignments) {
          const assignmentId = lastSegment(wire.name);
          const principalId = wire.properties?.principalId?.toLowerCase();
          if (!assignmentId || !principalId || seen.has(assignmentId)) continue;
          seen.add(assignmentId);
          const roleDefinitionId = lastSegment(wire.properties?.roleDefinitionId);
          const role = roles.get(roleDefinitionId);
          const permissions = role?.properties?.permissions ?? [];
          const tier = tierOfAzureRole({
            roleDefinitionId,
            roleName: role?.properties?.roleName ?? null,
            actions: permissions.flatMap((p) => p.actions ?? []),
            notActions: permissions.flatMap((p) => p.notActions ?? []),
            dataActions: permissions.flatMap((p) => p.dataActions ?? []),
            notDataActions: permissions.flatMap((p) => p.notDataActions ?? []),
          });
          const scope = wire.properties?.scope ?? '';
          const list = access.assignments.get(principalId) ?? [];
          list.push({
            assignmentId,
            principalId,
            roleDefinitionId,
            roleName: role?.properties?.roleName ?? roleDefinitionId,
            roleType:
              role?.properties?.type === 'BuiltInRole' || role?.properties?.type === 'CustomRole'
                ? role.properties.type
                : 'unknown',
            scope,
            subscriptionId: subscriptionOf(scope),
            tier: tier.tier,
            tierReason: tier.reason,
          });
          access.assignments.set(principalId, list);
        }
        // One read per identity (ARM has no list of every identity's credentials): a few at once, so a
        // subscription's thousands of identities take its read bucket's pace rather than a round trip each.
        await eachAtMost(FEDERATED_READS_AT_ONCE, identities, async (identity) => {
          const principalId = identity.properties?.principalId?.toLowerCase();
          if (!identity.id || !principalId) return;
          const credentials = await all<WireFederatedCredential>(
            reader,
            `${identity.id}/federatedIdentityCredentials?api-version=${API.managedIdentity}`,
            { signal, permission },
          );
          access.userAssignedIdentities.set(principalId, {
            resourceId: identity.id,
            principalId,
            clientId: identity.properties?.clientId ?? '',
            federatedCredentials: credentials.map((c) => federatedCredential(c)),
          });
        });
      } catch (error) {
        if (!(error instanceof PermissionMissing)) throw error;
        access.unknown.push({ subscriptionId, reason: error.message, permission });
      }
    }),
  );
  for (const list of access.assignments.values())
    list.sort((a, b) => a.assignmentId.localeCompare(b.assignmentId));
  return access;
}

/**
 * Throws when a subscription could not be read, naming the first and the role that would fill it: what ARM said
 * about the others is then incomplete, and the parts built on it must stay unknown rather than show less.
 */
export function assertAzureReadable(access: AzureAccess): void {
  const [first, ...others] = access.unknown;
  if (!first) return;
  throw new PermissionMissing(
    `Azure subscription ${first.subscriptionId} could not be read (${first.reason})` +
      (others.length > 0 ? ` nor ${others.length} more` : ''),
    { permission: first.permission },
  );
}

/** Federated-credential reads in flight per subscription. */
const FEDERATED_READS_AT_ONCE = 8;

/** Runs `work` over the items, at most `limit` at a time; the first failure stops taking new ones. */
async function eachAtMost<T>(
  limit: number,
  items: readonly T[],
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A managed identity's federated credential as Lanyard's Credential: its ARM resource id is its key. */
function federatedCredential(wire: WireFederatedCredential): Credential {
  return {
    keyId: (wire.id ?? wire.name ?? '').toLowerCase(),
    type: 'federated',
    location: 'servicePrincipal',
    displayName: wire.name ?? null,
    hint: null,
    thumbprint: null,
    usage: null,
    startDateTime: null,
    endDateTime: null,
    issuer: wire.properties?.issuer ?? '',
    subject: wire.properties?.subject ?? null,
    audiences: [...(wire.properties?.audiences ?? [])],
    name: wire.name ?? '',
  };
}
