// Assembles one running emulator from tenant states: context, clock, TLS, login, control and the HTTPS
// server. startEmulator (index.ts) adds generated tenants and the scanner app on top; tests call this directly
// with hand-built tenants.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClock } from './clock.ts';
import type { EmulatorContext } from './context.ts';
import { type ControlDeps, createControl, createControlHandler, type EmulatorControl } from './control.ts';
import type { Handler } from './http.ts';
import { createLogin, type Login } from './login/index.ts';
import { type EmulatorServer, startEmulatorServer } from './server.ts';
import type { TenantState } from './tenant/model.ts';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueServerCertificate,
  writeCaFiles,
} from './tls.ts';

export interface RuntimeOptions<G, S, R> {
  tenants: TenantState[];
  port?: number;
  host?: string;
  now?: number;
  tokenLifetimeSeconds?: number;
  outDir?: string;
  faultSeed?: number;
  /** Reuse a CA (tests that run their own https issuers trusted through it); default: a fresh one. */
  ca?: CertificateAuthority;
  /** Builds the Graph/ARM handlers once the context exists. */
  api?: (ctx: EmulatorContext) => Handler[];
  /** The Graph readings in force, for `GET /_emulator/graph/readings`. */
  graphReadings?: ControlDeps<G, S, R>['graphReadings'];
  groundTruth?: ControlDeps<G, S, R>['groundTruth'];
  addClientApplication?: ControlDeps<G, S, R>['addClientApplication'];
}

export interface EmulatorRuntime<G, S, R> {
  origin: string;
  ctx: EmulatorContext;
  ca: CertificateAuthority;
  caCertPem: string;
  caCertPath: string;
  caBundlePath: string;
  outDir: string;
  adminKey: string;
  login: Login;
  server: EmulatorServer;
  control: EmulatorControl<G, S, R>;
  close(): Promise<void>;
}

const notWired = (what: string) => () => {
  throw new Error(`${what} is not available in this emulator`);
};

export async function startRuntime<G = unknown, S = unknown, R = unknown>(
  options: RuntimeOptions<G, S, R>,
): Promise<EmulatorRuntime<G, S, R>> {
  const host = options.host ?? '127.0.0.1';
  // A temp dir the runtime made is removed on close, with the credentials written into it.
  const ownsOutDir = options.outDir === undefined;
  const outDir = options.outDir ?? (await mkdtemp(path.join(tmpdir(), 'lanyard-emulator-')));
  const ca = options.ca ?? (await createCertificateAuthority());
  const serverCert = await issueServerCertificate(ca, [...new Set([host, '127.0.0.1', '::1', 'localhost'])]);
  const files = await writeCaFiles(ca.certPem, outDir);

  const ctx: EmulatorContext = {
    clock: createClock(options.now),
    tenants: new Map(options.tenants.map((t) => [t.id, t])),
    authenticate: () => {
      throw new Error('login is not wired yet');
    },
    requests: [],
    signIns: [],
    faults: [],
  };
  const login = createLogin(ctx, {
    lifetimeSeconds: options.tokenLifetimeSeconds,
    trustedCaPem: files.bundlePem,
  });
  ctx.authenticate = login.authenticate;
  const control = createControl<G, S, R>({
    ctx,
    expireAllTokens: login.expireAllTokens,
    graphReadings: options.graphReadings,
    groundTruth: options.groundTruth ?? notWired('groundTruth'),
    addClientApplication: options.addClientApplication ?? notWired('addClientApplication'),
  });
  const adminKey = randomBytes(24).toString('base64url');
  const server = await startEmulatorServer({
    ctx,
    tls: serverCert,
    login: login.handler,
    control: createControlHandler(control, adminKey),
    api: options.api?.(ctx) ?? [],
    host,
    port: options.port,
    faultSeed: options.faultSeed,
  });
  return {
    origin: server.origin,
    ctx,
    ca,
    caCertPem: ca.certPem,
    caCertPath: files.caCertPath,
    caBundlePath: files.caBundlePath,
    outDir,
    adminKey,
    login,
    server,
    control,
    async close() {
      await server.close();
      if (ownsOutDir) await rm(outDir, { recursive: true, force: true });
    },
  };
}
