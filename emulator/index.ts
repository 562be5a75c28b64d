// Starts the emulated Microsoft cloud: generated tenants, Lanyard's own scanner app registered in the
// first one, Entra login, Graph, faults and the control surface behind one HTTPS origin.
import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type ArmAccess,
  type ArmGroundTruth,
  type ArmOptions,
  type ArmState,
  armGroundTruth,
  createArmAccess,
  createArmHandler,
  generateArmState,
} from './arm/index.ts';
import type { EmulatorControl } from './control.ts';
import { createGraphHandler, type GraphOptions, type GraphReadings, resolveReadings } from './graph/index.ts';
import { startRuntime } from './runtime.ts';
import type { TenantLicence } from './tenant/access-model.ts';
import {
  addClientApplication,
  type ClientApplication,
  type ClientApplicationSpec,
} from './tenant/client-apps.ts';
import { generateTenant } from './tenant/generate.ts';
import { type GroundTruth, groundTruth } from './tenant/ground-truth.ts';
import type { TenantSize, TenantState } from './tenant/model.ts';
import { createClientCertificate } from './tls.ts';

export type { ArmAccess, ArmGroundTruth, ArmOptions, ArmState } from './arm/index.ts';
export type { EmulatorControl, UsageSummary, UsageTotals } from './control.ts';
export type { GraphOptions, GraphReadings } from './graph/index.ts';

export interface StartEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default one tenant: [{ seed: 1, apps: 200 }]. */
  /** `licence` (default 'p2') and `resourceAppRoles` as in generateTenant (README "Blast radius and last use"). */
  tenants?: Array<{
    seed: number;
    apps: number;
    size?: TenantSize;
    licence?: TenantLicence;
    resourceAppRoles?: boolean;
    /** Microsoft Entra Workload ID Premium (Entra ID Protection's risk APIs); default true as in generateTenant. */
    workloadIdentitiesPremium?: boolean;
  }>;
  /** Epoch ms the emulated clock (and the generated tenants' dates) start at; default now. */
  now?: number;
  /** Graph's throttling, limits and readings of disputed behaviours (strict by default), for the Graph handler. */
  graph?: GraphOptions;
  /**
   * Graph application permissions of the scanner app; default SCANNER_GRAPH_ROLES. `['Application.Read.All']`
   * gives the least-privileged reader, which sees user owners with only `@odata.type` and `id`.
   */
  scannerGraphRoles?: string[];
  /** Access token lifetime; default 3599 s, as Entra issues app tokens. */
  tokenLifetimeSeconds?: number;
  /** Where the CA and scanner files are written; default a new temp dir, removed on close. */
  outDir?: string;
  /** Seed of the fault layer's random choices, for reproducible fault runs. */
  faultSeed?: number;
  /** ARM: subscriptions per tenant, denied subscriptions, throttling, page size (emulator/README.md "ARM"). */
  arm?: ArmOptions;
}

export interface ScannerApp {
  tenantId: string;
  clientId: string;
  /** Object id of the application registration. */
  objectId: string;
  servicePrincipalId: string;
  /** The Graph application permissions its tokens carry. */
  graphRoles: string[];
  secretText: string;
  /** File (0600) holding only the secret text. */
  secretPath: string;
  certificatePem: string;
  privateKeyPem: string;
  /** PEM file (0600) with the private key and the certificate, as ClientCertificateCredential accepts. */
  certificatePath: string;
}

export type EmulatorControlApi = EmulatorControl<
  GroundTruth,
  Omit<ClientApplicationSpec, 'now'>,
  ClientApplication
>;

export interface RunningEmulator {
  /** https://127.0.0.1:PORT */
  origin: string;
  loginUrl: string;
  graphUrl: string;
  armUrl: string;
  caCertPem: string;
  caCertPath: string;
  /** The emulator CA plus the bundle this process trusts: what NODE_EXTRA_CA_CERTS should name. */
  caBundlePath: string;
  outDir: string;
  adminKey: string;
  tenants: TenantState[];
  scanner: ScannerApp;
  /** The Graph readings in force (options.graph.readings with the strict defaults filled in). */
  graphReadings: GraphReadings;
  /** Each tenant's ARM state (same order as `tenants`), the live access switch and the ARM answer key. */
  arm: { states: ArmState[]; access: ArmAccess; groundTruth(tenantId: string): ArmGroundTruth };
  control: EmulatorControlApi;
  close(): Promise<void>;
}

