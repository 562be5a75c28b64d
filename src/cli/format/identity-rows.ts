// Flattens identities into the rows the table and CSV formats show: one line per identity.

import type { Identity } from '../../core/inventory.ts';
import { identityType, isUnknown } from '../../core/inventory-query.ts';

export interface IdentityRow {
  type: string;
  displayName: string;
  appId: string;
  objectId: string;
  publisher: string;
  /** 'unknown' when no complete owner list was ever read for it. */
  owners: number | 'unknown';
  secrets: number;
  certificates: number;
  /** 'unknown' when its federated credentials were never read completely. */
  federated: number | 'unknown';
  nextExpiry: string;
}

export function toRow(identity: Identity, now: number): IdentityRow {
  const count = (type: string) => identity.credentials.filter((c) => c.type === type).length;
  const upcoming = identity.credentials
    .map((c) => (c.endDateTime ? Date.parse(c.endDateTime) : Number.NaN))
    .filter((end) => Number.isFinite(end))
    .sort((a, b) => a - b);
  const next = upcoming.find((end) => end > now);
  const expired = upcoming.some((end) => end <= now);
  return {
    type: identityType(identity),
    displayName: identity.displayName,
    appId: identity.appId,
    objectId: identity.objectId,
    publisher: identity.publisher,
    owners: isUnknown(identity, 'owners') ? 'unknown' : identity.owners.length,
    secrets: count('secret'),
    certificates: count('certificate'),
    federated: isUnknown(identity, 'federated') ? 'unknown' : count('federated'),
    nextExpiry: `${next ? new Date(next).toISOString().slice(0, 10) : '-'}${expired ? ' (+expired)' : ''}`,
  };
}

export const ROW_COLUMNS: Array<{ key: keyof IdentityRow; title: string }> = [
  { key: 'type', title: 'TYPE' },
  { key: 'displayName', title: 'NAME' },
  { key: 'appId', title: 'APP ID' },
  { key: 'objectId', title: 'OBJECT ID' },
  { key: 'publisher', title: 'PUBLISHER' },
  { key: 'owners', title: 'OWNERS' },
  { key: 'secrets', title: 'SECRETS' },
  { key: 'certificates', title: 'CERTS' },
  { key: 'federated', title: 'FEDERATED' },
  { key: 'nextExpiry', title: 'NEXT EXPIRY' },
];
