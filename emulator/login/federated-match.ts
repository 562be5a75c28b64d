// Finds the federated identity credential an assertion matches, or the AADSTS error Entra answers when none
// does. Entra reports the first claim that found no credential: issuer (700211), then audience (700212),
// then subject (700213), and since its 2024-25 switch to case-sensitive matching it names the near misses
// that differ only in letter case, so the user knows which value to retype.
import type { FederatedIdentityCredential } from '@microsoft/microsoft-graph-types';
import { type AadstsError, aadsts } from './aadsts.ts';

export interface PresentedClaims {
  issuer: string;
  subject: string;
  audiences: string[];
}

export type FederatedMatch =
  | { ok: true; credential: FederatedIdentityCredential }
  | { ok: false; error: AadstsError };

const sameIgnoringCase = (a: string | null | undefined, b: string) =>
  a != null && a.toLowerCase() === b.toLowerCase();

/** Subjects of tokens Entra itself issues (Azure DevOps service connections, Bot Service, Copilot Studio). */
const ENTRA_SUBJECT = /^(\/eid1\/c\/pub\/t\/)[^/]+/;

export function matchFederatedCredential(
  credentials: FederatedIdentityCredential[],
  presented: PresentedClaims,
): FederatedMatch {
  const { issuer, subject, audiences } = presented;
  const fail = (error: AadstsError): FederatedMatch => ({ ok: false, error });

  const byIssuer = credentials.filter((f) => f.issuer === issuer);
  if (byIssuer.length === 0) {
    // Microsoft's notice: case-only issuer and audience failures answer with the 700213 template.
    if (credentials.some((f) => sameIgnoringCase(f.issuer, issuer))) {
      return fail(aadsts.federatedCaseSensitive(subject));
    }
    return fail(aadsts.noFederatedIssuer(issuer));
  }

  const audiencesOf = (f: FederatedIdentityCredential) => f.audiences ?? [];
  const byAudience = byIssuer.filter((f) => audiencesOf(f).some((a) => audiences.includes(a)));
  if (byAudience.length === 0) {
    const caseOnly = byIssuer.some((f) =>
      audiencesOf(f).some((a) => audiences.some((p) => sameIgnoringCase(a, p))),
    );
    if (caseOnly) return fail(aadsts.federatedCaseSensitive(subject));
    return fail(aadsts.noFederatedAudience(audiences[0] ?? ''));
  }

  const credential = byAudience.find((f) => f.subject === subject);
  if (credential) return { ok: true, credential };
  if (byAudience.some((f) => sameIgnoringCase(f.subject, subject))) {
    return fail(aadsts.federatedSubjectCase(subject));
  }
  if (ENTRA_SUBJECT.test(subject)) {
    return fail(aadsts.federatedEntraSubject(subject, subject.replace(ENTRA_SUBJECT, '$1{tenantId}')));
  }
  return fail(aadsts.noFederatedSubject(subject));
}
