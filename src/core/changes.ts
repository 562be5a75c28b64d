// What changed in one identity from one scan to the next, field by field (`lanyard changes`). Pure: the two
// versions, the two scans' times and the workload's partner come in; a list of changes, each with its identity
// and a severity hint, goes out. What a scan could not read (owners, federated credentials, access marked
// unknown, access never read) is never compared, so going unread never reads as "removed" or "revoked".
import { type Grant, type GrantKind, grantIdentity } from './access.ts';
import { riskChange } from './change-risk.ts';
import type {
  Change,
  ChangedField,
  ChangeSeverity,
  ChangeSubject,
  CredentialRef,
  DiffContext,
  GrantRef,
  OwnerRef,
} from './change-types.ts';
import type { Credential, Identity, Owner, Publisher } from './inventory.ts';
import { isUnknown } from './inventory-query.ts';
import { reachOfGrant } from './risk/workload.ts';
import type { Tier, TierOverrides } from './tiers/tier-table.ts';

export type * from './change-types.ts';

export const EXPIRING_WITHIN_DAYS = 30;
/** As the credential_expiring check: within a week is urgent. */
const URGENT_DAYS = 7;
const DAY_MS = 86_400_000;

const subjectOf = (identity: Identity): ChangeSubject => ({
  objectId: identity.objectId,
  appId: identity.appId,
  displayName: identity.displayName,
  kind: identity.kind,
  publisher: identity.publisher,
});

const credentialKey = (c: Credential) => JSON.stringify([c.keyId.toLowerCase(), c.location, c.type]);

function credentialRef(c: Credential): CredentialRef {
  return {
    keyId: c.keyId,
    type: c.type,
    location: c.location,
    name: c.displayName ?? c.name ?? null,
    endDateTime: c.endDateTime,
    ...(c.type === 'federated' ? { issuer: c.issuer ?? '', subject: c.subject ?? null } : {}),
  };
}

function describeCredential(c: Credential): string {
  const kind = c.type === 'federated' ? 'federated credential' : c.type;
  const name = c.displayName ?? c.name;
  const on = c.location === 'servicePrincipal' ? ' on the service principal' : '';
  const trusts = c.type === 'federated' ? ` trusting ${c.issuer ?? '?'} for ${c.subject ?? '?'}` : '';
  return `${kind} ${name ? `"${name}" ` : ''}(${c.keyId})${on}${trusts}`;
}

const daysUntil = (end: number, at: number) => Math.floor((end - at) / DAY_MS);

function credentialChanges(before: Identity, after: Identity, context: DiffContext): Change[] {
  // Federated credentials never read completely are unknown, not absent: compare them only when both sides know.
  const comparable = (c: Credential) =>
    c.type !== 'federated' || (!isUnknown(before, 'federated') && !isUnknown(after, 'federated'));
  const was = new Map(before.credentials.filter(comparable).map((c) => [credentialKey(c), c]));
  const is = new Map(after.credentials.filter(comparable).map((c) => [credentialKey(c), c]));
  const subject = subjectOf(after);
  const changes: Change[] = [];
  for (const [key, c] of is) {
    const end = c.endDateTime ? Date.parse(c.endDateTime) : Number.NaN;
    const within = end > context.afterAt && end <= context.afterAt + EXPIRING_WITHIN_DAYS * DAY_MS;
    if (!was.has(key)) {
      const soon = within ? `, expiring in ${daysUntil(end, context.afterAt)} days` : '';
      changes.push({
        type: 'credential.added',
        identity: subject,
        credential: credentialRef(c),
        severity: credentialAddedSeverity(after, c),
        summary: `${describeCredential(c)} added${soon}`,
      });
      continue;
    }
    // Judged on the credential as the previous scan saw it, at that scan's time (expired then counts too).
    const previous = was.get(key)!.endDateTime;
    const wasWithin =
      context.beforeAt === null ||
      (previous !== null && Date.parse(previous) <= context.beforeAt + EXPIRING_WITHIN_DAYS * DAY_MS);
    if (within && !wasWithin) {
      const daysLeft = daysUntil(end, context.afterAt);
      changes.push({
        type: 'credential.expiring',
        identity: subject,
        credential: credentialRef(c),
        daysLeft,
        severity: daysLeft <= URGENT_DAYS ? 'high' : 'medium',
        summary: `${describeCredential(c)} expires in ${daysLeft} days, on ${c.endDateTime!.slice(0, 10)}`,
      });
    }
  }
  for (const [key, c] of was) {
    if (is.has(key)) continue;
    changes.push({
      type: 'credential.removed',
      identity: subject,
      credential: credentialRef(c),
      severity: 'info',
      summary: `${describeCredential(c)} removed`,
    });
  }
  return changes;
}

