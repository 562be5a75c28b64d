// The changes `lanyard changes` reports (src/core/changes.ts makes them): each names its identity and carries a
// severity hint and a one-line summary, and by type the credential, owner, grant, field or risk levels at stake.
import type { GrantKind } from './access.ts';
import type { Credential, Identity, IdentityKind, Owner, Publisher } from './inventory.ts';
import type { RiskConfig } from './risk/config.ts';
import type { RiskLevel } from './risk/types.ts';
import type { Tier, TierOverrides } from './tiers/tier-table.ts';

export type ChangeSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type ChangedField = 'publisher' | 'signInAudience' | 'displayName' | 'accountEnabled';

export interface ChangeSubject {
  objectId: string;
  appId: string;
  displayName: string;
  kind: IdentityKind;
  publisher: Publisher;
}

/** A credential by its key and name; Lanyard holds no secret value, and a change shows not even the hint. */
export interface CredentialRef {
  keyId: string;
  type: Credential['type'];
  location: Credential['location'];
  name: string | null;
  endDateTime: string | null;
  /** Federated credentials: who may sign in with it. */
  issuer?: string;
  subject?: string | null;
}

export interface OwnerRef {
  objectId: string;
  kind: Owner['kind'];
  displayName: string | null;
  userPrincipalName: string | null;
}

export interface GrantRef {
  kind: GrantKind;
  /** The permission or role as users know it ("default access" for a resource's default app role). */
  permission: string;
  /** The API it is on, when not Microsoft Graph. */
  resource: string | null;
  scope: string | null;
  eligible: boolean;
  tier: Tier | 'unknown';
}

export interface RiskRef {
  level: RiskLevel;
  score: number;
}

export type Change = { identity: ChangeSubject; severity: ChangeSeverity; summary: string } & (
  | { type: 'identity.added' | 'identity.removed' }
  | {
      type: 'identity.changed';
      field: ChangedField;
      before: string | boolean | null;
      after: string | boolean | null;
    }
  | { type: 'credential.added' | 'credential.removed'; credential: CredentialRef }
  | { type: 'credential.expiring'; credential: CredentialRef; daysLeft: number }
  | { type: 'owner.added' | 'owner.removed'; owner: OwnerRef }
  | { type: 'permission.granted' | 'permission.revoked'; grant: GrantRef }
  | { type: 'risk.changed'; direction: 'up' | 'down'; before: RiskRef; after: RiskRef }
);
export type ChangeType = Change['type'];

/** What diffIdentity needs beside the two versions. */
export interface DiffContext {
  /** When the scan before this one finished (epoch ms); null when there was none. */
  beforeAt: number | null;
  /** When this scan finished (epoch ms): expiry and both risk scores are judged at this time. */
  afterAt: number;
  /** The other object of the workload (same appId, other kind) as each scan saw it: scores are per workload. */
  partner?: { before: Identity | null; after: Identity | null };
  config?: RiskConfig;
  tiers?: TierOverrides;
}
