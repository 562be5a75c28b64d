// Renders findings for people and pipelines: worst first, with what each check could not judge said once per
// check (unknown is never counted as passing). Messages and names are tenant-controlled: all go through inert text.
import type { Severity } from '../../core/checks/check.ts';
import { InvalidInput } from '../../core/errors.ts';
import { csvCell, inert, inertJson } from '../../core/inert-text.ts';
import type { FindingsReport } from '../../services/findings-service.ts';
import type { FindingRecord } from '../../store/findings.ts';
import type { Output } from '../output.ts';
import { renderTable } from './table.ts';

export const FINDINGS_FORMATS = ['table', 'json', 'csv'] as const;
export type FindingsFormat = (typeof FINDINGS_FORMATS)[number];

export function parseFindingsFormat(value: string): FindingsFormat {
  if (!(FINDINGS_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidInput(`unknown format "${value}"`, {
      fix: `use --format ${FINDINGS_FORMATS.join('|')}`,
    });
  }
  return value as FindingsFormat;
}

const stateOf = (finding: FindingRecord): string => (finding.suppression ? 'suppressed' : finding.state);

/** What a pipeline reads: a stable shape, documented in the README. */
function jsonOf(report: FindingsReport, integrations: Map<string, string>) {
  return {
    findings: report.findings.map((f) => ({
      id: f.id,
      integration: integrations.get(f.integrationId) ?? f.integrationId,
      check: f.checkId,
      severity: f.severity,
      state: stateOf(f),
      identity: { objectId: f.objectId, appId: f.appId, displayName: f.displayName },
      keyId: f.keyId || null,
      message: f.message,
      firstSeenAt: f.firstSeenAt,
      lastSeenAt: f.lastSeenAt,
      resolvedAt: f.resolvedAt,
      suppression: f.suppression
        ? {
            id: f.suppression.id,
            reason: f.suppression.reason,
            expiresAt: f.suppression.expiresAt,
            by: f.suppression.createdBy,
          }
        : null,
    })),
    checks: report.tallies.map((t) => ({
      integration: t.integration,
      check: t.checkId,
      evaluatedAt: t.evaluatedAt,
      passed: t.passed,
      failed: t.failed,
      unknown: t.unknown,
      notApplicable: t.notApplicable,
      unknownReasons: t.unknownReasons,
    })),
  };
}

export function countBySeverity(findings: readonly FindingRecord[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

export async function writeFindings(
  report: FindingsReport,
  format: FindingsFormat,
  integrations: Map<string, string>,
  out: Output,
): Promise<void> {
  if (format === 'json') {
    await out.write(`${inertJson(jsonOf(report, integrations), 2)}\n`);
    return;
  }
  if (format === 'csv') {
    const header =
      'integration,check,severity,state,object_id,app_id,display_name,key_id,message,first_seen_at';
    await out.write(`${header}\n`);
    for (const f of report.findings) {
      const cells = [
        integrations.get(f.integrationId) ?? f.integrationId,
        f.checkId,
        f.severity,
        stateOf(f),
        f.objectId,
        f.appId,
        f.displayName,
        f.keyId,
        f.message,
        f.firstSeenAt,
      ];
      if (!(await out.write(`${cells.map(csvCell).join(',')}\n`))) return;
    }
    return;
  }
  const counts = countBySeverity(report.findings);
  const summary = (['critical', 'high', 'medium', 'low'] as const)
    .filter((severity) => counts[severity])
    .map((severity) => `${counts[severity]} ${severity}`)
    .join(', ');
  await out.write(
    report.findings.length
      ? `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}: ${summary}\n\n`
      : 'No findings.\n',
  );
  if (report.findings.length) {
    const rows = report.findings.map((f) => [
      f.severity,
      f.checkId,
      integrations.get(f.integrationId) ?? '',
      f.displayName,
      stateOf(f),
      f.firstSeenAt.slice(0, 10),
      f.message,
    ]);
    await out.write(
      `${renderTable(['SEVERITY', 'CHECK', 'INTEGRATION', 'IDENTITY', 'STATE', 'SINCE', 'FINDING'], rows, 72)}\n`,
    );
  }
  const unjudged = report.tallies.filter((t) => t.unknown > 0);
  if (unjudged.length) {
    await out.write('\nNot judged (the data was not collected; never counted as passing):\n');
    for (const t of unjudged) {
      for (const { reason, count } of t.unknownReasons) {
        await out.write(
          `  ${t.checkId} on ${inert(t.integration)}: ${count} identit${count === 1 ? 'y' : 'ies'}: ${inert(reason)}\n`,
        );
      }
    }
  }
  if (!report.tallies.length) {
    await out.write(
      '\nNo evaluation yet: findings are evaluated after each scan (lanyard scan, or lanyard checks run).\n',
    );
  }
}

/** Per severity, the checks that found something and how often: the demo's and a digest's short view. */
export function renderFindingsBySeverity(report: FindingsReport): string {
  if (!report.findings.length) return '  none';
  const lines: string[] = [];
  for (const severity of ['critical', 'high', 'medium', 'low'] as const) {
    const ofSeverity = report.findings.filter((f) => f.severity === severity);
    if (!ofSeverity.length) continue;
    const byCheck = new Map<string, number>();
    for (const f of ofSeverity) byCheck.set(f.checkId, (byCheck.get(f.checkId) ?? 0) + 1);
    const checks = [...byCheck].sort((a, b) => b[1] - a[1]).map(([id, n]) => `${id} ${n}`);
    lines.push(`  ${severity.padEnd(9)}${String(ofSeverity.length).padStart(5)}  ${checks.join(', ')}`);
  }
  return lines.join('\n');
}
