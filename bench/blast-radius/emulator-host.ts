// Serves one generated tenant with N subscriptions for the blast-radius benchmark in its own process, so the
// emulator's CPU is not the scanner's. Prints one JSON line (BlastRadiusHostReady): what the scan benchmark's
// host prints, plus the tenant's ground truth the naive approach's request count is computed from.
//   node --import tsx bench/blast-radius/emulator-host.ts '{"apps":2000,"seed":1,"subscriptions":3,"latencyMs":50}'
import { LENIENT_READINGS } from '../../emulator/graph/readings.ts';
import { startEmulator } from '../../emulator/index.ts';
import { assignmentsOf } from '../../emulator/tenant/access-views.ts';
import { exitWithParent, report } from '../scan/children.ts';
import type { HostReady } from '../scan/emulator-host.ts';

export interface BlastRadiusHostInput {
  apps: number;
  seed: number;
  subscriptions: number;
  latencyMs: number;
}

/** Page sizes without `$top`: Graph's directory-style lists and ARM's lists both give 100 (emulator README). */
export const GRAPH_DEFAULT_PAGE = 100;
export const ARM_DEFAULT_PAGE = 100;

/** What the tenant holds that decides the naive approach's requests (one read per identity per place). */
export interface NaiveGroundTruth {
  /** Every service principal, the scanner's included: the identities a naive script lists and then asks about. */
  servicePrincipals: number;
  /** `GET /servicePrincipals/{id}/appRoleAssignments` pages: one per principal, more past 100 assignments. */
  appRoleAssignmentPages: number;
  appRoleAssignmentsHeld: number;
  maxAppRoleAssignmentsOfOne: number;
  subscriptions: number;
  /**
   * `roleAssignments?$filter=principalId eq '{id}'` pages in one subscription: one per principal, more where a
   * principal holds more than 100 assignments in all (an upper bound that is exact while none does).
   */
  rbacPagesPerSubscription: number;
  rbacAssignments: number;
  maxRbacAssignmentsOfOne: number;
  userAssignedIdentities: number;
}

export type BlastRadiusHostReady = HostReady & { truth: NaiveGroundTruth };

const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));

const input = JSON.parse(process.argv[2] ?? '{}') as BlastRadiusHostInput;
const started = performance.now();
const emulator = await startEmulator({
  // As the scan benchmark: the medium budget (5,000 RU / 10 s) whatever the generated user count, and the
  // lenient readings its figures were measured with.
  tenants: [{ seed: input.seed, apps: input.apps, size: 'medium' }],
  graph: { readings: LENIENT_READINGS },
  arm: { subscriptions: input.subscriptions },
});
if (input.latencyMs > 0) emulator.control.injectFaults({ latencyMs: input.latencyMs });
const tenant = emulator.tenants[0]!;
const arm = emulator.arm.states[0]!;

let appRoleAssignmentPages = 0;
let appRoleAssignmentsHeld = 0;
let maxAppRoleAssignmentsOfOne = 0;
for (const id of tenant.servicePrincipals.keys()) {
  const held = assignmentsOf(tenant, id).length;
  appRoleAssignmentPages += pages(held, GRAPH_DEFAULT_PAGE);
  appRoleAssignmentsHeld += held;
  maxAppRoleAssignmentsOfOne = Math.max(maxAppRoleAssignmentsOfOne, held);
}
const rbacByPrincipal = new Map<string, number>();
for (const a of arm.roleAssignments)
  rbacByPrincipal.set(a.principalId, (rbacByPrincipal.get(a.principalId) ?? 0) + 1);
let rbacPagesPerSubscription = 0;
for (const id of tenant.servicePrincipals.keys())
  rbacPagesPerSubscription += pages(rbacByPrincipal.get(id) ?? 0, ARM_DEFAULT_PAGE);

exitWithParent(() => emulator.close());
report({
  origin: emulator.origin,
  caCertPath: emulator.caCertPath,
  caBundlePath: emulator.caBundlePath,
  adminKey: emulator.adminKey,
  tenantId: emulator.scanner.tenantId,
  clientId: emulator.scanner.clientId,
  certificatePath: emulator.scanner.certificatePath,
  secretPath: emulator.scanner.secretPath,
  applications: tenant.applications.size,
  servicePrincipals: tenant.servicePrincipals.size,
  users: tenant.users.size,
  startSeconds: (performance.now() - started) / 1000,
  rssMB: process.memoryUsage().rss / 1e6,
  truth: {
    servicePrincipals: tenant.servicePrincipals.size,
    appRoleAssignmentPages,
    appRoleAssignmentsHeld,
    maxAppRoleAssignmentsOfOne,
    subscriptions: arm.subscriptions.length,
    rbacPagesPerSubscription,
    rbacAssignments: arm.roleAssignments.length,
    maxRbacAssignmentsOfOne: [...rbacByPrincipal.values()].reduce((a, b) => Math.max(a, b), 0),
    userAssignedIdentities: arm.userAssignedIdentities.length,
  },
} satisfies BlastRadiusHostReady);
