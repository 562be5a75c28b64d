// Sign-in failures from the token endpoint (AADSTS codes inside @azure/identity's errors), normalised to
// AuthFailed with what to do for each known cause, or to Unreachable / TlsUntrusted for network failures.
import { AuthFailed, CredentialUnreadable, LanyardError } from '../../core/errors.ts';
import { errorChain, normaliseNetworkError } from './network-errors.ts';

export interface SignInContext {
  tenantId: string;
  clientId: string;
  method: string;
  loginUrl: string;
  caFile?: string | undefined;
  secretEnv?: string | undefined;
  certificatePath?: string | undefined;
  tokenFile?: string | undefined;
}

/** Entra's whole description line, from which advice picks the values Entra quotes back. */
type Advice = (c: SignInContext, said: string) => { problem: string; fix: string };

/**
 * The issuer, audience or subject Entra quotes from the presented token ("presented assertion subject 'x'").
 * These are claims of the federated token, never the token or a secret; clipped so a hostile token cannot
 * flood the one-line message.
 */
function presented(said: string, claim: 'issuer' | 'audience' | 'subject'): string | undefined {
  const value = new RegExp(`presented assertion ${claim} '([^']*)'`).exec(said)?.[1];
  if (value === undefined) return undefined;
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}

const quoted = (value: string | undefined, what: string) =>
  value === undefined ? what : `${what} '${value}'`;
const exactly = (value: string | undefined) => (value === undefined ? "the token's subject" : `'${value}'`);
const tokenIn = (c: SignInContext) => (c.tokenFile ? `the token in ${c.tokenFile}` : 'the federated token');

const TENANT: Advice = (c) => ({
  problem: `tenant "${c.tenantId}" was not found at ${c.loginUrl}`,
  fix: 'use the Directory (tenant) ID from Entra ID > Overview, and check the integration targets the right cloud',
});
const FEDERATION: Advice = (c) => ({
  problem: `no federated credential of app ${c.clientId} matches the presented token`,
  fix:
    `add a federated credential to the app whose issuer, subject and audience (api://AzureADTokenExchange) ` +
    `match the token in ${c.tokenFile ?? 'the token file'}`,
});

/** Entra's AADSTS codes for the client-credentials flow, with the fix for each. */
const ADVICE: Record<number, Advice> = {
  90002: TENANT,
  900023: TENANT,
  90023: TENANT,
  700016: (c) => ({
    problem: `no application with client id ${c.clientId} exists in tenant ${c.tenantId}`,
    fix: "use the Application (client) ID of Lanyard's app registration in this tenant",
  }),
  7000215: (c) => ({
    problem: `the client secret of app ${c.clientId} is wrong`,
    fix: `put the secret's Value (not its Secret ID) into the environment variable ${c.secretEnv ?? 'named by the integration'}`,
  }),
  7000222: (c) => ({
    problem: `the client secret of app ${c.clientId} has expired`,
    fix: `create a new secret (Certificates & secrets) and put it into ${c.secretEnv ?? 'the environment variable'}; better, switch to a certificate or federation`,
  }),
  700027: (c) => ({
    problem: `app ${c.clientId} does not know the certificate Lanyard signed with`,
    fix: `upload the public certificate of ${c.certificatePath ?? 'the configured certificate'} to the app (Certificates & secrets > Certificates)`,
  }),
  700024: () => ({
    problem: 'the client assertion is outside its validity period',
    fix: "check this machine's clock, and that the federated token file is refreshed before it expires",
  }),
  // Entra's older code for any federated mismatch; still listed by Azure DevOps' troubleshooting docs.
  70021: FEDERATION,
  700211: (c, said) => ({
    problem: `no federated credential of app ${c.clientId} trusts ${quoted(presented(said, 'issuer'), 'the issuer')} of ${tokenIn(c)}`,
    fix: `add a federated credential with exactly that issuer (trailing slash and letter case included) to app ${c.clientId}, or point the integration at the intended issuer's token`,
  }),
  700212: (c, said) => ({
    problem: `no federated credential of app ${c.clientId} for the token's issuer lists ${quoted(presented(said, 'audience'), 'its audience')}`,
    fix: `have the issuer mint ${tokenIn(c)} for api://AzureADTokenExchange, or add its audience to the federated credential's audiences`,
  }),
  700213: (c, said) => {
    const subject = presented(said, 'subject');
    // Microsoft's case-sensitivity notice: this wording also covers an issuer or audience differing in case.
    if (said.includes('case-sensitive comparison')) {
      return {
        problem: `no federated credential of app ${c.clientId} matches the issuer, audience and ${quoted(subject, 'subject')} of ${tokenIn(c)} when compared case-sensitively`,
        fix: `retype the federated credential's issuer, audience and subject with exactly the letter case the token carries`,
      };
    }
    return {
      problem: `the subject of app ${c.clientId}'s federated credential does not match ${quoted(subject, "the token's subject")}`,
      fix: `set the subject of app ${c.clientId}'s federated credential for this issuer to ${exactly(subject)} exactly, or add a credential with it`,
    };
  },
  7002137: (c, said) => ({
    problem: `no federated credential of app ${c.clientId} matches ${quoted(presented(said, 'subject'), 'the subject')} of the token Entra issued`,
    fix: `set the federated credential's subject to the subject the issuing service (e.g. the Azure DevOps service connection) shows, character for character`,
  }),
  7002138: (c, said) => {
    const subject = presented(said, 'subject');
    return {
      problem: `${quoted(subject, "the token's subject")} matches a federated credential of app ${c.clientId} only when letter case is ignored, and Entra compares case-sensitively`,
      fix: `change the federated credential's subject to ${exactly(subject)} with exactly this letter case`,
    };
  },
  7000112: (c) => ({
    problem: `app ${c.clientId} is disabled in tenant ${c.tenantId}`,
    fix: "enable Lanyard's service principal (Enterprise applications > Properties > Enabled for users to sign-in)",
  }),
  7000229: (c) => ({
    problem: `app ${c.clientId} has no service principal in tenant ${c.tenantId}`,
    fix: `create it with \`az ad sp create --id ${c.clientId}\` in tenant ${c.tenantId}, or grant admin consent to the app there`,
  }),
  53003: () => ({
    problem: 'a Conditional Access policy blocked the sign-in',
    fix: "exclude Lanyard's service principal from the workload-identity Conditional Access policy, or allow this location",
  }),
  500011: () => ({
    problem: 'the token endpoint does not know the requested resource',
    fix: 'check the Graph URL / scope configured for this cloud',
  }),
  70011: () => ({
    problem: 'the requested scope is invalid',
    fix: 'check the Graph URL / scope configured for this cloud',
  }),
};

