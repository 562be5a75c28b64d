// Runs the catalogue over identities and tallies the answers: the findings of failing checks, and per check how
// many identities passed, failed, could not be judged (with each reason once) or were not concerned. Pure.
import type { IdentityKind } from '../inventory.ts';
import type { AnyCheck, CheckSubject, FindingDraft, Severity } from './check.ts';

/** A finding ready to store: the check's draft with whom it is about and its final severity. */
export interface Finding {
  checkId: string;
  objectId: string;
  kind: IdentityKind;
  appId: string;
  displayName: string;
  /** '' when it is about the identity as a whole. */
  keyId: string;
  severity: Severity;
  message: string;
}

export interface CheckTally {
  checkId: string;
  passed: number;
  failed: number;
  unknown: number;
  notApplicable: number;
  unknownReasons: { reason: string; count: number }[];
}

export interface Evaluation {
  findings: Finding[];
  tallies: CheckTally[];
  /** `checkId objectId` of every identity a check could not judge: its earlier findings stand. */
  unknownSubjects: string[];
}

/** User overrides of the checks' params, by check id (unknown keys are refused when the settings load). */
export type CheckParams = Record<string, Record<string, number | string | boolean>>;

export function createEvaluation(checks: readonly AnyCheck[], now: Date, overrides: CheckParams = {}) {
  const findings: Finding[] = [];
  const unknownSubjects: string[] = [];
  const tallies = new Map(
    checks.map((check) => [
      check.id,
      {
        tally: { checkId: check.id, passed: 0, failed: 0, unknown: 0, notApplicable: 0 },
        reasons: new Map<string, number>(),
      },
    ]),
  );
  const contexts = new Map(
    checks.map((check) => [check.id, { now, params: { ...check.params, ...overrides[check.id] } }]),
  );
  const toFinding = (check: AnyCheck, subject: CheckSubject, draft: FindingDraft): Finding => ({
    checkId: check.id,
    objectId: subject.identity.objectId,
    kind: subject.identity.kind,
    appId: subject.identity.appId,
    displayName: subject.identity.displayName,
    keyId: draft.keyId ?? '',
    severity: draft.severity ?? check.severity,
    message: draft.message,
  });

  return {
    add(subject: CheckSubject): void {
      for (const check of checks) {
        const entry = tallies.get(check.id)!;
        const outcome = check.evaluate(subject, contexts.get(check.id)!);
        switch (outcome.status) {
          case 'pass':
            entry.tally.passed++;
            break;
          case 'not-applicable':
            entry.tally.notApplicable++;
            break;
          case 'unknown':
            entry.tally.unknown++;
            entry.reasons.set(outcome.reason, (entry.reasons.get(outcome.reason) ?? 0) + 1);
            unknownSubjects.push(`${check.id} ${subject.identity.objectId}`);
            break;
          case 'fail':
            entry.tally.failed++;
            for (const draft of outcome.findings) findings.push(toFinding(check, subject, draft));
        }
      }
    },
    result(): Evaluation {
      return {
        findings,
        unknownSubjects,
        tallies: [...tallies.values()].map(({ tally, reasons }) => ({
          ...tally,
          unknownReasons: [...reasons].map(([reason, count]) => ({ reason, count })),
        })),
      };
    },
  };
}
