// The user's JSON settings files in LANYARD_HOME (risk.json, monitoring.json), or the file an environment
// variable names: found, read and parsed the same way, with errors that name the file and the fix.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidInput } from '../core/errors.ts';
import { type GlobalOptions, lanyardHome } from './runtime.ts';

export interface SettingsFileSpec {
  /** The file's name in LANYARD_HOME. */
  fileName: string;
  /** The variable that names another file instead. */
  envName: string;
}

/** The variable's file (relative to the working directory) if set, else the file in LANYARD_HOME. */
export function settingsPath(
  spec: SettingsFileSpec,
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): { path: string; chosen: boolean } {
  const chosen = env[spec.envName]?.trim();
  if (chosen) return { path: resolve(chosen), chosen: true };
  return { path: join(lanyardHome(options), spec.fileName), chosen: false };
}

export function invalidFile(
  path: string,
  problem: string,
  options: { fix?: string; cause?: unknown } = {},
): never {
  throw new InvalidInput(`${path}: ${problem}`, {
    fix: options.fix ?? 'correct the file, or remove the entry to keep the default',
    ...(options.cause ? { cause: options.cause } : {}),
  });
}

/** The file as a JSON object; InvalidInput naming the file when it is not one. */
export function parseSettingsObject(text: string, path: string, shape: string): Record<string, unknown> {
  let raw: unknown;
  try {
    // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    invalidFile(path, `not valid JSON (${(error as Error).message})`, {
      fix: 'correct the JSON syntax (keys in double quotes, no trailing commas or comments)',
      cause: error,
    });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    invalidFile(path, `must be a JSON object: ${shape}`);
  }
  return raw as Record<string, unknown>;
}

/**
 * The file's text, or undefined when there is none at the default place (the defaults apply, silently). A file
 * named by the variable must exist, so a mistyped path cannot quietly run with the defaults.
 */
export async function readSettingsFile(
  spec: SettingsFileSpec,
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; text: string | undefined }> {
  const { path, chosen } = settingsPath(spec, options, env);
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !chosen) return { path, text: undefined };
    if (code === 'ENOENT') {
      invalidFile(path, `does not exist (${spec.envName} names it)`, {
        fix: `create it, or unset ${spec.envName} to use ${join(lanyardHome(options), spec.fileName)}`,
        cause: error,
      });
    }
    return invalidFile(path, `cannot be read (${code ?? (error as Error).message})`, {
      fix: 'make it a readable file',
      cause: error,
    });
  }
}