/** The AADSTS code and Entra's first sentence about it, from wherever the error chain keeps it. */
export function findAadsts(error: unknown): { code: number; description: string } | null {
  const found = findAadstsLine(error);
  return found && { code: found.code, description: firstSentence(found.said) };
}

function findAadstsLine(error: unknown): { code: number; said: string } | null {
  for (const e of errorChain(error)) {
    const texts = [
      e.message,
      e.errorMessage,
      (e.errorResponse as { errorDescription?: unknown })?.errorDescription,
    ];
    for (const text of texts) {
      const match = typeof text === 'string' ? text.match(/AADSTS(\d+):?\s*([^\r\n]*)/) : null;
      if (match) return { code: Number(match[1]), said: match[2] ?? '' };
    }
  }
  return null;
}

function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  return (end > 0 ? text.slice(0, end + 1) : text).slice(0, 240).trim();
}

/** Turns whatever a credential's getToken threw into a named error. */
export function normaliseSignInError(error: unknown, context: SignInContext): LanyardError {
  if (error instanceof LanyardError) return error;
  const network = normaliseNetworkError(error, { url: context.loginUrl, caFile: context.caFile });
  if (network) return network;
  const aadsts = findAadstsLine(error);
  if (aadsts) {
    const advice = ADVICE[aadsts.code];
    if (advice) {
      const { problem, fix } = advice(context, aadsts.said);
      return new AuthFailed(`sign-in failed: ${problem} (AADSTS${aadsts.code})`, { fix, cause: error });
    }
    return new AuthFailed(`sign-in failed: AADSTS${aadsts.code}: ${firstSentence(aadsts.said)}`, {
      fix: `look up AADSTS${aadsts.code} at https://login.microsoftonline.com/error?code=${aadsts.code}`,
      cause: error,
    });
  }
  for (const e of errorChain(error)) {
    if (e.name === 'CredentialUnavailableError') {
      return new CredentialUnreadable(`the ${context.method} credential is not available here: ${text(e)}`, {
        fix: 'check that this credential type can work on this machine (managed identity endpoint, az login)',
        cause: error,
      });
    }
  }
  return new AuthFailed(`sign-in failed: ${text(error)}`, {
    fix: 'check the tenant, client id and credential of the integration',
    cause: error,
  });
}

function text(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return firstSentence(message.split('\n')[0] ?? message);
}
