// The catalogue of Lanyard's errors: each has a stable code, says what went wrong and how to fix it.
// Transports map them once: the CLI to exit codes (below), the HTTP API to statuses.

export type ErrorCode =
  | 'LANYARD_INVALID_INPUT'
  | 'LANYARD_NOT_FOUND'
  | 'LANYARD_CONFLICT'
  | 'LANYARD_AUTH_FAILED'
  | 'LANYARD_PERMISSION_MISSING'
  | 'LANYARD_UNREACHABLE'
  | 'LANYARD_TLS_UNTRUSTED'
  | 'LANYARD_STORE_LOCKED'
  | 'LANYARD_THROTTLED'
  | 'LANYARD_UPSTREAM_FAILED'
  | 'LANYARD_CREDENTIAL_UNREADABLE';

/** Distinct process exit codes, so scripts can tell causes apart without parsing messages. */
export const EXIT_CODES: Record<ErrorCode, number> = {
  LANYARD_INVALID_INPUT: 2,
  LANYARD_NOT_FOUND: 3,
  LANYARD_CONFLICT: 4,
  LANYARD_AUTH_FAILED: 5,
  LANYARD_PERMISSION_MISSING: 6,
  LANYARD_UNREACHABLE: 7,
  LANYARD_TLS_UNTRUSTED: 8,
  LANYARD_STORE_LOCKED: 9,
  LANYARD_THROTTLED: 10,
  LANYARD_UPSTREAM_FAILED: 11,
  LANYARD_CREDENTIAL_UNREADABLE: 12,
};

export class LanyardError extends Error {
  readonly code: ErrorCode;
  /** What the user should do about it, one sentence. */
  readonly fix: string | undefined;
  /**
   * The input field at fault, in the service's terms (`integration`, `expiresWithin`); each transport maps it
   * to its own name for it (a CLI flag, a query parameter).
   */
  readonly field: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { fix?: string; cause?: unknown; field?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.fix = options.fix;
    this.field = options.field;
    this.name = new.target.name;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

type ErrorOptions = { fix?: string; cause?: unknown; field?: string };

/** A LanyardError subclass bound to one code, so each named error below is a one-liner. */
function withCode(code: ErrorCode) {
  return class extends LanyardError {
    constructor(message: string, options?: ErrorOptions) {
      super(code, message, options);
    }
  };
}

export class InvalidInput extends withCode('LANYARD_INVALID_INPUT') {}
export class NotFound extends withCode('LANYARD_NOT_FOUND') {}
export class Conflict extends withCode('LANYARD_CONFLICT') {}
export class AuthFailed extends withCode('LANYARD_AUTH_FAILED') {}
export class Unreachable extends withCode('LANYARD_UNREACHABLE') {}
export class TlsUntrusted extends withCode('LANYARD_TLS_UNTRUSTED') {}
export class StoreLocked extends withCode('LANYARD_STORE_LOCKED') {}
export class Throttled extends withCode('LANYARD_THROTTLED') {}
export class UpstreamFailed extends withCode('LANYARD_UPSTREAM_FAILED') {}
export class CredentialUnreadable extends withCode('LANYARD_CREDENTIAL_UNREADABLE') {}

/** Another scan of the integration is running: single flight, so the caller gets that scan instead. */
export class ScanInProgress extends Conflict {
  readonly scanId: number;
  constructor(message: string, options: ErrorOptions & { scanId: number }) {
    super(message, options);
    this.scanId = options.scanId;
  }
}

export class PermissionMissing extends LanyardError {
  /** The Graph permission to grant, when known. */
  readonly permission: string | undefined;
  constructor(message: string, options: ErrorOptions & { permission?: string } = {}) {
    super('LANYARD_PERMISSION_MISSING', message, options);
    this.permission = options.permission;
  }
}
