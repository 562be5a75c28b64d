// What risk scoring takes in (reach, last use) and gives back (a score with the factors that make it).
import type { Credential, Identity, Owner } from '../inventory.ts';
import type { Tier } from '../tiers/tier-table.ts';

/**
 * When a credential was last used. Three states that must never be confused: a date; "not seen" since Lanyard
 * began watching (it would have seen a use after that day); and unknown (no sign-in data: licence missing,
 * report unreadable), which says nothing about use.
 */
export type LastUse =
  | { state: 'used'; at: string }
  | { state: 'not-seen'; monitoredSince: string }
  | { state: 'unknown'; reason: string };

export type ReachKind = 'app-permission' | 'delegated-grant' | 'directory-role' | 'azure-role';

/** One permission or role the identity holds, directly or through others, with the tier it was classified at. */
export interface Reach {
  kind: ReachKind;
  /** Permission value or role name as users know it: "RoleManagement.ReadWrite.Directory", "Owner". */
  name: string;
  tier: Tier | 'unknown';
  /** Why the tier (TierResult.reason), shown after the name. */
  reason?: string;
  /**
   * Where it applies. Directory roles: '/' (tenant-wide, the default) or an administrative unit or object.
   * Azure roles: the ARM scope ('/', a management group, subscription, resource group or resource).
   * Delegated grants: 'AllPrincipals' (every user, admin-consented) or the one user's name.
   */
  scope?: string;
  /** The API of an app permission or delegated grant, when it is not Microsoft Graph ("Office 365 Exchange Online"). */
  resource?: string;
  /** How the identity reaches it, hop by hop in plain words; empty when it holds it itself. */
  path: readonly string[];
}

/** What the identity can reach. `unknown` lists what could not be read; then an empty list is not "nothing". */
export interface ReachInput {
  entries: readonly Reach[];
  unknown?: readonly string[];
}

/**
 * A factor is one reason in a score. Impact factors say what an attacker would get, likelihood factors how
 * easily. See score.ts for how they combine; a factor's text must make sense on its own.
 */
export interface RiskFactor {
  /** The rule that produced it (snake_case, stable: filters and tuning refer to it). */
  id: string;
  dimension: 'impact' | 'likelihood';
  points: number;
  /** Plain English. Embeds tenant-controlled names (owners, credentials): show it through inert-text.ts. */
  text: string;
  /** The credential it is about, when it is about one. */
  keyId?: string;
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';

export interface RiskScore {
  score: number;
  level: RiskLevel;
  /** The largest impact factor's points (0–100). */
  impact: number;
  /** The sum of likelihood factors' points, capped at 100. */
  likelihood: number;
  factors: RiskFactor[];
}

export interface IdentityRiskScore extends RiskScore {
  /** Every credential's own score, riskiest first. */
  credentials: (RiskScore & { keyId: string })[];
}

export interface IdentityRiskInput {
  identity: Identity;
  /** Defaults to identity.credentials; pass an application's and its service principal's together to score them as one. */
  credentials?: readonly Credential[];
  /** Defaults to identity.owners. */
  owners?: readonly Owner[];
  reach: ReachInput;
  lastUse: (credential: Credential) => LastUse;
  /** SAML single sign-on apps keep signing certificates on their service principal by design. */
  samlSignOn?: boolean;
  now: Date;
}

export interface CredentialRiskInput extends Omit<IdentityRiskInput, 'credentials' | 'owners'> {
  credential: Credential;
}
