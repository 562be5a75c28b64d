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