/**
 * A credential on a service principal is out of the App registrations blade's sight, and one on a Microsoft
 * service principal has no known good reason: both are how intruders persist. A secret is a bearer string.
 */
function credentialAddedSeverity(identity: Identity, c: Credential): ChangeSeverity {
  if (identity.publisher === 'microsoft' || c.location === 'servicePrincipal') return 'high';
  return c.type === 'secret' ? 'medium' : 'low';
}

/**
 * Owners by object id: an owner whose directory roles, mail or name changed is the same owner, and the change is
 * the user's, not the identity's (his roles tell through the findings of tier0_app_owner_not_tier0, once).
 */
function ownerChanges(before: Identity, after: Identity): Change[] {
  if (isUnknown(before, 'owners') || isUnknown(after, 'owners')) return [];
  const was = new Map(before.owners.map((o) => [o.objectId, o]));
  const is = new Map(after.owners.map((o) => [o.objectId, o]));
  const subject = subjectOf(after);
  const ref = (o: Owner): OwnerRef => ({
    objectId: o.objectId,
    kind: o.kind,
    displayName: o.displayName,
    userPrincipalName: o.userPrincipalName,
  });
  const name = (o: Owner) => {
    const upn =
      o.userPrincipalName && o.userPrincipalName !== o.displayName ? ` (${o.userPrincipalName})` : '';
    return o.displayName || o.userPrincipalName
      ? `${o.displayName ?? o.userPrincipalName}${o.displayName ? upn : ''}`
      : `${o.objectId} (details not readable)`;
  };
  const changes: Change[] = [];
  for (const [id, o] of is) {
    if (was.has(id)) continue;
    changes.push({
      type: 'owner.added',
      identity: subject,
      owner: ref(o),
      severity: 'low',
      summary: `owner added: ${name(o)}`,
    });
  }
  for (const [id, o] of was) {
    if (is.has(id)) continue;
    // The last owner gone: nobody is answerable for the identity any more.
    const last = is.size === 0;
    changes.push({
      type: 'owner.removed',
      identity: subject,
      owner: ref(o),
      severity: last ? 'medium' : 'low',
      summary: `owner removed: ${name(o)}${last ? '; it has no owner now' : ''}`,
    });
  }
  return changes;
}

const readAccess = (identity: Identity): Grant[] | null =>
  identity.access && !isUnknown(identity, 'access') ? identity.access : null;

const GRANT_LABEL: Record<GrantKind, string> = {
  'app-role': 'app permission',
  delegated: 'delegated permission',
  'directory-role': 'directory role',
  'azure-role': 'Azure role',
};

const GRANTED_SEVERITY: Record<Tier | 'unknown', ChangeSeverity> = {
  0: 'high',
  1: 'medium',
  2: 'low',
  unknown: 'medium',
};

