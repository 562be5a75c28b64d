// What callers may read. By default every caller holds Reader at the tenant root group, so everything is
// readable. Denying subscriptions models a reader granted Reader subscription by subscription and missing it on
// some: denied subscriptions are left out of `GET /subscriptions` and every scope inside them is 403
// AuthorizationFailed; with no Reader above the subscriptions, management groups list empty and their scopes
// are 403 too (UNCONFIRMED: what ARM lists for a caller without any management-group role).
import type { ArmState } from './model.ts';

export interface ArmAccess {
  /** Lower-cased ids of the subscriptions no caller may read. */
  readonly denied: ReadonlySet<string>;
  deny(subscriptionIds: readonly string[]): void;
  allow(subscriptionIds: readonly string[]): void;
  canReadSubscription(subscriptionId: string): boolean;
  canReadManagementGroups(): boolean;
}

/**
 * `denied`: ids, or a count N meaning the last N subscriptions (in listing order) of every tenant, so a test can
 * ask for "two unreadable subscriptions" without knowing their ids.
 */
export function createArmAccess(
  states: readonly ArmState[],
  denied: number | readonly string[] = 0,
): ArmAccess {
  const set = new Set<string>();
  const ids =
    typeof denied === 'number'
      ? states.flatMap((s) =>
          s.subscriptions.slice(Math.max(0, s.subscriptions.length - denied)).map((x) => x.subscriptionId),
        )
      : denied;
  for (const id of ids) set.add(id.toLowerCase());
  return {
    denied: set,
    deny: (list) => {
      for (const id of list) set.add(id.toLowerCase());
    },
    allow: (list) => {
      for (const id of list) set.delete(id.toLowerCase());
    },
    canReadSubscription: (id) => !set.has(id.toLowerCase()),
    canReadManagementGroups: () => set.size === 0,
  };
}
