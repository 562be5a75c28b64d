// What a check is: one rule over one identity of the inventory, with the metadata people read (why it matters,
// how to fix it) beside its logic. Checks are pure: they get the identity, what it reaches, its last use and the
// time, and call nothing. A check over data that could not be collected answers `unknown`, never "pass".
import type { Credential, Identity, Owner } from '../inventory.ts';
import type { WorkloadProtection } from '../protection.ts';
import type { LastUse, Reach, ReachInput } from '../risk/types.ts';
import type { Workload } from '../risk/workload.ts';
import type { TierOverrides } from '../tiers/tier-table.ts';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** One identity as the checks see it: the inventory row with its partner, reach and last use. */
export interface CheckSubject {
  /** The object the findings are about: an application or a service principal (managed identities included). */
  identity: Identity;
  /** The identity with its partner of the other kind (same appId), when the tenant holds both. */
  workload: Workload;
  /** What the workload reaches (its service principal's grants, tiered), and what could not be read. */
  reach: ReachInput;
  /** Last use of one of the workload's credentials, in three states (unknown is never "unused"). */
  lastUseOf(credential: Credential): LastUse;
  /** The workload's latest sign-in through any credential. */
  identityLastUse: LastUse;
  /** The tenant this identity lives in, to tell its own applications from others'. */
  tenantId: string;
  /**
   * The user's tier overrides (risk.json), for checks that tier more than `reach` does (owners' directory roles),
   * so they agree with it. Absent: Lanyard's tiers.
   */
  tiers?: TierOverrides;
  /**
   * The tenant's Conditional Access policies and Entra ID Protection's risk, as last read completely (null where
   * never read: unknown). Tenant-wide: the same object for every identity of the integration.
   */
  protection: WorkloadProtection;
}

export interface CheckContext<P> {
  now: Date;
  params: P;
}

/** One thing wrong with the identity: with the identity as a whole, or with one of its credentials. */
export interface FindingDraft {
  /**
   * The credential it is about (keyId), absent when it is about the identity. A finding about one owner of the
   * identity carries `ownerFindingKey(owner)` here instead, so each owner is a finding of its own.
   */
  keyId?: string;
  /** Plain English, one line; may embed tenant-controlled names (shown through inert-text.ts). */
  message: string;
  /** Overrides the check's severity for this finding (e.g. 7 days left is more urgent than 30). */
  severity?: Severity;
}

export type CheckOutcome =
  /** The rule does not concern this identity (a certificate check on an identity without certificates). */
  | { status: 'not-applicable' }
  | { status: 'pass' }
  | { status: 'fail'; findings: FindingDraft[] }
  /** The data the rule needs was not collected: never to be read as a pass. */
  | { status: 'unknown'; reason: string };

export interface CheckDefinition<
  P extends Record<string, number | string | boolean> = Record<string, never>,
> {
  /** snake_case, stable: findings, suppressions, control mappings and `--check` refer to it. */
  id: string;
  title: string;
  severity: Severity;
  /** Why it matters, for the person who has to act. */
  rationale: string;
  /** What to do about it. */
  remediation: string;
  /** Tunable thresholds with their defaults. */
  params: P;
  evaluate(subject: CheckSubject, context: CheckContext<P>): CheckOutcome;
}

/** A check of any params, as the catalogue holds them. */
// biome-ignore lint/suspicious/noExplicitAny: the catalogue holds checks of differing param shapes
export type AnyCheck = CheckDefinition<any>;

export function defineCheck<P extends Record<string, number | string | boolean>>(
  definition: CheckDefinition<P>,
): CheckDefinition<P> {
  return definition;
}

export const pass: CheckOutcome = { status: 'pass' };
export const notApplicable: CheckOutcome = { status: 'not-applicable' };
export const unknown = (reason: string): CheckOutcome => ({ status: 'unknown', reason });
/** Fail when there are findings, pass when there are none. */
export const failWith = (findings: FindingDraft[]): CheckOutcome =>
  findings.length ? { status: 'fail', findings } : pass;

const DAY_MS = 86_400_000;
/** Whole days from `now` until `iso` (negative when past); null when there is no date or it is unreadable. */
export function daysUntil(iso: string | null | undefined, now: Date): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : Math.floor((at - now.getTime()) / DAY_MS);
}

/** The secrets and certificates of the identity itself (federated credentials have no expiry of their own). */
export const keyCredentials = (identity: Identity): Credential[] =>
  identity.credentials.filter((credential) => credential.type !== 'federated');

/** How a credential is named in a message: its display name when it has one, else its key id. */
export function credentialLabel(credential: Credential): string {
  const kind =
    credential.type === 'secret'
      ? 'secret'
      : credential.type === 'certificate'
        ? 'certificate'
        : 'federated credential';
  const name = credential.displayName ?? credential.name;
  return name ? `${kind} "${name}" (${credential.keyId})` : `${kind} ${credential.keyId}`;
}

/**
 * The row that carries a workload's identity-level finding: the application when the tenant holds it, else the
 * service principal, so an application and its service principal get one finding between them.
 */
export function carriesWorkloadFinding(identity: Identity, workload: Workload): boolean {
  return identity.kind === 'application' || !workload.application;
}

/** The application and the service principal of the workload, those the tenant holds. */
export const partsOf = (workload: Workload): Identity[] =>
  [workload.application, workload.servicePrincipal].filter((part): part is Identity => Boolean(part));

const OWNER_KEY = 'owner:';
/** The key of a finding about one owner of the identity (FindingDraft.keyId); credential key ids are GUIDs. */
export const ownerFindingKey = (owner: Pick<Owner, 'objectId'>): string => `${OWNER_KEY}${owner.objectId}`;
/** Whether a finding's key names an owner rather than a credential. */
export const isOwnerFindingKey = (key: string | null | undefined): boolean => !!key?.startsWith(OWNER_KEY);

/** Owners of the application and of its service principal, each once: an owner of either can act on both. */
export function workloadOwners(workload: Workload): Owner[] {
  const byId = new Map<string, Owner>();
  for (const part of partsOf(workload))
    for (const owner of part.owners) if (!byId.has(owner.objectId)) byId.set(owner.objectId, owner);
  return [...byId.values()];
}

/** What a workload reaches, in a finding's words: the permission or role, its resource, a scope narrower than all. */
export function describeReach(entry: Reach): string {
  const scope = entry.scope && entry.scope !== '/' ? ` at ${entry.scope}` : '';
  const resource = entry.resource ? ` (${entry.resource})` : '';
  return `${entry.name}${resource}${scope}`;
}

/** The first few names of a list, and how many more: findings stay one line. */
export function firstFew(names: readonly string[], max = 3): string {
  const more = names.length > max ? ` and ${names.length - max} more` : '';
  return `${names.slice(0, max).join(', ')}${more}`;
}
