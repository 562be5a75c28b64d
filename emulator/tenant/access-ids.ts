// Ids of grants, assignments and sign-ins in the shapes Graph's own examples show, derived from what they
// link so the routes and the ground truth compute the same id without storing it.
import { createHash } from 'node:crypto';

/** A GUID's 16 bytes in .NET order (Guid.ToByteArray): the first three groups little-endian. */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`not a GUID: ${guid}`);
  const raw = Buffer.from(hex, 'hex');
  const out = Buffer.from(raw);
  out[0] = raw[3]!;
  out[1] = raw[2]!;
  out[2] = raw[1]!;
  out[3] = raw[0]!;
  out[4] = raw[5]!;
  out[5] = raw[4]!;
  out[6] = raw[7]!;
  out[7] = raw[6]!;
  return out;
}

/**
 * unifiedRoleAssignment id: base64url of the role definition's and the principal's GUID bytes, then "-1"
 * (DC rbacapplication-list-roleassignments.md: "lAPpYvVpN0KRkAEhdxReE…-1" for Global Administrator). The
 * examples are all tenant-wide; scoped assignments use the same form here (UNCONFIRMED).
 */
export function roleAssignmentId(roleDefinitionId: string, principalId: string): string {
  return `${Buffer.concat([guidBytes(roleDefinitionId), guidBytes(principalId)]).toString('base64url')}-1`;
}

/**
 * unifiedRoleEligibilityScheduleInstance id: the assignment's bytes with "-1-e" (DC
 * rbacapplication-list-roleeligibilityscheduleinstances.md, "8MYkhImhnkm70CbBdTyW1BbHHAdHgZdDpbqyEFlRzAs-1-e", and
 * mondoohq/mql PR 5712 "LJnv8vs6…-1-e", both decode to role ‖ principal). Scoped ones alike (UNCONFIRMED).
 */
export function roleEligibilityId(roleDefinitionId: string, principalId: string): string {
  return `${Buffer.concat([guidBytes(roleDefinitionId), guidBytes(principalId)]).toString('base64url')}-1-e`;
}

/**
 * oAuth2PermissionGrant id: base64url of the client's and the resource's GUID bytes (DC
 * oauth2permissiongrant-list.md). A per-user grant appends the user's bytes so it stays unique (UNCONFIRMED).
 */
export function permissionGrantId(clientId: string, resourceId: string, principalId: string | null): string {
  const parts = [guidBytes(clientId), guidBytes(resourceId)];
  if (principalId) parts.push(guidBytes(principalId));
  return Buffer.concat(parts).toString('base64url');
}

/**
 * appRoleAssignment id: 43 base64url characters whose first 16 bytes are the principal's id (DC approleassignment
 * examples); the other 16 bytes are opaque in Graph, a hash of the assignment here.
 */
export function appRoleAssignmentId(principalId: string, resourceId: string, appRoleId: string): string {
  const tail = createHash('sha256')
    .update(`${principalId}|${resourceId}|${appRoleId}`)
    .digest()
    .subarray(0, 16);
  return Buffer.concat([guidBytes(principalId), tail]).toString('base64url');
}

/** A GUID-shaped id from a hash, for generated sign-ins (their request ids). */
export function hashGuid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** servicePrincipalSignInActivity id: base64 of the appId (facts §6.1, DC example). */
export function servicePrincipalActivityId(appId: string): string {
  return Buffer.from(appId, 'utf8').toString('base64');
}

/** appCredentialSignInActivity id: base64 of "keyId|origin" (DC reportroot-list-appcredentialsigninactivities.md). */
export function credentialActivityId(keyId: string, origin: 'application' | 'servicePrincipal'): string {
  return Buffer.from(`${keyId}|${origin}`, 'utf8').toString('base64');
}
