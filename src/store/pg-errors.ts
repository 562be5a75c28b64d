// Reads PostgreSQL's SQLSTATE from an error of node-postgres or PGlite, also when drizzle wrapped it.

export function pgErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The driver's own error under drizzle's wrapper: drizzle's message repeats every parameter, which for a staged
 * batch is megabytes of facts.
 */
export function driverError(error: unknown): Error {
  const cause = (error as { cause?: unknown })?.cause;
  return cause instanceof Error ? cause : error instanceof Error ? error : new Error(String(error));
}

/** SQLSTATEs of a server that went away or is not back yet: connection exceptions, shutdown, starting up. */
const CONNECTION_LOST = /^(08...|57P01|57P02|57P03)$/;
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN']);

/**
 * Whether a query failed because the connection to PostgreSQL was lost or could not be made (the server
 * restarted, failed over, or the network dropped), rather than because of the query: trying again once the
 * server answers may succeed.
 */
export function connectionLost(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_LOST.test(code) || SOCKET_ERRORS.has(code))) return true;
    // node-postgres says so in words only: a socket closed under a query, or a client that lost it before.
    const message = (current as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /^Connection terminated unexpectedly|connection error and is not queryable/.test(message)
    )
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
