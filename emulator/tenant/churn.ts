// A day's worth of change in a tenant, drawn from a seed: a share of the own applications each get one change
// (a secret or certificate added or removed, an owner changed on the app or its service principal, a federated
// credential added, a rename, a deletion), plus as many new applications, all through mutate.ts so delta
// and the audit log report them. For the incremental-scan tests and the delta benchmark.

import type { OwnerLink, TenantState } from './model.ts';
import {
  addApplication,
  addFederatedCredential,
  addKey,
  addOwner,
  addPassword,
  removeCredential,
  removeObject,
  removeOwner,
  updateObject,
} from './mutate.ts';
import { createRandom, deriveSeed } from './random.ts';

export type ChurnKind =
  | 'secret-added'
  | 'certificate-added'
  | 'credential-removed'
  | 'owner-changed'
  | 'service-principal-owner-changed'
  | 'federated-added'
  | 'renamed'
  | 'removed'
  | 'created';

export interface ChurnSummary {
  /** Objects touched, by kind of change (object ids of the application, or of the service principal). */
  changes: Record<ChurnKind, string[]>;
  /** Applications touched (the created ones included). */
  applications: number;
}

/** Weights of each change drawn for a chosen application (a new application is drawn on its own). */
const KINDS: ReadonlyArray<[Exclude<ChurnKind, 'created'>, number]> = [
  ['secret-added', 30],
  ['certificate-added', 10],
  ['credential-removed', 10],
  ['owner-changed', 12],
  ['service-principal-owner-changed', 6],
  ['federated-added', 12],
  ['renamed', 5],
  ['removed', 10],
];
/** One new application per this many changed ones. */
const CREATED_EVERY = 20;

/**
 * Changes `share` of the tenant's own applications (at least one), each once. Applications that sign in to the
 * emulator (a registered client secret or certificate: the scanner) are never touched.
 */
export function applyChurn(
  tenant: TenantState,
  options: { share: number; seed?: number; now?: number },
): ChurnSummary {
  if (!(options.share > 0 && options.share <= 1)) throw new RangeError('share must be in (0, 1]');
  const now = options.now ?? Date.now();
  const rng = createRandom(deriveSeed(options.seed ?? 1, 'churn'));
  const signsIn = new Set([...tenant.secrets, ...tenant.certificates].map((m) => m.appId));
  const candidates = [...tenant.applications.values()].filter((a) => !signsIn.has(String(a.object.appId)));
  const count = candidates.length === 0 ? 0 : Math.max(1, Math.round(candidates.length * options.share));
  const users = [...tenant.users.keys()];
  const changes = Object.fromEntries(
    [...KINDS.map(([k]) => k), 'created'].map((k) => [k, [] as string[]]),
  ) as unknown as ChurnSummary['changes'];
  const weights = KINDS.map(([, w]) => w);
  const spOf = (appId: string) =>
    [...tenant.servicePrincipals.values()].find(
      (sp) => sp.object.appId === appId && sp.object.appOwnerOrganizationId === tenant.id,
    );
  const otherUser = (owners: OwnerLink[]): OwnerLink => {
    if (users.length <= owners.length) throw new RangeError('the tenant has no other user to make an owner');
    for (;;) {
      const id = rng.pick(users);
      if (!owners.some((o) => o.id === id)) return { id, kind: 'user' };
    }
  };
  const changeOwner = (objectId: string, owners: OwnerLink[]) => {
    const first = owners[0];
    addOwner(tenant, objectId, otherUser(owners), now);
    if (first) removeOwner(tenant, objectId, first.id, now);
  };

  for (const index of rng.sample(candidates.length, count)) {
    const app = candidates[index]!;
    const id = String(app.object.id);
    if (!tenant.applications.has(id)) continue; // removed with an earlier pick's service principal
    let kind = KINDS[rng.weighted(weights)]![0];
    const credentials = [...(app.object.passwordCredentials ?? []), ...(app.object.keyCredentials ?? [])];
    const sp = spOf(String(app.object.appId));
    if (kind === 'credential-removed' && credentials.length === 0) kind = 'secret-added';
    if (kind === 'federated-added' && app.federatedIdentityCredentials.length >= 20) kind = 'secret-added';
    if (kind === 'service-principal-owner-changed' && !sp) kind = 'owner-changed';
    switch (kind) {
      case 'secret-added':
        addPassword(tenant, id, { keyId: rng.uuid(), displayName: 'rotated' }, now);
        break;
      case 'certificate-added':
        addKey(tenant, id, { keyId: rng.uuid() }, now);
        break;
      case 'credential-removed':
        removeCredential(tenant, id, String(rng.pick(credentials).keyId), now);
        break;
      case 'owner-changed':
        changeOwner(id, app.owners);
        break;
      case 'service-principal-owner-changed':
        changeOwner(String(sp!.object.id), sp!.owners);
        changes[kind].push(String(sp!.object.id));
        continue;
      case 'federated-added': {
        const n = app.federatedIdentityCredentials.length;
        addFederatedCredential(
          tenant,
          id,
          {
            id: rng.uuid(),
            name: `churn-${n}-${rng.int(0, 1e6)}`,
            issuer: 'https://token.actions.githubusercontent.com',
            subject: `repo:contoso/churn-${rng.int(0, 1e9)}:environment:prod`,
          },
          now,
        );
        break;
      }
      case 'renamed':
        updateObject(tenant, id, { displayName: `${app.object.displayName ?? 'app'} (renamed)` }, now);
        break;
      case 'removed':
        removeObject(tenant, id, {}, now);
        break;
    }
    changes[kind].push(id);
  }
  const created = Math.max(1, Math.round(count / CREATED_EVERY));
  for (let i = 0; i < created; i++) {
    const made = addApplication(
      tenant,
      {
        displayName: `churn app ${rng.int(0, 1e9)}`,
        objectId: rng.uuid(),
        appId: rng.uuid(),
        servicePrincipalId: rng.uuid(),
        owners: users.length > 0 ? [otherUser([])] : [],
      },
      now,
    );
    changes.created.push(made.objectId);
  }
  return { changes, applications: count + created };
}
