// Builds check subjects for the checks' tests (test support only: nothing imports it outside *.test.ts files).
import type { Credential, Identity } from '../inventory.ts';
import { NO_PROTECTION_READ, type WorkloadProtection } from '../protection.ts';
import { identity as identityOf } from '../risk/test-fixtures.ts';
import type { LastUse, ReachInput } from '../risk/types.ts';
import { workloadOf } from '../risk/workload.ts';
import type { CheckContext, CheckSubject } from './check.ts';

export { credential, identity, NO_REACH, NOW, owner, TIER0 } from '../risk/test-fixtures.ts';

export const TENANT_ID = '0785ef7c-1111-4222-8333-944455556666';
const WATCHED: LastUse = { state: 'not-seen', monitoredSince: '2026-01-01T00:00:00Z' };

export interface SubjectOptions {
  partner?: Identity;
  reach?: ReachInput;
  /** Per credential keyId; others get `defaultLastUse`. */
  lastUse?: Record<string, LastUse>;
  defaultLastUse?: LastUse;
  identityLastUse?: LastUse;
  /** Conditional Access and ID Protection readings; default: never read. */
  protection?: WorkloadProtection;
}

export function subject(of: Partial<Identity> | Identity = {}, options: SubjectOptions = {}): CheckSubject {
  const identity =
    'objectId' in of && 'kind' in of && 'credentials' in of ? (of as Identity) : identityOf(of);
  return {
    identity,
    workload: workloadOf(identity, options.partner),
    reach: options.reach ?? { entries: [] },
    lastUseOf: (credential: Credential) =>
      options.lastUse?.[credential.keyId] ?? options.defaultLastUse ?? WATCHED,
    identityLastUse: options.identityLastUse ?? options.defaultLastUse ?? WATCHED,
    tenantId: TENANT_ID,
    protection: options.protection ?? NO_PROTECTION_READ,
  };
}

export function context<P>(params: P, now: Date = new Date('2026-11-01T00:00:00Z')): CheckContext<P> {
  return { now, params };
}
