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

  constructor(code: ErrorCode, message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.fix = options.fix;
    this.name = new.target.name;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

type ErrorOptions = { fix?: string; cause?: unknown };

export class InvalidInput extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_INVALID_INPUT', message, options);
  }
}
export class NotFound extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_NOT_FOUND', message, options);
  }
}
export class Conflict extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_CONFLICT', message, options);
  }
}
export class AuthFailed extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_AUTH_FAILED', message, options);
  }
}
export class PermissionMissing extends LanyardError {
  readonly permission: string | undefined;
  constructor(message: string, options: ErrorOptions & { permission?: string } = {}) {
    super('LANYARD_PERMISSION_MISSING', message, options);
    this.permission = options.permission;
  }
}
export class Unreachable extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_UNREACHABLE', message, options);
  }
}
export class TlsUntrusted extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_TLS_UNTRUSTED', message, options);
  }
}
export class StoreLocked extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_STORE_LOCKED', message, options);
  }
}
export class Throttled extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_THROTTLED', message, options);
  }
}
export class UpstreamFailed extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_UPSTREAM_FAILED', message, options);
  }
}
export class CredentialUnreadable extends LanyardError {
  constructor(message: string, options?: ErrorOptions) {
    super('LANYARD_CREDENTIAL_UNREADABLE', message, options);
  }
}
