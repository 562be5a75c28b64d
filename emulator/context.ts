// Shared state of one running emulator: its clock, its tenants, the request log and the faults in force.
// Login (emulator/login) fills `authenticate`; Graph (emulator/graph) reads it and writes the log.
import type { EmulatorRequest, EmulatorResponse } from './http.ts';
import type { TenantState } from './tenant/model.ts';

/** Emulated time: tests advance it instead of sleeping (token lifetimes, throttle windows, expiry dates). */
export interface Clock {
  now(): number;
  advance(ms: number): void;
}

export interface CallerIdentity {
  tenantId: string;
  appId: string;
  /** Application permissions carried in the access token's `roles` claim. */
  roles: string[];
}

export interface RequestRecord {
  time: number;
  method: string;
  /** Path and query as received. */
  path: string;
  status: number;
  appId: string | null;
  tenantId: string | null;
  resourceUnits: number;
  throttled: boolean;
  /** Objects returned in `value` (0 for non-collection responses). */
  objects: number;
  bytes: number;
}

export interface SignInRecord {
  time: number;
  tenantId: string;
  appId: string;
  /** keyId of the secret or certificate, or the federated credential's id; null when unknown. */
  credentialKeyId: string | null;
  credentialType: 'clientSecret' | 'certificate' | 'federatedCredential' | null;
  ip: string;
  success: boolean;
  errorCode: number | null;
}

export interface FaultSpec {
  /** Only requests whose path contains this string are affected (default: all Graph requests). */
  pathContains?: string;
  /** Added latency per request, ms. */
  latencyMs?: number;
  /**
   * Added latency per KiB of the reply body, ms, on top of `latencyMs`: a page of 999 objects takes longer
   * than a page of 15, as Graph's do (the directory reads and serialises every object it returns).
   */
  latencyPerKbMs?: number;
  /** Probability in [0,1] of each fault for a matching request. */
  serverErrorRate?: number;
  resetRate?: number;
  truncateRate?: number;
  /** Bytes per second for slow drip responses, with its probability. */
  dripRate?: number;
  dripBytesPerSecond?: number;
  /** Probability of a forced 429 regardless of budget (a "429 storm"), with Retry-After seconds. */
  throttleRate?: number;
  throttleRetryAfterSeconds?: number;
  /**
   * Probability that a 200 collection page (a JSON object with a `value` array) comes back as a JSON object
   * without `value`, only `@odata.context`: a client must treat it as an upstream failure, not an empty list.
   */
  malformedRate?: number;
  /** Stop injecting after this many faults (undefined: unlimited). */
  maxFaults?: number;
}

export interface EmulatorContext {
  clock: Clock;
  tenants: Map<string, TenantState>;
  /** Resolves the bearer token of a Graph/ARM request, or returns the 401 Graph would send. */
  authenticate(request: EmulatorRequest): CallerIdentity | EmulatorResponse;
  requests: RequestRecord[];
  signIns: SignInRecord[];
  faults: FaultSpec[];
}
