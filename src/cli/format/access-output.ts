// What a service principal holds, as `lanyard identity` shows it: grouped by tier (tier 0 first, unknown
// last), each grant with the scan that first saw it, and the grants it held once and no longer does.
import { DEFAULT_APP_ROLE_ID, type Grant, grantsByTier } from '../../core/access.ts';
import type { Identity } from '../../core/inventory.ts';
import { isUnknown } from '../../core/inventory-query.ts';
import type { TierOverrides } from '../../core/tiers/tier-table.ts';
import type { GrantRecord } from '../../store/index.ts';
import { renderTable } from './table.ts';

const KIND_LABEL: Record<Grant['kind'], string> = {
  'directory-role': 'directory role',
  'app-role': 'app role',
  delegated: 'delegated',
  'azure-role': 'Azure role',
};

/** What identifies a grant across scans, as the store's grant history keys it. */
const grantKey = (g: Grant) =>
  JSON.stringify([g.kind, g.resourceId, g.permissionId, g.permission, g.scope, g.eligible ?? false]);

const day = (at: Date | null) => (at ? at.toISOString().slice(0, 10) : '?');

function cells(grant: Grant): string[] {
  return [
    grant.eligible ? `${KIND_LABEL[grant.kind]} (eligible)` : KIND_LABEL[grant.kind],
    grant.kind === 'app-role' && grant.permissionId === DEFAULT_APP_ROLE_ID
      ? '(default access)'
      : grant.permission,
    grant.resourceDisplayName ?? grant.resourceAppId ?? grant.resourceId ?? '-',
    grant.kind === 'delegated' && grant.scope !== 'AllPrincipals'
      ? `user ${grant.scope}`
      : (grant.scope ?? '-'),
  ];
}

export function renderAccess(
  identity: Identity,
  history: readonly GrantRecord[] = [],
  tiers?: TierOverrides,
): string[] {
  if (isUnknown(identity, 'access'))
    return ["Access: unknown (no scan has read it completely yet; see the last scan's warnings)"];
  if (!identity.access) return ['Access: not read yet (scan again to read it)'];
  const held = new Map(
    history.filter((r) => r.revokedScanId === null).map((r) => [grantKey(r.grant), r] as const),
  );
  const lines = [`Access (${identity.access.length})`];
  for (const group of grantsByTier(identity.access, tiers)) {
    lines.push(`  tier ${group.tier} (${group.grants.length})`);
    const rows = group.grants.map(({ grant }) => {
      const since = held.get(grantKey(grant));
      return [...cells(grant), since ? `scan ${since.grantedScanId} (${day(since.grantedAt)})` : '-'];
    });
    const table = renderTable(['KIND', 'PERMISSION', 'RESOURCE', 'SCOPE', 'SINCE'], rows, 60);
    lines.push(...table.split('\n').map((line) => `    ${line}`));
  }
  const revoked = history.filter((r) => r.revokedScanId !== null);
  if (revoked.length > 0) {
    lines.push(`  no longer held (${revoked.length})`);
    const rows = revoked.map((r) => [
      ...cells(r.grant),
      `scan ${r.grantedScanId} (${day(r.grantedAt)}) to scan ${r.revokedScanId} (${day(r.revokedAt)})`,
    ]);
    const table = renderTable(['KIND', 'PERMISSION', 'RESOURCE', 'SCOPE', 'HELD'], rows, 60);
    lines.push(...table.split('\n').map((line) => `    ${line}`));
  }
  return lines;
}