/** The Graph permissions Lanyard's read-only integration asks for. */
export const SCANNER_GRAPH_ROLES = [
  'Application.Read.All',
  'Directory.Read.All',
  'AuditLog.Read.All',
  // Eligible (PIM) directory roles: no Directory.* permission reads them.
  'RoleManagement.Read.Directory',
  // Conditional Access policies and Entra ID Protection's risk (optional parts; README, permissions).
  'Policy.Read.All',
  'IdentityRiskyServicePrincipal.Read.All',
  'IdentityRiskEvent.Read.All',
];

/** A secret in Entra's shape: three characters, a digit, `Q~`, then 34 more (40 in all). */
function entraSecretText(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.~';
  const pick = (n: number) => [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${pick(3)}${(randomBytes(1)[0] as number) % 10}Q~${pick(34)}`;
}

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now();
  const specs = options.tenants ?? [{ seed: 1, apps: 200 }];
  if (specs.length === 0) throw new RangeError('the emulator needs at least one tenant');
  const tenants = specs.map((t) => generateTenant({ ...t, now }));
  const first = tenants[0] as TenantState;
  // Before the scanner is registered, so ARM draws depend on the seed alone.
  const armStates = tenants.map((t, i) =>
    generateArmState(t, { seed: specs[i]!.seed, now, subscriptions: options.arm?.subscriptions }),
  );
  const armAccess = createArmAccess(armStates, options.arm?.deniedSubscriptions);

  // Resolved up front so a bad reading fails before anything listens.
  const graphReadings = resolveReadings(options.graph?.readings);
  const graphRoles = [...(options.scannerGraphRoles ?? SCANNER_GRAPH_ROLES)];

  const certificate = await createClientCertificate('Lanyard Scanner');
  const secretText = entraSecretText();
  const scannerApp = addClientApplication(first, {
    displayName: 'Lanyard Scanner',
    graphRoles,
    secretText,
    certificatePem: certificate.certPem,
    now,
  });

  const runtime = await startRuntime<GroundTruth, Omit<ClientApplicationSpec, 'now'>, ClientApplication>({
    tenants,
    port: options.port,
    host: options.host,
    now,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds,
    outDir: options.outDir,
    faultSeed: options.faultSeed,
    api: (ctx) => [
      createGraphHandler(ctx, { ...options.graph, readings: graphReadings }),
      createArmHandler(ctx, { ...options.arm, states: armStates, access: armAccess }),
    ],
    graphReadings: () => graphReadings,
    groundTruth,
    addClientApplication,
  });

  const certificatePath = path.join(runtime.outDir, 'scanner-certificate.pem');
  const secretPath = path.join(runtime.outDir, 'scanner-secret.txt');
  // mode applies only when the file is created; chmod covers files left by an earlier run in the same dir.
  await writeFile(certificatePath, `${certificate.keyPem}${certificate.certPem}`, { mode: 0o600 });
  await writeFile(secretPath, `${secretText}\n`, { mode: 0o600 });
  await Promise.all([chmod(certificatePath, 0o600), chmod(secretPath, 0o600)]);

  return {
    origin: runtime.origin,
    loginUrl: runtime.origin,
    graphUrl: runtime.origin,
    armUrl: runtime.origin,
    caCertPem: runtime.caCertPem,
    caCertPath: runtime.caCertPath,
    caBundlePath: runtime.caBundlePath,
    outDir: runtime.outDir,
    adminKey: runtime.adminKey,
    tenants,
    graphReadings,
    scanner: {
      tenantId: first.id,
      clientId: scannerApp.appId,
      objectId: scannerApp.objectId,
      servicePrincipalId: scannerApp.servicePrincipalId,
      graphRoles,
      secretText,
      secretPath,
      certificatePem: certificate.certPem,
      privateKeyPem: certificate.keyPem,
      certificatePath,
    },
    control: runtime.control,
    arm: {
      states: armStates,
      access: armAccess,
      groundTruth(tenantId) {
        const state = armStates.find((s) => s.tenantId === tenantId);
        if (!state) throw new RangeError(`no emulated tenant ${tenantId}`);
        return armGroundTruth(state);
      },
    },
    close: runtime.close,
  };
}