function grantChanges(before: Identity, after: Identity, tiers: TierOverrides | undefined): Change[] {
  const was = readAccess(before);
  const is = readAccess(after);
  if (!was || !is) return [];
  const before_ = new Map(was.map((g) => [grantIdentity(g), g]));
  const after_ = new Map(is.map((g) => [grantIdentity(g), g]));
  const subject = subjectOf(after);
  const describe = (g: Grant): { ref: GrantRef; text: string } => {
    const reach = reachOfGrant(g, tiers);
    const ref: GrantRef = {
      kind: g.kind,
      permission: reach.name,
      resource: reach.resource ?? null,
      scope: reach.scope ?? null,
      eligible: g.eligible === true,
      tier: reach.tier,
    };
    const tier = reach.tier === 'unknown' ? 'unclassified' : `tier ${reach.tier}`;
    const on = reach.resource ? ` on ${reach.resource}` : '';
    const at = reach.scope && reach.scope !== '/' ? ` at ${reach.scope}` : '';
    const eligible = g.eligible ? ', eligible (PIM)' : '';
    return { ref, text: `${tier} ${reach.name} (${GRANT_LABEL[g.kind]}${on}${eligible})${at}` };
  };
  const changes: Change[] = [];
  for (const [key, g] of after_) {
    if (before_.has(key)) continue;
    const { ref, text } = describe(g);
    changes.push({
      type: 'permission.granted',
      identity: subject,
      grant: ref,
      severity: GRANTED_SEVERITY[ref.tier],
      summary: `granted ${text}`,
    });
  }
  for (const [key, g] of before_) {
    if (after_.has(key)) continue;
    const { ref, text } = describe(g);
    changes.push({
      type: 'permission.revoked',
      identity: subject,
      grant: ref,
      severity: 'info',
      summary: `revoked ${text}`,
    });
  }
  return changes;
}

const MY_ORG = 'AzureADMyOrg';

function fieldChanges(before: Identity, after: Identity): Change[] {
  const subject = subjectOf(after);
  const changes: Change[] = [];
  const field = (name: ChangedField, severity: ChangeSeverity, label: string) => {
    const was = before[name];
    const is = after[name];
    if (was === is) return;
    const show = (v: unknown) => (v === null || v === undefined ? 'unknown' : JSON.stringify(v));
    changes.push({
      type: 'identity.changed',
      identity: subject,
      field: name,
      before: was ?? null,
      after: is ?? null,
      severity,
      summary: `${label}: ${show(was)} → ${show(is)}`,
    });
  };
  // Someone else's tenant now owns it (or it ours): who controls its code and credentials changed.
  field('publisher', 'medium', 'publisher');
  // Opened to other tenants: anyone's tenant may now consent to it.
  const opened = (before.signInAudience ?? MY_ORG) === MY_ORG && (after.signInAudience ?? MY_ORG) !== MY_ORG;
  field('signInAudience', opened ? 'medium' : 'low', 'sign-in audience');
  field('displayName', 'info', 'display name');
  // A dormant identity enabled again signs in again.
  field('accountEnabled', after.accountEnabled === true ? 'medium' : 'low', 'enabled');
  return changes;
}

/** A new third-party or unknown publisher's identity is consent given to someone else's code. */
const ADDED_SEVERITY: Record<Publisher, ChangeSeverity> = {
  own: 'low',
  microsoft: 'info',
  'third-party': 'medium',
  unknown: 'medium',
};

/**
 * The changes from `before` to `after` (null: the identity was not there). Both null, or equal versions
 * outside an expiry window, give none. Risk changes are those of the workload, so an application and its
 * service principal changed by one scan report the same one: callers keep one per appId.
 */
export function diffIdentity(
  before: Identity | null,
  after: Identity | null,
  context: DiffContext,
): Change[] {
  if (!before && !after) return [];
  if (!before) {
    const subject = subjectOf(after!);
    return [
      {
        type: 'identity.added',
        identity: subject,
        severity: ADDED_SEVERITY[subject.publisher],
        summary: `${subject.kind === 'application' ? 'application' : 'service principal'} added`,
      },
    ];
  }
  if (!after) {
    const subject = subjectOf(before);
    return [
      {
        type: 'identity.removed',
        identity: subject,
        severity: 'low',
        summary: `${subject.kind === 'application' ? 'application' : 'service principal'} removed`,
      },
    ];
  }
  const risk = before === after ? null : riskChange(before, after, context, subjectOf(after));
  return [
    ...fieldChanges(before, after),
    ...credentialChanges(before, after, context),
    ...ownerChanges(before, after),
    ...grantChanges(before, after, context.tiers),
    ...(risk ? [risk] : []),
  ];
}
