// Runs the real `lanyard` CLI in a child process, as a user would, against a private LANYARD_HOME: the command
// built from the current sources (built-cli.ts), started through bin/lanyard.mjs with the V8 flags it gives
// an installed command.
import { spawn } from 'node:child_process';
import { builtCli } from './built-cli.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const { bin } = await builtCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, LANYARD_DATABASE_URL: undefined, LANYARD_RISK_CONFIG: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
