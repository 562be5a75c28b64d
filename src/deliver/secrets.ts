// Secrets in sink configuration (an HEC token, a webhook signing secret): given inline, or as `{ env: NAME }`
// so that the configuration file holds none. Resolved once, when the sink is created; no message ever
// contains a secret's value, only the name of the variable it was to come from.
import { InvalidInput } from '../core/errors.ts';

export type SecretRef = string | { env: string };

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The secret's value; `what` names it in errors (`sink "hec": token`). */
export function resolveSecret(
  ref: SecretRef,
  env: Readonly<Record<string, string | undefined>>,
  what: string,
  minLength = 1,
): string {
  const from = typeof ref === 'string' ? 'the secret' : `environment variable ${ref.env}`;
  const value = typeof ref === 'string' ? ref : env[ref.env];
  if (value === undefined || value === '') {
    throw new InvalidInput(typeof ref === 'string' ? `${what} is empty` : `${what}: ${from} is not set`, {
      fix:
        typeof ref === 'string'
          ? 'give { "env": "NAME" } instead'
          : `set ${ref.env} in the environment Lanyard runs in`,
    });
  }
  if (value.length < minLength) {
    // Its length may be said, never its value.
    throw new InvalidInput(`${what}: ${from} holds fewer than ${minLength} characters`, {
      fix: 'use a long random secret',
    });
  }
  return value;
}
