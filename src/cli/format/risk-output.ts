// Renders risk for people: the ranking of `lanyard risk`, an identity's score with its reasons, last use in
// words. Factor texts and reach names embed tenant-controlled names: every one goes through inert text.
import { InvalidInput } from '../../core/errors.ts';
import { inert, inertJson } from '../../core/inert-text.ts';
import type { LastUse, Reach, RiskFactor } from '../../core/risk/types.ts';
import type { IdentityRisk, RankedCredential, ReachSummary } from '../../services/risk-service.ts';
import type { Output } from '../output.ts';
import { renderTable } from './table.ts';

export const RISK_FORMATS = ['table', 'json', 'ndjson'] as const;
export type RiskFormat = (typeof RISK_FORMATS)[number];

export function parseRiskFormat(value: string): RiskFormat {
  if (!(RISK_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidInput(`unknown format "${value}"`, { fix: `use --format ${RISK_FORMATS.join('|')}` });
  }
  return value as RiskFormat;
}

const DAY_MS = 86_400_000;

/** "2026-10-01 (12 d ago)", "not seen since 2026-08-01", "unknown": the three states never look alike. */
export function describeLastUse(lastUse: LastUse, now: number): string {
  const ago = (iso: string) => {
    const at = Date.parse(iso);
    if (Number.isNaN(at)) return inert(iso);
    return `${iso.slice(0, 10)} (${Math.max(0, Math.floor((now - at) / DAY_MS))} d ago)`;
  };
  if (lastUse.state === 'used') return ago(lastUse.at);
  if (lastUse.state === 'not-seen') return `not seen since ${ago(lastUse.monitoredSince)}`;
  return 'unknown';
}

/** The strongest reasons first: impact factors lead (what is at stake), then likelihood by points. */
export function topFactors(factors: readonly RiskFactor[], count: number): RiskFactor[] {
  const impact = factors.filter((f) => f.dimension === 'impact').sort((a, b) => b.points - a.points);
  const likelihood = factors.filter((f) => f.dimension === 'likelihood').sort((a, b) => b.points - a.points);
  return [...impact.slice(0, 1), ...likelihood, ...impact.slice(1)].slice(0, count);
}

const KIND_LABEL: Record<Reach['kind'], string> = {
  'app-permission': 'app permission',
  'delegated-grant': 'delegated',
  'directory-role': 'directory role',
  'azure-role': 'Azure role',
};

/** "tier 0 RoleManagement.ReadWrite.Directory (app permission)", with where it applies when not tenant-wide. */
export function describeReach(entry: Reach): string {
  const tier = entry.tier === 'unknown' ? 'unclassified' : `tier ${entry.tier}`;
  const on = entry.resource ? ` on ${entry.resource}` : '';
  const scope =
    entry.scope && entry.scope !== '/'
      ? entry.kind === 'delegated-grant'
        ? ` for ${entry.scope}`
        : ` at ${entry.scope}`
      : '';
  return inert(`${tier} ${entry.name} (${KIND_LABEL[entry.kind]}${on})${scope}`);
}

/** One line of reach: the most privileged few, how many more, and what is unknown. */
export function reachLines(reach: ReachSummary, shown: number, indent: string): string[] {
  const lines: string[] = [];
  if (reach.entries.length) {
    const more = reach.entries.length > shown ? `; +${reach.entries.length - shown} more` : '';
    lines.push(`${indent}can reach: ${reach.entries.slice(0, shown).map(describeReach).join('; ')}${more}`);
  } else if (!reach.unknown.length) {
    lines.push(`${indent}can reach: no permissions or roles found`);
  }
  for (const unknown of reach.unknown) lines.push(`${indent}unknown: ${inert(unknown)}`);
  return lines;
}

const shortKey = (keyId: string) => keyId.slice(0, 8);

/** Type and key first, so a long (attacker-chosen) name is what the column cuts. */
function credentialCell({ credential }: RankedCredential): string {
  const on = credential.location === 'servicePrincipal' ? ' on SP' : '';
  const name = credential.displayName ? ` "${credential.displayName}"` : '';
  return `${credential.type} ${shortKey(credential.keyId)}${on}${name}`;
}

const TYPE_SHORT: Record<RankedCredential['identity']['type'], string> = {
  application: 'app',
  'service-principal': 'SP',
  'managed-identity': 'MI',
};

const REASONS_SHOWN = 3;
const REACH_SHOWN = 3;

function rankingTable(ranked: readonly RankedCredential[], now: number): string {
  if (!ranked.length) return 'No credential matches.\n';
  const rows = ranked.map((entry, index) => [
    String(index + 1),
    `${entry.score} ${entry.level}`,
    credentialCell(entry),
    `${TYPE_SHORT[entry.identity.type]} ${entry.identity.displayName}`,
    entry.integration.name,
    entry.credential.endDateTime?.slice(0, 10) ?? 'never',
    describeLastUse(entry.lastUse, now),
  ]);
  const [header, ...lines] = renderTable(
    ['#', 'SCORE', 'CREDENTIAL', 'IDENTITY', 'INTEGRATION', 'EXPIRES', 'LAST USE'],
    rows,
    40,
  ).split('\n');
  const out = [header!];
  ranked.forEach((entry, index) => {
    out.push(lines[index]!);
    for (const factor of topFactors(entry.factors, REASONS_SHOWN)) out.push(`     - ${inert(factor.text)}`);
    out.push(...reachLines(entry.reach, REACH_SHOWN, '     '));
  });
  return `${out.join('\n')}\n`;
}

/** Writes the ranking; JSON and NDJSON carry every field (all factors, the whole reach with tiers). */
export async function writeRanking(
  ranked: readonly RankedCredential[],
  format: RiskFormat,
  now: number,
  out: Output,
): Promise<void> {
  if (format === 'json') {
    await out.write(`${inertJson(ranked, 2)}\n`);
    return;
  }
  if (format === 'ndjson') {
    for (const entry of ranked) if (!(await out.write(`${inertJson(entry)}\n`))) return;
    return;
  }
  await out.write(rankingTable(ranked, now));
}

function factorLine(factor: RiskFactor): string {
  const weight = factor.dimension === 'impact' ? `impact ${factor.points}` : `+${factor.points}`;
  return `  ${weight.padEnd(10)} ${inert(factor.text)}`;
}

/** The identity's "Risk:" section: score and level, every factor (why), last use and reach. */
export function renderIdentityRisk(risk: IdentityRisk, now: number): string[] {
  const factors = [
    ...risk.factors.filter((f) => f.dimension === 'impact').sort((a, b) => b.points - a.points),
    ...risk.factors.filter((f) => f.dimension === 'likelihood').sort((a, b) => b.points - a.points),
  ];
  return [
    `Risk: ${risk.score} ${risk.level} (impact ${risk.impact} × likelihood ${risk.likelihood} / 100)`,
    ...factors.map(factorLine),
    `  last use:  ${describeLastUse(risk.lastUse, now)}`,
    ...reachLines(risk.reach, 5, '  '),
  ];
}

/** Short forms for the credential table's columns. */
export const credentialRiskCell = (score: { score: number; level: string } | undefined): string =>
  score ? `${score.score} ${score.level}` : '-';
