// Whether an identity's change moved its workload's risk level (`lanyard changes`): both versions scored by the
// pure scorer as the workload they belong to (an application with its service principal), at the same time and
// without last use, so only what changed in the identities can move the level. Pure.
import type { Change, ChangeSeverity, ChangeSubject, DiffContext } from './change-types.ts';
import type { Identity } from './inventory.ts';
import { scoreIdentity } from './risk/score.ts';
import type { RiskLevel } from './risk/types.ts';
import { reachOfWorkload, workloadOf, workloadRiskInput } from './risk/workload.ts';

const LEVELS: RiskLevel[] = ['low', 'medium', 'high', 'critical'];
/** Last use is not compared: both versions are scored without it, at the same time. */
const NOT_COMPARED = { state: 'unknown', reason: 'not compared between scans' } as const;

/** The workload's risk level as each version makes it, when both were scored on equal knowledge of access. */
export function riskChange(
  before: Identity,
  after: Identity,
  context: DiffContext,
  subject: ChangeSubject,
): Change | null {
  const now = new Date(context.afterAt);
  const score = (identity: Identity, partner: Identity | null | undefined) => {
    const workload = workloadOf(identity, partner ?? undefined);
    const reach = reachOfWorkload(workload, context.tiers);
    const input = workloadRiskInput(workload, { lastUse: () => NOT_COMPARED, now, reach });
    return {
      risk: scoreIdentity(input, context.config),
      unknown: [...(reach.unknown ?? [])].sort().join('\n'),
    };
  };
  const was = score(before, context.partner?.before);
  const is = score(after, context.partner?.after);
  // Access read for the first time (or no longer readable) moves the score without anything having changed.
  if (was.unknown !== is.unknown || was.risk.level === is.risk.level) return null;
  const up = LEVELS.indexOf(is.risk.level) > LEVELS.indexOf(was.risk.level);
  const severity: ChangeSeverity = !up
    ? 'info'
    : is.risk.level === 'critical'
      ? 'critical'
      : is.risk.level === 'high'
        ? 'high'
        : 'medium';
  return {
    type: 'risk.changed',
    identity: subject,
    direction: up ? 'up' : 'down',
    before: { level: was.risk.level, score: was.risk.score },
    after: { level: is.risk.level, score: is.risk.score },
    severity,
    summary: `risk ${up ? 'up' : 'down'}: ${was.risk.level} (${was.risk.score}) → ${is.risk.level} (${is.risk.score})`,
  };
}
